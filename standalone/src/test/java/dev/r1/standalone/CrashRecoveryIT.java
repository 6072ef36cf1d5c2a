package dev.r1.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1.pipeline.Topics;
import dev.r1.stoke.receipt.Verification;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged app as a separate process, on two independent stacks (broker, database, data
 * directory) that share only the ledger's signing key and the path of a freshly created origin
 * repository:
 *
 * <ol>
 *   <li>stack A runs two deterministic tasks without interruption: the reference receipts;
 *   <li>stack B runs the first task again: its receipt is byte-identical (determinism);
 *   <li>stack B runs the slow task and is killed with SIGKILL once the executor has started it,
 *       then started again: the task finishes, its receipt verifies, the ledger holds no event
 *       twice, and the receipt is byte-identical to the uninterrupted run's;
 *   <li>{@code POST /v1/admin/rebuild} on B replays r1.events into an empty ledger: the same
 *       receipts again, byte for byte.
 * </ol>
 */
class CrashRecoveryIT {
    static final String PLAIN = "det-plain";
    static final String SLOW = "det-slow";
    static final Duration TASK_TIMEOUT = Duration.ofMinutes(3);
    /** Short leases, so the restarted app takes the killed one's work over quickly. */
    static final Map<String, String> ENV = Map.of("R1_LEASE_TTL", "PT5S");

    private final Path repos = Path.of("target", "it-repos").toAbsolutePath();
    private final Processes processes = new Processes(ENV);

    @AfterEach
    void stopAll() {
        processes.close();
    }

    /** The origin repository, created afresh at the same path for every run. */
    private Path origin() {
        return Repos.create(repos.resolve("origin.git"), Map.of("README.md", "crash and determinism\n"));
    }

    @Test
    void crashRecoveryDeterminismAndRebuild() throws Exception {
        Path keys = Files.createTempDirectory("r1-it-keys-");

        // A: the reference run, uninterrupted.
        Map<String, String> a = processes.stack();
        AppProcess appA = processes.app(a, AppProcess.freePort(), "app-a");
        Path repo = origin();
        byte[] plainA = run(appA.http(), Specs.task(PLAIN, repo, Specs.Kind.RETRY, true), PLAIN);
        byte[] slowA = run(appA.http(), Specs.slow(SLOW, repo, 4), SLOW);
        Path keysA = Path.of(a.get("r1.data")).resolve("keys");
        assertThat(ReceiptCheck.terminal(ReceiptCheck.verify(keysA, plainA))).isEqualTo("DONE");
        assertThat(ReceiptCheck.terminal(ReceiptCheck.verify(keysA, slowA))).isEqualTo("DONE");
        try (var files = Files.list(keysA)) {
            for (Path f : files.toList()) Files.copy(f, keys.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        appA.close();

        // B: a second stack with the same ledger key and a fresh origin at the same path.
        Map<String, String> b = processes.stack();
        Path keysB = Path.of(b.get("r1.data")).resolve("keys");
        Files.createDirectories(keysB);
        try (var files = Files.list(keys)) {
            for (Path f : files.toList()) Files.copy(f, keysB.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        repo = origin();
        int portB = AppProcess.freePort();
        AppProcess appB = processes.app(b, portB, "app-b1");

        // Determinism: the same task on another stack gives the same bytes.
        byte[] plainB = run(appB.http(), Specs.task(PLAIN, repo, Specs.Kind.RETRY, true), PLAIN);
        assertThat(new String(plainB)).as("receipt of %s on a second stack", PLAIN).isEqualTo(new String(plainA));

        // Crash: SIGKILL once the executor has started the slow task, then start again.
        String bootstrapB = b.get("kafka.bootstrap.servers");
        try (KafkaConsumer<String, byte[]> events = KafkaTool.consumer(bootstrapB)) {
            KafkaTool.assign(events, Topics.EVENTS, true);
            HttpResponse<String> r = appB.http().post("v1/tasks", "application/json", Specs.bytes(Specs.slow(SLOW, repo, 4)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            KafkaTool.Rec first = KafkaTool.awaitFirst(events, rec -> rec.key() != null && rec.key().startsWith(SLOW + "/")
                    && phase(rec.value()).equals("EXECUTE"), TASK_TIMEOUT);
            assertThat(first).isNotNull();
            appB.kill();
        }
        assertThat(appB.http().receipt(SLOW)).as("no receipt yet: the app is dead").isEmpty();
        AppProcess appB2 = processes.app(b, portB, "app-b2");
        Http http = appB2.http();
        byte[] slowB = Wait.until("the receipt of " + SLOW + " after the crash", TASK_TIMEOUT, () -> http.receipt(SLOW).orElse(null));
        Verification v = ReceiptCheck.verify(keysB, slowB);
        assertThat(ReceiptCheck.terminal(v)).isEqualTo("DONE");

        JsonNode stored = Specs.JSON.readTree(http.get("v1/tasks/" + SLOW + "/events").body());
        List<String> ids = new ArrayList<>();
        stored.forEach(e -> ids.add(e.path("id").asText()));
        assertThat(new HashSet<>(ids)).as("no event id twice in the ledger").hasSize(ids.size());
        Set<String> receiptIds = new HashSet<>();
        v.receipt().events().forEach(e -> receiptIds.add(e.id()));
        assertThat(ids).containsAll(receiptIds);
        assertThat(new String(slowB)).as("receipt after a crash equals the uninterrupted run's").isEqualTo(new String(slowA));

        // Rebuild: wipe the ledger, replay r1.events, same receipts.
        HttpResponse<String> rebuilt = http.post("v1/admin/rebuild", "application/json", new byte[0]);
        assertThat(rebuilt.statusCode()).as(rebuilt.body()).isEqualTo(200);
        byte[] plainR = Wait.until("the rebuilt receipt of " + PLAIN, TASK_TIMEOUT, () -> http.receipt(PLAIN).orElse(null));
        byte[] slowR = Wait.until("the rebuilt receipt of " + SLOW, TASK_TIMEOUT, () -> http.receipt(SLOW).orElse(null));
        assertThat(new String(plainR)).isEqualTo(new String(plainA));
        assertThat(new String(slowR)).isEqualTo(new String(slowA));
    }

    private static byte[] run(Http http, com.fasterxml.jackson.databind.node.ObjectNode spec, String id) {
        HttpResponse<String> r = http.post("v1/tasks", "application/json", Specs.bytes(spec));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return Wait.until("the receipt of " + id, TASK_TIMEOUT, () -> http.receipt(id).orElse(null));
    }

    private static String phase(byte[] event) {
        try {
            return Specs.JSON.readTree(event).path("phase").asText();
        } catch (Exception e) {
            return "";
        }
    }
}
