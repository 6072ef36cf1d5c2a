package dev.r1.ledger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.ledger.store.LedgerStore;
import dev.r1.pipeline.Headers;
import dev.r1.pipeline.Limits;
import dev.r1.pipeline.TaskPartitioner;
import dev.r1.pipeline.Topics;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.keys.VerifyingKey;
import dev.r1.stoke.receipt.ReceiptVerifier;
import dev.r1.stoke.receipt.Verification;
import dev.r1.testing.EmbeddedStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@QuarkusTest
@QuarkusTestResource(EmbeddedStack.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static KafkaProducer<String, byte[]> producer;

    @Inject
    LedgerRebuild rebuild;

    @Inject
    LedgerStore store;

    @Inject
    Mutiny.SessionFactory sessions;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @BeforeAll
    static void producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedStack.bootstrapServers());
        p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, TaskPartitioner.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Limits.MAX_TOPIC_MESSAGE_BYTES));
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void closeProducer() {
        if (producer != null) producer.close(Duration.ofSeconds(10));
    }

    @Test
    void storesEachEventOnceSealsPublishesAndRebuildsTheSameReceipt() throws Throwable {
        SampleTask run = new SampleTask("ledger-once");
        send(run.events);
        send(run.events); // re-delivered and re-emitted: a no-op

        JsonNode task = awaitTask(run.task, t -> "DONE".equals(t.path("state").asText()) && !t.path("receipt_digest").isNull());
        assertThat(task.get("events").asLong()).isEqualTo(run.events.size());
        assertThat(task.get("first_t").asDouble()).isEqualTo(0.0);
        assertThat(task.get("last_t").asDouble()).isEqualTo((run.events.size() - 1) * 0.25);

        JsonNode events = JSON.readTree(given().accept("application/json").get("/v1/tasks/{id}/events", run.task)
                .then().statusCode(200).contentType("application/json").extract().asByteArray());
        assertThat(events).hasSize(run.events.size());
        List<String> ids = new ArrayList<>();
        for (JsonNode e : events) ids.add(e.get("id").asText());
        assertThat(ids).containsExactlyElementsOf(run.events.stream().map(Event::id).toList());
        // Each element is the event's canonical JSON, byte for byte.
        assertThat(JSON.writeValueAsBytes(events.get(0))).isEqualTo(EventCodec.canonical(run.root));

        byte[] receipt = given().get("/v1/receipts/{task}", run.task).then().statusCode(200)
                .contentType("application/json").extract().asByteArray();
        Keyring keys = keyringFromApi();
        Verification v = new ReceiptVerifier(keys).verify(receipt);
        assertThat(v.valid()).as(String.valueOf(v.violation())).isTrue();
        assertThat(v.receipt().digest()).isEqualTo(task.get("receipt_digest").asText());
        // The crashed attempt's event is stored but is not part of the causal closure.
        assertThat(v.receipt().events()).hasSize(run.events.size() - 1);
        assertThat(v.receipt().events()).noneMatch(e -> e.id().equals(run.leftover.id()));

        byte[] published = awaitRecord(Topics.RECEIPTS, r -> run.task.equals(r.key())).value();
        assertThat(published).isEqualTo(receipt);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("r1_ledger_events_stored_total").contains("r1_ledger_receipts_sealed_total");

        LedgerRebuild.Report report = rebuild.run();
        assertThat(report.receiptsSealed()).isGreaterThanOrEqualTo(1);
        // The rebuild analysed the tables it filled (autovacuum would set last_autoanalyze instead).
        List<String> analysed = VertxContextSupport.subscribeAndAwait(() -> sessions.withSession(s -> s.createNativeQuery(
                "select relname from pg_stat_user_tables where last_analyze is not null", String.class).getResultList()));
        assertThat(analysed).contains("ledger_event", "ledger_blob", "ledger_receipt");
        byte[] rebuilt = given().get("/v1/receipts/{task}", run.task).then().statusCode(200).extract().asByteArray();
        assertThat(rebuilt).isEqualTo(receipt);
        assertThat(awaitTask(run.task, t -> true).get("events").asLong()).isEqualTo(run.events.size());

        // A rebuild over HTTP while another task's events arrive: the live consumer waits, nothing is lost.
        SampleTask during = new SampleTask("ledger-during-rebuild");
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                for (Event e : during.events) send(List.of(e));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode http = JSON.readTree(given().post("/v1/admin/rebuild").then().statusCode(200).extract().asByteArray());
        assertThat(http.get("eventsRefused").asLong()).isZero();
        sending.get(30, TimeUnit.SECONDS);
        awaitTask(during.task, t -> "DONE".equals(t.path("state").asText()) && t.get("events").asLong() == during.events.size());
        assertThat(given().get("/v1/receipts/{task}", run.task).then().statusCode(200).extract().asByteArray()).isEqualTo(receipt);
    }

    @Test
    void poisonGoesToTheDeadLetterQueueWithItsRuleAndThePartitionMovesOn() throws Exception {
        String task = "ledger-poison";
        Event root = EventCodec.create(task, Phase.PLAN, 0, "start", null, null, List.of(), null,
                SampleTask.transition(Stage.START, Stage.PLAN));
        send(List.of(root));
        awaitTask(task, t -> t.get("events").asLong() == 1);

        // Not JSON at all.
        producer.send(new ProducerRecord<>(Topics.EVENTS, task + "/garbage", "{not json".getBytes(StandardCharsets.UTF_8))).get();
        // A well-formed event whose id is not the hash of its content.
        Event thought = EventCodec.create(task, Phase.PLAN, 1, "think", "hmm", null, List.of(root.id()), null, new Payload.Thought());
        ObjectNode forged = EventCodec.toJson(thought, true);
        forged.put("id", Sha256.hex("forged".getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(Topics.EVENTS, task + "/" + forged.get("id").asText(), JSON.writeValueAsBytes(forged))).get();
        // PLAN->COMMIT is not a legal move.
        Event illegal = EventCodec.create(task, Phase.PLAN, 2, "skip", null, null, List.of(root.id()), null,
                new Payload.PhaseTransition(Stage.PLAN, Stage.COMMIT, List.of(), null));
        send(List.of(illegal));
        // PLAN->EXECUTE names a required gate but no decision of it is among its causes.
        Event bypass = EventCodec.create(task, Phase.PLAN, 3, "bypass", null, null, List.of(root.id()), null,
                new Payload.PhaseTransition(Stage.PLAN, Stage.EXECUTE, List.of("plan.review"), null));
        send(List.of(bypass));
        // A cause the ledger never stored.
        Event orphan = EventCodec.create(task, Phase.PLAN, 4, "orphan", "lost", null,
                List.of(Sha256.hex("nothing".getBytes(StandardCharsets.UTF_8))), null, new Payload.Thought());
        send(List.of(orphan));
        // The right event under the wrong key.
        producer.send(new ProducerRecord<>(Topics.EVENTS, task + "/" + root.id().replace('a', 'b').replace('0', '1'),
                EventCodec.canonical(thought))).get();
        // Bigger than any record the ledger parses.
        byte[] huge = new byte[Limits.MAX_RECORD_BYTES + 1024];
        Arrays.fill(huge, (byte) ' ');
        producer.send(new ProducerRecord<>(Topics.EVENTS, task + "/huge", huge)).get();
        // And a valid event after all of them.
        send(List.of(thought));

        awaitTask(task, t -> t.get("events").asLong() == 2);
        List<ConsumerRecord<String, byte[]>> dead = awaitRecords(Topics.DLQ,
                r -> r.key() != null && r.key().startsWith(task + "/"), 7);
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : dead) reasons.put(r.key(), header(r, Headers.DLQ_REASON));
        assertThat(reasons.get(task + "/garbage")).startsWith("parse:");
        assertThat(reasons.get(task + "/" + forged.get("id").asText())).startsWith("id mismatch:");
        assertThat(reasons.get(TaskPartitioner.eventKey(task, illegal.id()))).startsWith("transition:").contains("PLAN->COMMIT");
        assertThat(reasons.get(TaskPartitioner.eventKey(task, bypass.id()))).startsWith("gate invariant:").contains("plan.review");
        assertThat(reasons.get(TaskPartitioner.eventKey(task, orphan.id()))).startsWith("open graph:");
        assertThat(reasons.values()).anyMatch(r -> r.startsWith("key mismatch:"));
        assertThat(reasons.get(task + "/huge")).startsWith("oversized:");
        ConsumerRecord<String, byte[]> hugeRecord = dead.stream().filter(r -> r.key().equals(task + "/huge")).findFirst().orElseThrow();
        assertThat(hugeRecord.value()).hasSize(huge.length);
        assertThat(header(hugeRecord, Headers.DLQ_TOPIC)).isEqualTo(Topics.EVENTS);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("r1_ledger_events_refused_total{rule=\"gate_invariant\"");
    }

    /**
     * One producer flush, so the records reach the ledger together (one poll, one transaction):
     * a task whose events find their causes earlier in the same batch, interleaved with another
     * task's, with a duplicate, a second root and an event caused by a refused one among them.
     * The refusals go to the DLQ, everything else is stored once, both tasks seal.
     */
    @Test
    void aBatchStoresCausesBeforeEffectsAndRefusesOnlyWhatBreaksARule() throws Exception {
        SampleTask a = new SampleTask("ledger-batch-a");
        SampleTask b = new SampleTask("ledger-batch-b");
        Event secondRoot = EventCodec.create(a.task, Phase.PLAN, 99, "again", null, null, List.of(), null,
                SampleTask.transition(Stage.START, Stage.PLAN));
        Event afterSecondRoot = EventCodec.create(a.task, Phase.PLAN, 100, "think", "on the refused root", null,
                List.of(secondRoot.id()), null, new Payload.Thought());
        List<Event> all = new ArrayList<>();
        for (int i = 0; i < Math.max(a.events.size(), b.events.size()); i++) {
            if (i < a.events.size()) all.add(a.events.get(i));
            if (i < b.events.size()) all.add(b.events.get(i));
            if (i == 1) all.addAll(List.of(secondRoot, afterSecondRoot, a.events.get(0)));
        }
        send(all);

        for (SampleTask run : List.of(a, b)) {
            JsonNode t = awaitTask(run.task, x -> "DONE".equals(x.path("state").asText()) && !x.path("receipt_digest").isNull());
            assertThat(t.get("events").asLong()).isEqualTo(run.events.size());
            byte[] receipt = given().get("/v1/receipts/{task}", run.task).then().statusCode(200).extract().asByteArray();
            Verification v = new ReceiptVerifier(keyringFromApi()).verify(receipt);
            assertThat(v.valid()).as(String.valueOf(v.violation())).isTrue();
        }
        List<ConsumerRecord<String, byte[]>> dead = awaitRecords(Topics.DLQ, r -> r.key() != null && r.key().startsWith(a.task + "/"), 2);
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : dead) reasons.put(r.key(), header(r, Headers.DLQ_REASON));
        assertThat(reasons).hasSize(2);
        assertThat(reasons.get(TaskPartitioner.eventKey(a.task, secondRoot.id()))).startsWith("root:").contains(a.root.id());
        assertThat(reasons.get(TaskPartitioner.eventKey(a.task, afterSecondRoot.id()))).startsWith("open graph:").contains(secondRoot.id());
    }

    @Test
    void serverSentEventsResumeAfterLastEventIdAndFollowTheTaskToItsEnd() throws Exception {
        SampleTask run = new SampleTask("ledger-sse");
        int firstPart = 5;
        send(run.events.subList(0, firstPart));
        awaitTask(run.task, t -> t.get("events").asLong() == firstPart);

        // A stream opened mid-task keeps following it and closes after the terminal transition.
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest live = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/tasks/" + run.task + "/events"))
                .header("Accept", "text/event-stream").timeout(WAIT).build();
        CompletableFuture<HttpResponse<java.io.InputStream>> liveResponse = http.sendAsync(live, HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<java.io.InputStream> response = liveResponse.get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        CompletableFuture<List<Sse>> streamed = CompletableFuture.supplyAsync(() -> readSse(response.body()));
        send(run.events.subList(firstPart, run.events.size()));
        List<Sse> all = streamed.get(30, TimeUnit.SECONDS);
        assertThat(all.stream().map(e -> e.event().id()).toList())
                .containsExactlyElementsOf(run.events.stream().map(Event::id).toList());
        for (int i = 1; i < all.size(); i++) assertThat(all.get(i).seq()).isGreaterThan(all.get(i - 1).seq());

        // Resuming after the third event gives exactly the ones after it.
        long third = all.get(2).seq();
        HttpRequest resume = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/tasks/" + run.task + "/events"))
                .header("Accept", "text/event-stream").header("Last-Event-ID", Long.toString(third)).timeout(WAIT).build();
        List<Sse> later = readSse(http.send(resume, HttpResponse.BodyHandlers.ofInputStream()).body());
        assertThat(later.stream().map(e -> e.event().id()).toList())
                .containsExactlyElementsOf(run.events.subList(3, run.events.size()).stream().map(Event::id).toList());
    }

    @Test
    void blobsRoundTripByHashAndAWrongHashIsRefused() throws Exception {
        byte[] bytes = "the plan\n".getBytes(StandardCharsets.UTF_8);
        String hash = Sha256.hex(bytes);
        ProducerRecord<String, byte[]> blob = new ProducerRecord<>(Topics.BLOBS, hash, bytes);
        blob.headers().add(Headers.MEDIA_TYPE, "text/markdown".getBytes(StandardCharsets.UTF_8));
        producer.send(blob).get();
        String wrong = Sha256.hex("something else".getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(Topics.BLOBS, wrong, bytes)).get();

        await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/v1/blobs/{hash}", hash).statusCode() == 200);
        Response got = given().get("/v1/blobs/{hash}", hash);
        assertThat(got.contentType()).startsWith("text/markdown");
        assertThat(got.asByteArray()).isEqualTo(bytes);

        ConsumerRecord<String, byte[]> dead = awaitRecord(Topics.DLQ, r -> wrong.equals(r.key()));
        assertThat(header(dead, Headers.DLQ_REASON)).startsWith("blob hash:");
        given().get("/v1/blobs/{hash}", wrong).then().statusCode(404).contentType("application/problem+json");
    }

    /**
     * The store's own word on what it stored: events stored before are checked again (only roots,
     * terminals and causes are looked up before the write) and must come back as not stored, so
     * the counters and the rebuild's report count each event once and a terminal seals once.
     */
    @Test
    void storingAgainReportsOnlyTheEventsNotStoredBefore() throws Throwable {
        SampleTask run = new SampleTask("ledger-store-again");
        List<Event> head = run.events.subList(0, run.events.indexOf(run.leftover) + 1);
        List<LedgerStore.Outcome> first = VertxContextSupport.subscribeAndAwait(() -> store.storeAll(head));
        assertThat(first).allMatch(o -> !o.refused() && o.inserted());
        // No terminal among them, so the task's events are not read back: only the write can tell,
        // and the redelivered root, known from the read, must still be the cause of what follows.
        List<LedgerStore.Outcome> resentHead = VertxContextSupport.subscribeAndAwait(() -> store.storeAll(head));
        assertThat(resentHead).allMatch(o -> !o.refused() && !o.inserted());

        List<LedgerStore.Outcome> all = VertxContextSupport.subscribeAndAwait(() -> store.storeAll(run.events));
        assertThat(all).noneMatch(LedgerStore.Outcome::refused);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).inserted()).as("event %d stored for the first time", i).isEqualTo(i >= head.size());
        }
        LedgerStore.Outcome sealed = all.get(run.events.indexOf(run.terminal));
        assertThat(sealed.sealedNow()).isTrue();
        assertThat(sealed.receipt().eventCount()).isEqualTo(run.events.size() - 1);

        List<LedgerStore.Outcome> again = VertxContextSupport.subscribeAndAwait(() -> store.storeAll(run.events));
        assertThat(again).noneMatch(o -> o.refused() || o.inserted() || o.sealedNow());
        LedgerStore.Outcome resent = again.get(run.events.indexOf(run.terminal));
        assertThat(resent.receipt().file()).isEqualTo(sealed.receipt().file());
    }

    @Test
    void unknownReceiptIsAProblem() throws Exception {
        Response r = given().get("/v1/receipts/{task}", "no-such-task");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode body = JSON.readTree(r.asByteArray());
        assertThat(body.get("status").asInt()).isEqualTo(404);
        assertThat(body.get("title").asText()).isEqualTo("Not Found");
        assertThat(body.get("type").asText()).isNotBlank();
        assertThat(body.get("detail").asText()).contains("no-such-task");

        given().get("/v1/tasks/{id}", "bad id!").then().statusCode(400).contentType("application/problem+json");
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }

    // ---- helpers ----

    private record Sse(long seq, Event event) {}

    private static List<Sse> readSse(java.io.InputStream body) {
        List<Sse> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                } else if (line.isEmpty() && data.length() > 0) {
                    out.add(new Sse(Long.parseLong(id), EventCodec.decode(data.toString().getBytes(StandardCharsets.UTF_8))));
                    id = null;
                    data.setLength(0);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private static void send(List<Event> events) throws Exception {
        for (Event e : events) {
            producer.send(new ProducerRecord<>(Topics.EVENTS, TaskPartitioner.eventKey(e.task(), e.id()), EventCodec.canonical(e)));
        }
        producer.flush();
    }

    private static JsonNode awaitTask(String task, Predicate<JsonNode> done) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            Response r = given().accept("application/json").get("/v1/tasks/{id}", task);
            if (r.statusCode() != 200) return false;
            last[0] = JSON.readTree(r.asByteArray());
            return done.test(last[0]);
        });
        return last[0];
    }

    private static Keyring keyringFromApi() throws Exception {
        JsonNode keys = JSON.readTree(given().get("/v1/keys").then().statusCode(200).extract().asByteArray());
        List<VerifyingKey> list = new ArrayList<>();
        for (JsonNode k : keys) {
            VerifyingKey key = VerifyingKey.fromPem(k.get("pem").asText());
            assertThat(key.keyId()).isEqualTo(k.get("kid").asText());
            list.add(key);
        }
        assertThat(list).isNotEmpty();
        return Keyring.of(list);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<String, byte[]> awaitRecord(String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
        return awaitRecords(topic, match, 1).get(0);
    }

    /** Reads {@code topic} from the beginning until {@code count} records match, or fails after {@link #WAIT}. */
    private static List<ConsumerRecord<String, byte[]>> awaitRecords(String topic, Predicate<ConsumerRecord<String, byte[]>> match, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedStack.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (found.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) found.add(r);
                }
            }
        }
        assertThat(found).as("records on " + topic).hasSizeGreaterThanOrEqualTo(count);
        return found;
    }
}
