package dev.r1.planner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1.pipeline.Headers;
import dev.r1.pipeline.TaskPartitioner;
import dev.r1.pipeline.Topics;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.Json;
import dev.r1.pipeline.flow.Lease;
import dev.r1.pipeline.spec.TaskSpecs;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Stage;
import dev.r1.testing.EmbeddedStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The planner as a Quarkus service on a real broker: intake over HTTP, the claim and completion
 * transactions, the events, the hand-off to EXECUTE, the lease and its tombstone, and poison on
 * r1.tasks going to the DLQ.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedStack.class)
class PlannerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL url;

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "v1/tasks")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSubmittedTaskIsPlannedAndHandedToExecute() throws Exception {
        HttpResponse<String> accepted = post("application/yaml", """
                repository: /srv/origin.git
                goal: Add a greeting
                test_command: bash test.sh
                scope: ["src/**"]
                engine:
                  kind: scripted
                  plan: {summary: Write it, estimated_cost_usd: 0.1, paths: [src/greeting.txt]}
                  attempts: [[{write: {path: src/greeting.txt, content: hi}}]]
                """);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode body = JSON.readTree(accepted.body());
        String task = body.get("task").textValue();
        assertThat(task).startsWith("t-");
        assertThat(body.get("links").get("events").textValue()).isEqualTo("/v1/tasks/" + task + "/events");
        assertThat(accepted.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/v1/tasks/" + task));

        List<ConsumerRecord<String, byte[]>> events = read(Topics.EVENTS, r -> r.key().startsWith(task + "/"),
                rs -> rs.stream().anyMatch(r -> EventCodec.decode(r.value()).label().equals("PLAN->EXECUTE")));
        List<Event> decoded = events.stream().map(r -> EventCodec.decode(r.value())).toList();
        assertThat(decoded).extracting(Event::type).containsExactlyInAnyOrder(EventType.PHASE_TRANSITION, EventType.ARTIFACT,
                EventType.GATE_DECISION, EventType.GATE_DECISION, EventType.PHASE_TRANSITION);
        Event transition = decoded.stream().filter(e -> e.label().equals("PLAN->EXECUTE")).findFirst().orElseThrow();

        List<ConsumerRecord<String, byte[]>> handoffs = read(Topics.PHASE_EXECUTE, r -> r.key().equals(task), rs -> !rs.isEmpty());
        Handoff next = Json.read(handoffs.get(0).value(), Handoff.class);
        assertThat(next.stage()).isEqualTo(Stage.EXECUTE);
        assertThat(next.cause()).isEqualTo(transition.id());
        assertThat(next.attempt()).isEqualTo(1);

        List<ConsumerRecord<String, byte[]>> plans = read(Topics.BLOBS, r -> true, rs -> !rs.isEmpty());
        assertThat(plans.get(0).headers().lastHeader(Headers.MEDIA_TYPE).value()).isEqualTo("application/json".getBytes(StandardCharsets.UTF_8));

        // The claim wrote a lease, the completion its tombstone; reading the tombstone did not break the lease channel.
        List<ConsumerRecord<String, byte[]>> leases = read(Topics.LEASES, r -> r.key().equals(task + "/PLAN"),
                rs -> rs.stream().anyMatch(r -> r.value() == null));
        assertThat(leases.get(0).value()).isNotNull();
        assertThat(leases.get(leases.size() - 1).value()).isNull();
        Thread.sleep(500);
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(url + "q/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    }

    @Test
    void intakeAndTheLedgersReadApiShareTheV1Prefix() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "v1/tasks/t-x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("task t-x");
    }

    @Test
    void anInvalidSpecIsRefusedWithEveryProblem() throws Exception {
        HttpResponse<String> r = post("application/json", "{\"goal\": \"g\", \"budget\": {\"max_attempts\": 0}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.get("problems").findValuesAsText("field"))
                .contains("repository", "test_command", "engine", "budget.max_attempts");
    }

    @Test
    void poisonOnTheTasksTopicGoesToTheDeadLetterQueue() throws Exception {
        String key = "poison-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> p = producer()) {
            p.send(new ProducerRecord<>(Topics.TASKS, key, "goal: [unclosed".getBytes(StandardCharsets.UTF_8))).get();
        }
        List<ConsumerRecord<String, byte[]>> dead = read(Topics.DLQ, r -> key.equals(r.key()), rs -> !rs.isEmpty());
        String reason = new String(dead.get(0).headers().lastHeader(Headers.DLQ_REASON).value(), StandardCharsets.UTF_8);
        assertThat(reason).contains("invalid task spec");
    }

    @Test
    void anExpiredLeaseIsTakenOverAndAReleasedOneIsNot() throws Exception {
        Lease orphan = expiredLease("t-orphan", "ghost");
        Lease released = expiredLease("t-released", "ghost");
        try (KafkaProducer<String, byte[]> p = producer()) {
            p.send(new ProducerRecord<>(Topics.LEASES, released.key(), Json.write(released)));
            p.send(new ProducerRecord<>(Topics.LEASES, released.key(), null));
            p.send(new ProducerRecord<>(Topics.LEASES, orphan.key(), Json.write(orphan))).get();
        }
        // The orphan's owner never renews it, so this instance takes it over and plans the task.
        awaitPlanned("t-orphan");
        // The released lease's tombstone reached the worker, so nothing took that task over.
        Thread.sleep(2_000);
        assertThat(readNow(Topics.EVENTS, r -> r.key().startsWith("t-released/"))).isEmpty();
        assertThat(ConfigProvider.getConfig().getValue("mp.messaging.outgoing.planner-tx.transactional.id", String.class))
                .isEqualTo("r1-planner-planner-it");
    }

    /**
     * A lease of this very instance that expired while its work is not running here is what a
     * failed completion leaves behind; the only instance there is must run the phase again.
     */
    @Test
    void anExpiredLeaseOfThisInstanceIsTakenOverByIt() throws Exception {
        HttpResponse<String> accepted = post("application/json", """
                {"repository": "/srv/origin.git", "goal": "g", "test_command": "true",
                 "engine": {"kind": "scripted", "attempts": [[{"thought": "x"}]]}}""");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String claimed = JSON.readTree(accepted.body()).get("task").textValue();
        List<ConsumerRecord<String, byte[]>> claims = read(Topics.LEASES,
                r -> r.key().equals(claimed + "/PLAN") && r.value() != null, rs -> !rs.isEmpty());
        String self = Json.read(claims.get(0).value(), Lease.class).owner();

        Lease own = expiredLease("t-own", self);
        try (KafkaProducer<String, byte[]> p = producer()) {
            p.send(new ProducerRecord<>(Topics.LEASES, own.key(), Json.write(own))).get();
        }
        awaitPlanned("t-own");
    }

    /** A PLAN lease of a one-step task, held by {@code owner}, that expired long ago. */
    private static Lease expiredLease(String task, String owner) {
        String spec = """
                repository: /srv/origin.git
                goal: g
                test_command: "true"
                engine: {kind: scripted, attempts: [[{thought: x}]]}
                id: %s
                """.formatted(task);
        return new Lease(task, Stage.PLAN, owner, 1, Handoff.start(TaskSpecs.parse(spec.getBytes(StandardCharsets.UTF_8)), 0));
    }

    private static void awaitPlanned(String task) {
        read(Topics.EVENTS, r -> r.key().startsWith(task + "/"),
                rs -> rs.stream().anyMatch(r -> EventCodec.decode(r.value()).label().equals("PLAN->EXECUTE")));
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedStack.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.PARTITIONER_CLASS_CONFIG, TaskPartitioner.class.getName()));
    }

    /** Everything on a topic now that passes {@code filter}. */
    private static List<ConsumerRecord<String, byte[]>> readNow(String topic, Predicate<ConsumerRecord<String, byte[]>> filter) {
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
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
                ConsumerConfig.GROUP_ID_CONFIG, "planner-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
    }

    /** Reads a topic from the start until the records that pass {@code filter} satisfy {@code done}. */
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
