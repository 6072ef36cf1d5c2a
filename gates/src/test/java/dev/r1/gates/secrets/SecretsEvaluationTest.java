package dev.r1.gates.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.gates.Checkpoint;
import dev.r1.gates.Diff;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.Inputs;
import dev.r1.gates.builtin.SecretsGate;
import dev.r1.gates.secrets.SecretSamples.Sample;
import dev.r1.stoke.event.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The secrets gate against a labelled set: every planted secret must be caught (BLOCK or
 * ESCALATE) and no look-alike may raise an alarm, both in a diff (EXECUTE->VERIFY) and as
 * the content of a write tool call. Prints the figures docs/gates.md records.
 */
class SecretsEvaluationTest {
    private static final long SEED = Long.getLong("r1.secrets.seed", 20_251_123L);
    private final SecretsGate gate = new SecretsGate("secrets", new SecretScanner(true), List.of(), Verdict.ESCALATE);

    private GateVerdict inDiff(Sample s) {
        return gate.evaluate(Inputs.atVerify(Diff.parse(Inputs.newFile(s.path(), s.content()))));
    }

    private GateVerdict inWrite(Sample s) {
        return gate.evaluate(GateInput.at(Checkpoint.TOOL, Inputs.task()).tool(GateInput.ToolCall.write(s.path(), s.content())).build());
    }

    @Test
    void catchesEveryPlantedSecretAndRaisesNoAlarmOnLookAlikes() throws IOException {
        SecretSamples set = new SecretSamples(SEED);
        List<Sample> planted = set.planted();
        List<Sample> lookAlikes = set.lookAlikes();
        Set<String> kinds = planted.stream().map(Sample::kind).collect(Collectors.toCollection(TreeSet::new));
        assertThat(planted).hasSizeGreaterThanOrEqualTo(30);
        assertThat(kinds).hasSizeGreaterThanOrEqualTo(10);
        assertThat(lookAlikes).hasSizeGreaterThanOrEqualTo(30);

        int blocked = 0;
        int escalated = 0;
        List<String> missed = new ArrayList<>();
        for (Sample s : planted) {
            for (GateVerdict v : List.of(inDiff(s), inWrite(s))) {
                if (v.verdict() == Verdict.BLOCK) blocked++;
                else if (v.verdict() == Verdict.ESCALATE) escalated++;
                else missed.add(s.kind() + " in " + s.path() + ": " + s.content().strip());
            }
            assertThat(inDiff(s).reason()).as("a reason never repeats the secret").doesNotContain(secretPart(s));
        }
        List<String> alarms = new ArrayList<>();
        for (Sample s : lookAlikes) {
            for (GateVerdict v : List.of(inDiff(s), inWrite(s))) {
                if (v.verdict() != Verdict.ALLOW) alarms.add(s.kind() + " in " + s.path() + " -> " + v.verdict() + ": " + v.reason());
            }
        }
        int caughtPlanted = planted.size() - (int) missed.stream().map(m -> m.substring(0, m.indexOf(':'))).distinct().count();
        int falseAlarms = (int) alarms.stream().map(a -> a.substring(0, a.indexOf(" ->"))).distinct().count();
        String figures = String.format(Locale.ROOT,
                "secrets gate evaluation (seed %d): caught %d/%d planted secrets of %d kinds (%d block + %d escalate verdicts over"
                        + " diff and write checks); false alarms %d/%d look-alikes",
                SEED, caughtPlanted, planted.size(), kinds.size(), blocked, escalated, falseAlarms, lookAlikes.size());
        System.out.println(figures);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "secrets-evaluation.txt"), figures + "\nkinds: " + String.join(", ", kinds) + "\n");
        assertThat(missed).as("planted secrets the gate let through").isEmpty();
        assertThat(alarms).as("look-alikes the gate alarmed on").isEmpty();
    }

    /** The same over many seeds, so the result does not hang on one lucky draw. */
    @Test
    void holdsAcrossSeeds() {
        List<String> problems = new ArrayList<>();
        for (long seed = 1; seed <= 40; seed++) {
            SecretSamples set = new SecretSamples(seed);
            for (Sample s : set.planted()) {
                if (inDiff(s).verdict() == Verdict.ALLOW) problems.add("seed " + seed + " missed " + s.kind() + ": " + s.content().strip());
            }
            for (Sample s : set.lookAlikes()) {
                GateVerdict v = inDiff(s);
                if (v.verdict() != Verdict.ALLOW) problems.add("seed " + seed + " alarmed on " + s.kind() + ": " + v.reason());
            }
        }
        assertThat(problems).isEmpty();
    }

    private static String secretPart(Sample s) {
        // the longest run of token characters in the sample stands for its secret
        String best = "";
        for (String t : s.content().split("[^A-Za-z0-9_+/=-]+")) if (t.length() > best.length()) best = t;
        return best.length() >= 16 ? best : "\u0000never";
    }
}
