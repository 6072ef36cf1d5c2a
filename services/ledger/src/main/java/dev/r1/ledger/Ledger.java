package dev.r1.ledger;

import dev.r1.ledger.store.LedgerStore;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * What the ledger does with records, live or during a rebuild: admit them ({@link Admission}),
 * store them ({@link LedgerStore}), count them, and publish the receipts terminal transitions
 * seal. A refused event record comes back with its {@link Refusal}, a refused blob record fails
 * the returned {@link Uni} with one; the live consumers turn either into a DLQ record.
 */
@ApplicationScoped
public class Ledger {
    public static final String RECEIPTS_CHANNEL = "ledger-receipts";
    private static final Logger LOG = Logger.getLogger(Ledger.class);
    /** Database hiccups are retried this often before the record is refused as a storage failure. */
    private static final int STORAGE_ATTEMPTS = 8;

    private final LedgerStore store;
    private final LedgerMetrics metrics;
    private final MutinyEmitter<byte[]> receipts;

    public Ledger(LedgerStore store, LedgerMetrics metrics, @Channel(RECEIPTS_CHANNEL) MutinyEmitter<byte[]> receipts) {
        this.store = store;
        this.metrics = metrics;
        this.receipts = receipts;
    }

    /** One {@code r1.events} record: its key and value. */
    public record EventRecord(String key, byte[] value) {}

    /**
     * What ingesting a batch did: one outcome per record, in order (a refused record's outcome
     * holds its {@link Refusal}), and the publication of the receipts it sealed, already under
     * way, completing when Kafka has them all.
     */
    public record Ingested(List<LedgerStore.Outcome> outcomes, CompletionStage<Void> published) {}

    /**
     * Admits and stores a batch of {@code r1.events} records, in order, and starts publishing the
     * receipts their terminal transitions seal; completes once they are stored, so the next batch
     * can be stored while Kafka takes the receipts. {@code replay} marks a rebuild: refusals are
     * not counted again (the live consumer counted them when it sent them to the DLQ).
     */
    public Uni<Ingested> ingestEvents(List<EventRecord> records, boolean replay) {
        LedgerStore.Outcome[] outcomes = new LedgerStore.Outcome[records.size()];
        List<Event> admitted = new ArrayList<>(records.size());
        List<Integer> positions = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            try {
                admitted.add(Admission.admit(records.get(i).key(), records.get(i).value()));
                positions.add(i);
            } catch (Refusal r) {
                outcomes[i] = LedgerStore.Outcome.refused(null, r);
            }
        }
        return onContext(() -> store.storeAll(admitted))
                .onFailure().invoke(t -> LOG.warnf("storing %d events failed, retrying: %s", admitted.size(), t))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).atMost(STORAGE_ATTEMPTS)
                .onFailure().recoverWithItem(t -> {
                    Refusal storage = new Refusal(Refusal.STORAGE, String.valueOf(t));
                    return admitted.stream().map(e -> LedgerStore.Outcome.refused(e, storage)).toList();
                })
                .map(stored -> {
                    for (int j = 0; j < stored.size(); j++) outcomes[positions.get(j)] = stored.get(j);
                    List<Uni<Void>> published = new ArrayList<>();
                    for (LedgerStore.Outcome o : outcomes) {
                        if (o.refused()) {
                            if (!replay) {
                                metrics.refused(o.refusal().rule());
                                LOG.warnf("refused an event record: %s", o.refusal().getMessage());
                            }
                            continue;
                        }
                        if (o.inserted()) metrics.stored();
                        if (o.sealedNow()) {
                            metrics.sealed();
                            LOG.infof("sealed task %s: receipt %s, %d events, %s", o.receipt().task(), o.receipt().digest(),
                                    o.receipt().eventCount(), o.receipt().state());
                        }
                        if (o.receipt() != null) published.add(publish(o.receipt()));
                    }
                    CompletionStage<Void> all = published.isEmpty() ? CompletableFuture.completedFuture(null)
                            : Uni.join().all(published).andFailFast().replaceWithVoid().subscribeAsCompletionStage();
                    return new Ingested(List.of(outcomes), all);
                });
    }

    /** Stores one {@code r1.blobs} record if its bytes hash to its key. */
    public Uni<Boolean> ingestBlob(String key, byte[] value, String mediaType, boolean replay) {
        if (value == null) return blobRefused(new Refusal(Refusal.EMPTY, "the blob record has no value"), replay);
        String hash = Sha256.hex(value);
        if (!hash.equals(key)) {
            return blobRefused(new Refusal(Refusal.BLOB_HASH, "the bytes hash to " + hash + ", not to the key " + key), replay);
        }
        String type = mediaType == null || mediaType.isBlank() ? "application/octet-stream" : mediaType;
        return onContext(() -> store.storeBlob(hash, type, value))
                .onFailure(t -> !(t instanceof Refusal)).retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).atMost(STORAGE_ATTEMPTS)
                .onFailure(t -> !(t instanceof Refusal)).transform(t -> new Refusal(Refusal.STORAGE, String.valueOf(t)))
                .onFailure(Refusal.class).recoverWithUni(t -> blobRefused((Refusal) t, replay))
                .invoke(inserted -> {
                    if (inserted) metrics.blobStored();
                });
    }

    /** Sends a receipt to {@code r1.receipts} (key: task id); completes when Kafka has it. */
    public Uni<Void> publish(LedgerStore.Sealed receipt) {
        Message<byte[]> message = Message.of(receipt.file()).addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder().withKey(receipt.task()).build());
        return receipts.sendMessage(message);
    }

    private <T> Uni<T> blobRefused(Refusal r, boolean replay) {
        if (!replay) {
            metrics.blobRefused(r.rule());
            LOG.warnf("refused a blob record: %s", r.getMessage());
        }
        return Uni.createFrom().failure(r);
    }

    /**
     * Subscribes (and re-subscribes, on retry) on the caller's Vert.x context: Hibernate Reactive
     * must run there, and a retry's back-off would otherwise resume on a timer thread.
     */
    private static <T> Uni<T> onContext(java.util.function.Supplier<Uni<T>> work) {
        Context context = Vertx.currentContext();
        Uni<T> uni = Uni.createFrom().deferred(work::get);
        if (context == null) return uni;
        Executor executor = command -> context.runOnContext(v -> command.run());
        return uni.runSubscriptionOn(executor);
    }
}
