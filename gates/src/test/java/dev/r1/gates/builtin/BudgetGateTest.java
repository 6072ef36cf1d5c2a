package dev.r1.gates.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.gates.Checkpoint;
import dev.r1.gates.Gate;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.Inputs;
import dev.r1.gates.TestGates;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetGateTest {
    private final Gate gate = TestGates.gate("budget", "budget:\n  escalate_margin: 0.25");

    private GateVerdict plan(double estimate, double budget) {
        GateInput.Task task = Inputs.task(Phase.PLAN).withBudget(budget, 200);
        return gate.evaluate(GateInput.at(Checkpoint.PLAN_EXECUTE, task)
                .plan(new GateInput.Plan("add a greeting", estimate, List.of("src/a.py"))).role("planner").build());
    }

    @Test
    void allowsAPlanWithinBudget() {
        GateVerdict v = plan(0.40, 1.00);
        assertThat(v.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(v.reason()).contains("$0.40").contains("$1.00");
    }

    @Test
    void escalatesAPlanSlightlyOverBudget() {
        GateVerdict v = plan(1.10, 1.00);
        assertThat(v.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(v.reason()).contains("10% over").contains("approve");
    }

    @Test
    void blocksAPlanFarOverBudget() {
        GateVerdict v = plan(2.50, 1.00);
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("150% over").contains("raise budget.max_cost_usd").contains("$2.50");
    }

    @Test
    void escalatesWithoutAnEstimateOrAPlan() {
        assertThat(plan(Double.NaN, 1.00).verdict()).isEqualTo(Verdict.ESCALATE);
        GateVerdict v = gate.evaluate(GateInput.at(Checkpoint.PLAN_EXECUTE, Inputs.task(Phase.PLAN)).build());
        assertThat(v.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(v.reason()).contains("no plan");
    }

    @Test
    void theGatesCapLowersTheTasksBudget() {
        Gate capped = TestGates.gate("budget", "budget:\n  max_cost_usd: 0.5\n  escalate_margin: 0");
        GateVerdict v = capped.evaluate(GateInput.at(Checkpoint.PLAN_EXECUTE, Inputs.task(Phase.PLAN).withBudget(5.0, 200))
                .plan(new GateInput.Plan("x", 0.75, List.of())).build());
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("$0.50 (the gate's cap)");
    }

    @Test
    void blocksAToolCallOverTheCallBudget() {
        GateInput.Task task = Inputs.task().withBudget(1.0, 10);
        GateVerdict ok = gate.evaluate(GateInput.at(Checkpoint.TOOL, task).tool(GateInput.ToolCall.run("ls"))
                .usage(new GateInput.Usage(0.1, 9)).build());
        GateVerdict over = gate.evaluate(GateInput.at(Checkpoint.TOOL, task).tool(GateInput.ToolCall.run("ls"))
                .usage(new GateInput.Usage(0.1, 10)).build());
        assertThat(ok.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(ok.reason()).contains("10 of 10 tool calls");
        assertThat(over.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(over.reason()).contains("tool call 11 of a budget of 10");
    }

    @Test
    void judgesTheSpendAtLaterTransitions() {
        GateVerdict v = gate.evaluate(GateInput.at(Checkpoint.EXECUTE_VERIFY, Inputs.task().withBudget(1.0, 200))
                .usage(new GateInput.Usage(1.2, 30)).build());
        assertThat(v.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(v.reason()).contains("the cost so far $1.20");
    }
}
