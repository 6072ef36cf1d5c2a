package dev.r1.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1.pipeline.Headers;
import dev.r1.pipeline.TaskPartitioner;
import dev.r1.pipeline.Topics;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import dev.r1.testing.EmbeddedStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hostile input, each refused with its reason: malformed JSON on r1.tasks and on a phase topic,
 * an event whose id is not its hash, an illegal transition, an oversized record (all to r1.dlq
 * with a dead-letter-reason header) and an invalid spec over HTTP (400 naming every bad field).
 * The partitions keep moving: a valid task submitted afterwards still completes.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedStack.class)
class BadInputTest {
    @TestHTTPResource("/")
    URL url;

    @Test
    void poisonIsRefusedWithItsReasonAndTheStackKeepsWorking() throws Exception {
        String bootstrap = EmbeddedStack.bootstrapServers();
        Http http = new Http(url.toString());

        // An invalid spec over HTTP: every problem listed at once.
        HttpResponse<String> bad = http.post("v1/tasks", "application/json",
                "{\"id\": \"no spaces allowed\", \"engine\": {\"kind\": \"abacus\"}, \"budget\": {\"max_attempts\": 0}, \"colour\": 1}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(bad.body()).contains("repository", "goal", "test_command", "engine.kind", "budget.max_attempts", "colour", "id");

        // Not YAML either, over HTTP.
        HttpResponse<String> garbage = http.post("v1/tasks", "application/yaml", "{[: nope".getBytes(StandardCharsets.UTF_8));
        assertThat(garbage.statusCode()).isEqualTo(400);

        // Poison on the topics.
        KafkaTool.produce(bootstrap, Topics.TASKS, "poison-json", "{\"id\": \"poison-json\", ".getBytes(StandardCharsets.UTF_8));
        KafkaTool.produce(bootstrap, Topics.PHASE_EXECUTE, "poison-handoff", "{not a hand-off".getBytes(StandardCharsets.UTF_8));
        byte[] big = ("{\"id\": \"poison-big\", \"goal\": \"" + "x".repeat(300 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        KafkaTool.produce(bootstrap, Topics.TASKS, "poison-big", big);

        Event root = EventCodec.create("poison-id", Phase.PLAN, 0, "START->PLAN", null, null, List.of(), null,
                new Payload.PhaseTransition(Stage.START, Stage.PLAN, List.of(), null));
        String forged = new String(EventCodec.canonical(root), StandardCharsets.UTF_8).replace(root.id(), "0".repeat(64));
        String forgedKey = TaskPartitioner.eventKey("poison-id", "0".repeat(64));
        KafkaTool.produce(bootstrap, Topics.EVENTS, forgedKey, forged.getBytes(StandardCharsets.UTF_8));

        Event illegal = EventCodec.create("poison-move", Phase.PLAN, 0, "START->COMMIT", null, null, List.of(), null,
                new Payload.PhaseTransition(Stage.START, Stage.COMMIT, List.of(), null));
        String illegalKey = TaskPartitioner.eventKey("poison-move", illegal.id());
        KafkaTool.produce(bootstrap, Topics.EVENTS, illegalKey, EventCodec.canonical(illegal));

        List<String> keys = List.of("poison-json", "poison-handoff", "poison-big", forgedKey, illegalKey);
        Map<String, KafkaTool.Rec> dlq = KafkaTool.awaitKeys(bootstrap, Topics.DLQ, keys, Duration.ofSeconds(90));
        assertThat(dlq.keySet()).as("records refused to r1.dlq").containsAll(keys);

        assertRefused(dlq.get("poison-json"), Topics.TASKS);
        assertRefused(dlq.get("poison-handoff"), Topics.PHASE_EXECUTE);
        assertThat(assertRefused(dlq.get("poison-big"), Topics.TASKS)).containsAnyOf("limit", "bytes", "large");
        assertThat(dlq.get("poison-big").value()).hasSize(big.length);
        assertThat(assertRefused(dlq.get(forgedKey), Topics.EVENTS)).containsAnyOf("id", "hash");
        assertThat(assertRefused(dlq.get(illegalKey), Topics.EVENTS)).containsIgnoringCase("START->COMMIT");

        // Nothing of the refused tasks reached the ledger.
        assertThat(http.get("v1/tasks/poison-id").statusCode()).isEqualTo(404);
        assertThat(http.get("v1/tasks/poison-move").statusCode()).isEqualTo(404);

        // And the pipeline still works.
        Path repo = Repos.create(Files.createTempDirectory(EmbeddedStack.dataDir(), "bad-input-").resolve("origin.git"),
                Map.of("README.md", "after the poison\n"));
        HttpResponse<String> ok = http.post("v1/tasks", "application/json", Specs.bytes(Specs.task("after-poison", repo, Specs.Kind.PASS, true)));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        byte[] receipt = Wait.until("the receipt of after-poison", Duration.ofMinutes(3), () -> http.receipt("after-poison").orElse(null));
        assertThat(ReceiptCheck.terminal(ReceiptCheck.verify(EmbeddedStack.dataDir().resolve("keys"), receipt))).isEqualTo("DONE");
        JsonNode task = Specs.JSON.readTree(http.get("v1/tasks/after-poison").body());
        assertThat(task.path("state").asText()).isEqualTo("DONE");
    }

    private static String assertRefused(KafkaTool.Rec rec, String fromTopic) {
        assertThat(rec.header(Headers.DLQ_TOPIC)).as("%s: %s", rec.key(), Headers.DLQ_TOPIC).isEqualTo(fromTopic);
        String reason = rec.header(Headers.DLQ_REASON);
        assertThat(reason).as("%s: %s", rec.key(), Headers.DLQ_REASON).isNotBlank();
        return reason;
    }
}
