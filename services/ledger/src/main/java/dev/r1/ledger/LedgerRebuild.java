package dev.r1.ledger;

import dev.r1.ledger.store.LedgerStore;
import dev.r1.pipeline.Headers;
import dev.r1.pipeline.Topics;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Rebuilds the database from Kafka: the tables are a projection of {@code r1.events} (and
 * {@code r1.blobs}). Pauses the live consumers, empties the tables, replays both topics from offset
 * 0 up to the end offsets seen when the rebuild starts, storing and sealing as the live consumers
 * do (events a poll at a time), gathers the tables' statistics for what it loaded, then lets the
 * live consumers go on. Receipts come out byte-identical: they depend only on the events and the
 * key.
 *
 * <p>{@link #run} blocks: call it from a worker thread, never from an event loop.
 */
@ApplicationScoped
public class LedgerRebuild {
    private static final Logger LOG = Logger.getLogger(LedgerRebuild.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(30);

    private final Ledger ledger;
    private final LedgerStore store;
    private final WriteGate gate;
    private final String bootstrap;
    private final Duration drainTimeout;

    public LedgerRebuild(Ledger ledger, LedgerStore store, WriteGate gate,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
            @ConfigProperty(name = "r1.ledger.rebuild.drain-timeout", defaultValue = "PT60S") Duration drainTimeout) {
        this.ledger = ledger;
        this.store = store;
        this.gate = gate;
        this.bootstrap = bootstrap;
        this.drainTimeout = drainTimeout;
    }

    /** What a rebuild replayed: records read, stored, refused, and receipts sealed. */
    public record Report(long events, long eventsStored, long eventsRefused, long receiptsSealed,
            long blobs, long blobsStored, long blobsRefused, long millis) {}

    public synchronized Report run() {
        long started = System.nanoTime();
        gate.close(drainTimeout);
        try {
            await(store::wipe);
            long[] blobs = new long[3];
            replay(Topics.BLOBS, records -> {
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (ConsumerRecord<String, byte[]> record : records) {
                    blobs[0]++;
                    Header type = record.headers().lastHeader(Headers.MEDIA_TYPE);
                    String mediaType = type == null || type.value() == null ? null : new String(type.value(), StandardCharsets.UTF_8);
                    chain = chain.chain(() -> ledger.ingestBlob(record.key(), record.value(), mediaType, true)
                            .invoke(inserted -> {
                                if (inserted) blobs[1]++;
                            })
                            .onFailure(Refusal.class).invoke(r -> blobs[2]++)
                            .onFailure(Refusal.class).recoverWithNull()
                            .replaceWithVoid());
                }
                return chain;
            });
            long[] events = new long[4];
            replay(Topics.EVENTS, records -> {
                List<Ledger.EventRecord> in = new ArrayList<>(records.size());
                for (ConsumerRecord<String, byte[]> r : records) in.add(new Ledger.EventRecord(r.key(), r.value()));
                return ledger.ingestEvents(in, true)
                        .call(ingested -> Uni.createFrom().completionStage(ingested.published()))
                        .invoke(ingested -> {
                            for (LedgerStore.Outcome o : ingested.outcomes()) {
                                events[0]++;
                                if (o.refused()) events[2]++;
                                if (o.inserted()) events[1]++;
                                if (o.sealedNow()) events[3]++;
                            }
                        })
                        .replaceWithVoid();
            });
            await(store::analyze);
            Report report = new Report(events[0], events[1], events[2], events[3], blobs[0], blobs[1], blobs[2],
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            LOG.infof("rebuilt the ledger: %s", report);
            return report;
        } finally {
            gate.open();
        }
    }

    /** Reads every partition of {@code topic} from offset 0 to the end offsets of now, a poll at a time. */
    private void replay(String topic, Function<List<ConsumerRecord<String, byte[]>>, Uni<Void>> handle) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "r1-ledger-rebuild-" + topic);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(60));
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("replaying " + topic + " took over " + READ_TIMEOUT);
                List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    Long last = end.get(new TopicPartition(record.topic(), record.partition()));
                    if (last == null || record.offset() < last) batch.add(record);
                }
                if (!batch.isEmpty()) await(() -> handle.apply(batch));
            }
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) return false;
        }
        return true;
    }

    private static <T> T await(java.util.function.Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
