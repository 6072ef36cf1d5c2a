package dev.r1.gates.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.r1.gates.Checkpoint;
import dev.r1.gates.Diff;
import dev.r1.gates.Gate;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.Inputs;
import dev.r1.gates.TestGates;
import dev.r1.stoke.event.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntaxGateTest {
    private final Gate gate = TestGates.gate("syntax", "syntax: {}");

    private GateVerdict write(Gate g, String path, String content) {
        return g.evaluate(GateInput.at(Checkpoint.TOOL, Inputs.task()).tool(GateInput.ToolCall.write(path, content)).build());
    }

    private static boolean installed(String... argv) {
        return CommandRunner.run(List.of(argv), Path.of("."), Duration.ofSeconds(20)).ok();
    }

    @Test
    void bashScriptsAreCheckedWithBashN() {
        assumeTrue(installed("bash", "-c", "true"), "bash is installed");
        assertThat(write(gate, "scripts/ok.sh", "#!/bin/bash\nif [ -n \"$1\" ]; then echo hi; fi\n").verdict()).isEqualTo(Verdict.ALLOW);
        GateVerdict v = write(gate, "scripts/bad.sh", "#!/bin/bash\nif [ -n \"$1\" ]; then echo hi\n");
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("scripts/bad.sh").contains("bash -n").contains("syntax error");
    }

    @Test
    void pythonIsCheckedWithPyCompile() {
        assumeTrue(installed("python3", "-c", "pass"), "python3 is installed");
        assertThat(write(gate, "src/ok.py", "def f(x):\n    return x + 1\n").verdict()).isEqualTo(Verdict.ALLOW);
        GateVerdict v = write(gate, "src/bad.py", "def f(x)\n    return x + 1\n");
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("src/bad.py").contains("SyntaxError");
    }

    @Test
    void jsonAndYamlAreCheckedInProcess() {
        assertThat(write(gate, "a.json", "{\"a\": [1, 2]}").verdict()).isEqualTo(Verdict.ALLOW);
        GateVerdict json = write(gate, "a.json", "{\"a\": [1, 2}\n");
        assertThat(json.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(json.reason()).contains("not valid JSON at line 1");
        GateVerdict yaml = write(gate, "ci.yml", "jobs:\n  build:\n    steps: [a, b\n  test: {}\n");
        assertThat(yaml.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(yaml.reason()).contains("not valid YAML at line");
    }

    @Test
    void filesWithoutACheckerPass() {
        GateVerdict v = write(gate, "README.md", "# hi\n");
        assertThat(v.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(v.reason()).contains("no changed file has a syntax checker");
    }

    @Test
    void aMissingCheckerEscalates() {
        Gate g = TestGates.gate("syntax", "syntax:\n  commands:\n    .zz: [r1-no-such-checker, \"{file}\"]");
        GateVerdict v = write(g, "x.zz", "whatever");
        assertThat(v.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(v.reason()).contains("x.zz").contains("r1-no-such-checker").contains("could not start");
    }

    @Test
    void aSlowCheckerIsStoppedAndEscalates() {
        assumeTrue(installed("bash", "-c", "true"), "bash is installed");
        Gate g = TestGates.gate("syntax", "syntax:\n  timeout_seconds: 1\n  commands:\n    .slow: [bash, -c, \"sleep 30\", \"{file}\"]");
        long t0 = System.nanoTime();
        GateVerdict v = write(g, "x.slow", "zzz");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(v.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(v.reason()).contains("ran over 1 s");
    }

    @Test
    void atTransitionsTheWorktreeIsChecked(@TempDir Path worktree) throws Exception {
        assumeTrue(installed("bash", "-c", "true"), "bash is installed");
        Files.createDirectories(worktree.resolve("bin"));
        Files.writeString(worktree.resolve("bin/run.sh"), "echo $((1 +\n");
        Files.writeString(worktree.resolve("data.json"), "[1,2,3]");
        String diff = Inputs.newFile("bin/run.sh", "echo $((1 +\n") + Inputs.newFile("data.json", "[1,2,3]");
        GateVerdict v = gate.evaluate(GateInput.at(Checkpoint.EXECUTE_VERIFY, Inputs.task()).diff(Diff.parse(diff)).worktree(worktree).build());
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).startsWith("1 file failed").contains("bin/run.sh");
        GateVerdict noTree = gate.evaluate(GateInput.at(Checkpoint.EXECUTE_VERIFY, Inputs.task()).diff(Diff.parse(diff)).build());
        assertThat(noTree.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(noTree.reason()).contains("content was not available");
    }

    @Test
    void editsAreLeftForTheTransition() {
        GateVerdict v = gate.evaluate(GateInput.at(Checkpoint.TOOL, Inputs.task()).tool(GateInput.ToolCall.edit("a.py", "def (")).build());
        assertThat(v.verdict()).isEqualTo(Verdict.ALLOW);
    }
}
