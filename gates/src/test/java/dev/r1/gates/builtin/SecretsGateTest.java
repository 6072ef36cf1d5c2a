package dev.r1.gates.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.gates.Checkpoint;
import dev.r1.gates.Diff;
import dev.r1.gates.Gate;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.Inputs;
import dev.r1.gates.TestGates;
import dev.r1.stoke.event.Verdict;
import org.junit.jupiter.api.Test;

class SecretsGateTest {
    private final Gate gate = TestGates.gate("secrets", "secrets: {}");
    private static final String TOKEN = "ghp_" + "Zq8RkV2mXw4Lp7Tn3Ys6Hb1Cd5Fg9Jk0Ma2N";

    @Test
    void allowsACleanChange() {
        GateVerdict v = gate.evaluate(Inputs.atVerify(Diff.parse(Inputs.newFile("src/hello.py", "print('hello')\n"))));
        assertThat(v.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(v.reason()).contains("no secrets found");
    }

    @Test
    void blocksATokenInTheDiffWithoutRepeatingIt() {
        GateVerdict v = gate.evaluate(Inputs.atVerify(Diff.parse(Inputs.newFile("ci/release.sh", "echo start\nexport GH_TOKEN=" + TOKEN + "\n"))));
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("ci/release.sh:2").contains("GitHub token").contains("rotate").doesNotContain(TOKEN);
    }

    @Test
    void scansWhatAWriteToolCallWould() {
        GateVerdict v = gate.evaluate(GateInput.at(Checkpoint.TOOL, Inputs.task())
                .tool(GateInput.ToolCall.write("config.yaml", "github:\n  token: " + TOKEN + "\n")).build());
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("config.yaml:2");
    }

    @Test
    void scansTheNewTextOfAnEdit() {
        GateVerdict v = gate.evaluate(GateInput.at(Checkpoint.TOOL, Inputs.task())
                .tool(GateInput.ToolCall.edit("app.py", "API = \"" + TOKEN + "\"")).build());
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
    }

    @Test
    void scansARunCommand() {
        GateVerdict v = gate.evaluate(GateInput.at(Checkpoint.TOOL, Inputs.task())
                .tool(GateInput.ToolCall.run("curl -H 'Authorization: token " + TOKEN + "' https://api.github.com/user")).build());
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
    }

    @Test
    void escalatesALowConfidenceFinding() {
        GateVerdict v = gate.evaluate(Inputs.atVerify(Diff.parse(Inputs.newFile("src/db.py", "connect(password=\"Summer2024!\")\n"))));
        assertThat(v.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(v.reason()).contains("possible secret").contains("src/db.py:1").contains("approve");
    }

    @Test
    void lowConfidenceCanBlockOrBeAllowed() {
        GateInput in = Inputs.atVerify(Diff.parse(Inputs.newFile("src/db.py", "connect(password=\"Summer2024!\")\n")));
        assertThat(TestGates.gate("secrets", "secrets:\n  low_confidence: block").evaluate(in).verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(TestGates.gate("secrets", "secrets:\n  low_confidence: allow").evaluate(in).verdict()).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void allowPathsAreNotScanned() {
        Gate g = TestGates.gate("secrets", "secrets:\n  allow_paths: [\"tests/fixtures/**\"]");
        GateVerdict v = g.evaluate(Inputs.atVerify(Diff.parse(Inputs.newFile("tests/fixtures/token.txt", TOKEN + "\n"))));
        assertThat(v.verdict()).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void onlyAddedLinesCount() {
        String diff = "diff --git a/x.env b/x.env\n--- a/x.env\n+++ b/x.env\n@@ -1,2 +1,1 @@\n-TOKEN=" + TOKEN + "\n KEEP=1\n";
        assertThat(gate.evaluate(Inputs.atVerify(Diff.parse(diff))).verdict()).isEqualTo(Verdict.ALLOW);
    }
}
