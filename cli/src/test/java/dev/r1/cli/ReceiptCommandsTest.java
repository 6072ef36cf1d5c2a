package dev.r1.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1.stoke.json.StrictJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptCommandsTest {
    private static final Path VECTORS = Path.of(System.getProperty("r1.conformance.dir", "../../shared/conformance"));
    private static final String PUB = VECTORS.resolve("keys/signer.pub.pem").toString();
    private static final String KEY = VECTORS.resolve("keys/signer.key.pem").toString();

    @TempDir
    Path tmp;

    @Test
    void verifyExitsZeroWhenEveryReceiptIsValid() {
        CliRun run = CliRun.of("receipt", "verify", "--key", PUB, v("valid/task-1-0.json"), v("valid/task-1-5.json"));
        assertThat(run.exit()).isZero();
        assertThat(run.out().lines()).hasSize(2).allMatch(l -> l.startsWith("valid "));
    }

    @Test
    void verifyExitsOneAndNamesTheRuleOfEachInvalidReceipt() {
        CliRun run = CliRun.of("receipt", "verify", "--key", PUB, v("valid/task-1-0.json"),
                v("invalid/task-1-1.swap-order.json"), v("invalid/task-1-7.gate-bypassed.json"));
        assertThat(run.exit()).isEqualTo(ExitCode.INVALID);
        assertThat(run.out().lines()).hasSize(3);
        assertThat(run.out()).contains("task-1-1.swap-order.json  order:").contains("gate invariant:");
    }

    @Test
    void verifyWithAKeyDirectoryTrustsItsPublicKeys() {
        CliRun run = CliRun.of("receipt", "verify", "--key", VECTORS.resolve("keys").toString(), v("valid/task-1-3.json"));
        assertThat(run.exit()).isZero();
    }

    @Test
    void verifyRefusesAnUntrustedKey() throws IOException {
        CliRun gen = CliRun.of("keys", "generate", "--out", tmp.toString(), "--name", "other");
        assertThat(gen.exit()).isZero();
        CliRun run = CliRun.of("receipt", "verify", "--key", tmp.resolve("other.pub.pem").toString(), v("valid/task-1-0.json"));
        assertThat(run.exit()).isEqualTo(ExitCode.INVALID);
        assertThat(run.out()).contains("unknown key");
    }

    @Test
    void verifyJsonReportsEachFile() {
        CliRun run = CliRun.of("receipt", "verify", "--json", "--key", PUB, v("valid/task-1-2.json"),
                v("invalid/task-1-5.duplicate-event.json"));
        assertThat(run.exit()).isEqualTo(ExitCode.INVALID);
        JsonNode report = StrictJson.parse(run.out());
        assertThat(report.get(0).get("valid").booleanValue()).isTrue();
        assertThat(report.get(0).get("receipt").textValue()).hasSize(64);
        assertThat(report.get(1).get("valid").booleanValue()).isFalse();
        assertThat(report.get(1).get("rule").textValue()).isEqualTo("duplicate");
        assertThat(report.get(1).get("event").textValue()).hasSize(64);
    }

    @Test
    void verifyExitsTwoOnUsageAndIoErrors() {
        assertThat(CliRun.of("receipt", "verify", v("valid/task-1-0.json")).exit()).isEqualTo(ExitCode.USAGE);
        CliRun missing = CliRun.of("receipt", "verify", "--key", PUB, tmp.resolve("nope.json").toString());
        assertThat(missing.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).contains("nope.json");
        CliRun badKey = CliRun.of("receipt", "verify", "--key", v("valid/task-1-0.json"), v("valid/task-1-0.json"));
        assertThat(badKey.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(badKey.err()).contains("PEM");
    }

    @Test
    void sealReproducesTheConformanceReceiptByteForByte() throws IOException {
        Path out = tmp.resolve("receipt.json");
        CliRun run = CliRun.of("receipt", "seal", "--key", KEY, "--out", out.toString(), v("seal/task-1-4.events.jsonl"));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(VECTORS.resolve("seal/task-1-4.receipt.json")));
    }

    @Test
    void sealRefusesEventsThatBreakTheGraphAndNamesTheLine() throws IOException {
        Path events = tmp.resolve("events.jsonl");
        var lines = Files.readAllLines(VECTORS.resolve("seal/task-1-0.events.jsonl"));
        Files.write(events, lines.subList(1, lines.size()));
        CliRun run = CliRun.of("receipt", "seal", "--key", KEY, events.toString());
        assertThat(run.exit()).isEqualTo(ExitCode.INVALID);
        assertThat(run.err()).contains("not sealed");

        Files.writeString(events, lines.get(0) + "\n{\"oops\": \n");
        CliRun malformed = CliRun.of("receipt", "seal", "--key", KEY, events.toString());
        assertThat(malformed.exit()).isEqualTo(ExitCode.INVALID);
        assertThat(malformed.err()).contains("events.jsonl:2: parse");
    }

    @Test
    void generatedKeysSealAReceiptThatVerifiesOnlyWithThem() throws IOException {
        CliRun gen = CliRun.of("keys", "generate", "--out", tmp.toString(), "--name", "ledger");
        assertThat(gen.exit()).isZero();
        Path privateKey = tmp.resolve("ledger.key.pem");
        assertThat(Files.getPosixFilePermissions(privateKey))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(gen.out()).startsWith("kid:");

        Path receipt = tmp.resolve("r.json");
        assertThat(CliRun.of("receipt", "seal", "--key", privateKey.toString(), "--out", receipt.toString(),
                v("seal/task-1-2.events.jsonl")).exit()).isZero();
        assertThat(CliRun.of("receipt", "verify", "--key", tmp.resolve("ledger.pub.pem").toString(), receipt.toString()).exit())
                .isZero();
        assertThat(CliRun.of("receipt", "verify", "--key", PUB, receipt.toString()).exit()).isEqualTo(ExitCode.INVALID);
        assertThat(CliRun.of("keys", "generate", "--out", tmp.toString(), "--name", "ledger").exit())
                .as("existing keys are never overwritten").isEqualTo(ExitCode.USAGE);
        assertThat(Set.of(gen.out().lines().findFirst().orElseThrow())).allMatch(l -> l.matches("kid:[0-9a-f]{64}"));
    }

    @Test
    void showPrintsATimelineWithGatesOverridesAndTheOutcome() {
        CliRun run = CliRun.of("receipt", "show", "--color", "never", "--key", PUB, v("valid/task-1-7.json"));
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("status   verified").contains("gate tests VERIFY->COMMIT: block")
                .contains("VERIFY → EXECUTE").contains("outcome  DONE").contains("1 retry").doesNotContain("\u001b[");
        CliRun coloured = CliRun.of("receipt", "show", "--color", "always", v("valid/task-1-7.json"));
        assertThat(coloured.out()).contains("\u001b[").contains("signature not checked");
    }

    @Test
    void showMarksATamperedReceiptInvalid() {
        CliRun run = CliRun.of("receipt", "show", "--color", "never", "--key", PUB, v("invalid/task-1-0.flip-detail.json"));
        assertThat(run.exit()).isEqualTo(ExitCode.INVALID);
        assertThat(run.out()).contains("INVALID").contains("id mismatch");
    }

    private static String v(String relative) {
        return VECTORS.resolve(relative).toString();
    }
}
