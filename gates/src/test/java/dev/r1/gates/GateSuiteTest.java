package dev.r1.gates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suite as a service uses it: one call per checkpoint, one verdict per configured gate. */
class GateSuiteTest {
    @Test
    void theDefaultPresetAtEachCheckpoint() throws Exception {
        GateSuite suite = GateSuite.preset("default");
        GateInput.Task task = GateInput.Task.of("t-9", "add a greeting", Phase.PLAN).withScope(List.of("src/**"));

        List<GateVerdict> plan = suite.evaluate(GateInput.at(Checkpoint.PLAN_EXECUTE, task)
                .plan(new GateInput.Plan("edit src/hello.py", 0.2, List.of("src/hello.py"))).role("planner").build());
        assertThat(plan).extracting(GateVerdict::gate).containsExactlyElementsOf(suite.requiredGates(Checkpoint.PLAN_EXECUTE));
        assertThat(GateSuite.overall(plan)).isEqualTo(Verdict.ALLOW);

        GateInput.Task executing = task.withPhase(Phase.EXECUTE);
        List<GateVerdict> push = suite.evaluate(GateInput.at(Checkpoint.TOOL, executing)
                .tool(GateInput.ToolCall.run("git push origin main")).role("agent").build());
        assertThat(push).extracting(GateVerdict::gate).containsExactly("policy", "secrets");
        assertThat(GateSuite.overall(push)).isEqualTo(Verdict.BLOCK);

        Diff diff = Diff.parse(Inputs.newFile("src/hello.py", "print('hello')\n"));
        List<GateVerdict> verify = suite.evaluate(GateInput.at(Checkpoint.EXECUTE_VERIFY, executing).diff(diff).role("executor")
                .tool(GateInput.ToolCall.write("src/hello.py", "print('hello')\n")).build());
        assertThat(verify).extracting(GateVerdict::gate).containsExactly("policy", "secrets", "syntax");

        List<GateVerdict> done = suite.evaluate(GateInput.at(Checkpoint.COMMIT_DONE, task.withPhase(Phase.COMMIT)).diff(diff)
                .role("committer").build());
        assertThat(GateSuite.overall(done)).isEqualTo(Verdict.ALLOW);
        assertThat(suite.evaluate(GateInput.at(Checkpoint.VERIFY_COMMIT, task.withPhase(Phase.VERIFY)).build()))
                .as("tests and cross-family-review are the verifier's; lint needs a worktree")
                .extracting(GateVerdict::gate).containsExactly("lint");
    }

    @Test
    void decideCoversEveryRequiredGate() throws Exception {
        GateSuite suite = GateSuite.preset("default");
        GateInput in = GateInput.at(Checkpoint.VERIFY_COMMIT, Inputs.task(Phase.VERIFY)).role("verifier").build();
        List<GateVerdict> all = suite.decide(in, List.of(GateVerdict.allow("tests", "tests passed (exit 0)"),
                GateVerdict.allow("lint", "a caller cannot overrule the library's own gates")));
        assertThat(all).extracting(GateVerdict::gate).containsExactlyElementsOf(suite.requiredGates(Checkpoint.VERIFY_COMMIT));
        assertThat(all).extracting(GateVerdict::verdict).containsExactly(Verdict.BLOCK, Verdict.ESCALATE, Verdict.ALLOW);
        assertThat(all.get(0).reason()).contains("no decision was made for the required gate 'cross-family-review'");
        assertThat(all.get(1).reason()).contains("needs the worktree");
        assertThat(suite.requiredGates(Checkpoint.COMMIT_DONE)).containsExactly("merge", "policy");
    }

    @Test
    void aGateThatThrowsBecomesABlock() {
        Gate broken = new Gate() {
            public String id() {
                return "broken";
            }

            public GateVerdict evaluate(GateInput input) {
                throw new IllegalStateException("boom");
            }
        };
        GateVerdict v = GateSuite.run(broken, GateInput.at(Checkpoint.TOOL, Inputs.task()).build());
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("boom");
    }

    @Test
    void verdictsNeedAReasonAndAreCappedInLength() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GateVerdict.allow("g", "  ")).hasMessageContaining("no reason");
        assertThat(GateVerdict.block("g", "x".repeat(5000)).reason()).hasSize(GateVerdict.MAX_REASON_CHARS);
    }
}
