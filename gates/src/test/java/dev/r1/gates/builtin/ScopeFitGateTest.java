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

class ScopeFitGateTest {
    private final Gate gate = TestGates.gate("scope-fit", "scope-fit:\n  max_files: 4\n  escalate_outside: 1");
    private final GateInput.Task task = Inputs.task(Phase.PLAN).withScope(List.of("src/**", "tests/**"));

    private GateVerdict plan(String... paths) {
        return gate.evaluate(GateInput.at(Checkpoint.PLAN_EXECUTE, task).plan(new GateInput.Plan("p", 0.1, List.of(paths))).build());
    }

    @Test
    void allowsPathsWithinScope() {
        GateVerdict v = plan("src/a.py", "tests/test_a.py");
        assertThat(v.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(v.reason()).contains("all 2 paths are within the task's scope [src/**, tests/**]");
    }

    @Test
    void escalatesOnePathOutsideScope() {
        GateVerdict v = plan("src/a.py", "README.md");
        assertThat(v.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(v.reason()).contains("1 of 2 paths are outside the task's scope").contains("README.md");
    }

    @Test
    void blocksSeveralPathsOutsideScope() {
        GateVerdict v = plan("src/a.py", "README.md", "build.gradle");
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("2 of 3 paths planned are outside").contains("widen scope");
    }

    @Test
    void escalatesSlightlyTooManyFilesAndBlocksFarTooMany() {
        assertThat(plan("src/1", "src/2", "src/3", "src/4", "src/5").verdict()).isEqualTo(Verdict.ESCALATE);
        GateVerdict v = plan("src/1", "src/2", "src/3", "src/4", "src/5", "src/6");
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("6 files").contains("split the task");
    }

    @Test
    void blocksPathsOutsideTheRepositoryAndDeniedPaths() {
        assertThat(plan("src/../../etc/passwd").verdict()).isEqualTo(Verdict.BLOCK);
        GateVerdict v = gate.evaluate(GateInput.at(Checkpoint.TOOL, Inputs.task().withScope(List.of("**")))
                .tool(GateInput.ToolCall.write(".git/config", "[core]\n")).build());
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains(".git/config").contains("no task may change");
    }

    @Test
    void escalatesProtectedPaths() {
        GateVerdict v = gate.evaluate(Inputs.atVerify(Inputs.touching(List.of(".r1/gates.yaml"), 3)));
        assertThat(v.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(v.reason()).contains("protected paths (.r1/**)");
    }

    @Test
    void checksTheDiffAfterPlanning() {
        GateInput in = GateInput.at(Checkpoint.EXECUTE_VERIFY, task.withPhase(Phase.EXECUTE))
                .diff(Inputs.touching(List.of("src/a.py", "docs/x.md", "docs/y.md"), 1)).build();
        assertThat(gate.evaluate(in).verdict()).isEqualTo(Verdict.BLOCK);
    }
}
