package dev.r1.planner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1.pipeline.Topics;
import dev.r1.pipeline.flow.ControlFollower;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.Json;
import dev.r1.pipeline.flow.Parked;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.graph.TaskGraph;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.ReceiptVerifier;
import dev.r1.testing.EmbeddedStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Escalation through the running planner: a plan slightly over budget parks the task on
 * r1.control (durably: a cold reader finds it), an operator approves or rejects it over HTTP,
 * and the planner records the transition with the operator's override, or FAILED.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedStack.class)
class ApprovalsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL url;

    private String submit(String id, String estimate) throws Exception {
        String spec = """
                id: %s
                repository: /srv/none.git
                goal: Add a greeting
                test_command: "true"
                deterministic: true
                scope: ["src/**"]
                budget: {max_cost_usd: 0.5}
                engine:
                  kind: scripted
                  plan: {summary: Write it, estimated_cost_usd: %s, paths: [src/greeting.txt]}
                  attempts: [[{write: {path: src/greeting.txt, content: hi}}]]
                """.formatted(id, estimate);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "v1/tasks")).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(spec)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return id;
    }

    private HttpResponse<String> decide(String task, String token, String gate, String decision, String reason) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "v1/tasks/" + task + "/approvals"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("gate", gate).put("decision", decision)
                        .put("reason", reason).toString()));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Parked awaitParked(String task) {
        List<ConsumerRecord<String, byte[]>> control = read(Topics.CONTROL, r -> r.key().equals(Parked.key(task, Stage.PLAN)),
                rs -> !rs.isEmpty());
        return Json.read(control.get(0).value(), Parked.class);
    }

    /** The planner's follower has read the parked record when the API stops answering 409. */
    private HttpResponse<String> decideWhenParked(String task, String gate, String decision, String reason) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> r;
        do {
            r = decide(task, "op-token", gate, decision, reason);
            if (r.statusCode() != 409) return r;
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return r;
    }

    private static List<Event> events(String task, String until) {
        return read(Topics.EVENTS, r -> r.key().startsWith(task + "/"),
                rs -> rs.stream().anyMatch(r -> EventCodec.decode(r.value()).label().equals(until))).stream()
                .map(r -> EventCodec.decode(r.value())).sorted(Comparator.comparingLong(Event::tMillis)).toList();
    }

    @Test
    void anEscalatedPlanParksDurablyAndAnOperatorsApprovalMovesItOnWithTheOverride() throws Exception {
        String task = submit("t-approve-" + UUID.randomUUID().toString().substring(0, 8), "0.6");
        Parked parked = awaitParked(task);
        assertThat(parked.gates()).extracting(Parked.Escalation::gate).containsExactly("budget");
        assertThat(parked.to()).isEqualTo(Stage.EXECUTE);

        // Durable: a reader that starts from nothing (as every service does on boot) finds the parked task.
        ControlFollower cold = new ControlFollower(Stage.PLAN, null, 0);
        for (ConsumerRecord<String, byte[]> r : readNow(Topics.CONTROL, r -> r.key().startsWith(task + "/"))) cold.accept(r.key(), r.value());
        assertThat(cold.parked(task)).isPresent();
        cold.close();

        // Every call is authenticated, and only an operator decides.
        HttpResponse<String> none = decide(task, null, "budget", "approve", "fine");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(decide(task, "not-a-token", "budget", "approve", "fine").statusCode()).isEqualTo(401);
        assertThat(decide(task, "viewer-token", "budget", "approve", "fine").statusCode()).isEqualTo(403);
        assertThat(decideWhenParked(task, "scope-fit", "approve", "fine").statusCode()).isEqualTo(409);
        assertThat(decide(task, "op-token", "budget", "maybe", "fine").statusCode()).isEqualTo(400);
        // Nothing moved yet.
        assertThat(readNow(Topics.EVENTS, r -> r.key().startsWith(task + "/")).stream()
                .map(r -> EventCodec.decode(r.value()).label())).doesNotContain("PLAN->EXECUTE", "PLAN->FAILED");

        HttpResponse<String> ok = decideWhenParked(task, "budget", "approve", "ten cents over is fine for this one");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        assertThat(JSON.readTree(ok.body()).get("operator").textValue()).isEqualTo("alice");

        List<Event> events = events(task, "PLAN->EXECUTE");
        Event t = events.stream().filter(e -> e.label().equals("PLAN->EXECUTE")).findFirst().orElseThrow();
        Payload.PhaseTransition pt = t.asTransition();
        assertThat(pt.requiredGates()).containsExactly("budget", "scope-fit");
        assertThat(pt.override().operator()).isEqualTo("alice");
        assertThat(pt.override().reason()).contains("ten cents");
        Event budget = events.stream().filter(e -> e.payload() instanceof Payload.GateDecision g && g.gate().equals("budget")).findFirst().orElseThrow();
        assertThat(((Payload.GateDecision) budget.payload()).verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(pt.override().decisions()).containsExactly(budget.id());
        // The gate invariant holds over the override.
        TaskGraph.of(events).checkGates();

        Handoff next = Json.read(read(Topics.PHASE_EXECUTE, r -> r.key().equals(task), rs -> !rs.isEmpty()).get(0).value(), Handoff.class);
        assertThat(next.cause()).isEqualTo(t.id());
        // The parked record and the approval are tombstoned with the transition.
        List<ConsumerRecord<String, byte[]>> control = read(Topics.CONTROL, r -> r.key().startsWith(task + "/"),
                rs -> rs.stream().filter(r -> r.value() == null).count() >= 2);
        assertThat(control.stream().filter(r -> r.value() == null).map(ConsumerRecord::key))
                .contains(Parked.key(task, Stage.PLAN), task + "/approval/budget");
    }

    @Test
    void aRejectEndsTheTaskFailedInAReceiptThatVerifies() throws Exception {
        String task = submit("t-reject-" + UUID.randomUUID().toString().substring(0, 8), "0.55");
        awaitParked(task);
        HttpResponse<String> r = decideWhenParked(task, "budget", "reject", "no overruns this week");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        List<Event> events = events(task, "PLAN->FAILED");
        assertThat(events).extracting(Event::label).doesNotContain("PLAN->EXECUTE");
        TaskGraph.of(events).validate();
        SigningKey key = SigningKey.generate();
        byte[] receipt = new ReceiptSealer(key).seal(events).file();
        assertThat(new ReceiptVerifier(Keyring.of(key.verifyingKey())).verify(receipt).valid()).isTrue();
    }

    @Test
    void aBlockAndAnAllowAreRecordedToo() throws Exception {
        String blocked = submit("t-block-" + UUID.randomUUID().toString().substring(0, 8), "0.9");
        List<Event> events = events(blocked, "PLAN->FAILED");
        assertThat(events).filteredOn(e -> e.payload() instanceof Payload.GateDecision g && g.gate().equals("budget"))
                .singleElement().satisfies(e -> assertThat(((Payload.GateDecision) e.payload()).verdict()).isEqualTo(Verdict.BLOCK));
        String allowed = submit("t-allow-" + UUID.randomUUID().toString().substring(0, 8), "0.1");
        List<Event> ok = events(allowed, "PLAN->EXECUTE");
        assertThat(ok).filteredOn(e -> e.payload() instanceof Payload.GateDecision).allSatisfy(
                e -> assertThat(((Payload.GateDecision) e.payload()).verdict()).isEqualTo(Verdict.ALLOW));
    }

    private static List<ConsumerRecord<String, byte[]>> readNow(String topic, Predicate<ConsumerRecord<String, byte[]>> filter) {
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && filter.test(r)) seen.add(r);
                }
            }
        }
        return seen;
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedStack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "approvals-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
    }

    private static List<ConsumerRecord<String, byte[]>> read(String topic, Predicate<ConsumerRecord<String, byte[]>> filter,
            Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            c.subscribe(List.of(topic));
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && filter.test(r)) seen.add(r);
                }
                if (done.test(seen)) return seen;
            }
            throw new AssertionError("gave up waiting on " + topic + "; saw " + seen.size() + " records");
        }
    }
}
