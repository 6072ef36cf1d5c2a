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
import java.util.concurrent.Executor;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * What the ledger does with one record, live or during a rebuild: admit it ({@link Admission}),
 * store it ({@link LedgerStore}), count it, and publish the receipt a terminal transition seals.
 * A refused record fails the returned {@link Uni} with a {@link Refusal}; the live consumer turns
 * that into a DLQ record.
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

    /**
     * Admits and stores one {@code r1.events} record. {@code replay} marks a rebuild: refusals are
     * not counted again (the live consumer counted them when it sent them to the DLQ).
     */
    public Uni<LedgerStore.Outcome> ingestEvent(String key, byte[] value, boolean replay) {
        Event event;
        try {
            event = Admission.admit(key, value);
        } catch (Refusal r) {
            return refused(r, replay);
        }
        return onContext(() -> store.store(event))
                .onFailure(t -> !(t instanceof Refusal)).invoke(t -> LOG.warnf("storing event %s failed, retrying: %s", event.id(), t))
                .onFailure(t -> !(t instanceof Refusal)).retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).atMost(STORAGE_ATTEMPTS)
                .onFailure(t -> !(t instanceof Refusal)).transform(t -> new Refusal(Refusal.STORAGE, String.valueOf(t)))
                .onFailure(Refusal.class).recoverWithUni(t -> refused((Refusal) t, replay))
                .call(outcome -> {
                    if (outcome.inserted()) metrics.stored();
                    if (outcome.sealedNow()) {
                        metrics.sealed();
                        LOG.infof("sealed task %s: receipt %s, %d events, %s", outcome.receipt().task(),
                                outcome.receipt().digest(), outcome.receipt().eventCount(), outcome.receipt().state());
                    }
                    return outcome.receipt() == null ? Uni.createFrom().voidItem() : publish(outcome.receipt());
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

    private <T> Uni<T> refused(Refusal r, boolean replay) {
        if (!replay) {
            metrics.refused(r.rule());
            LOG.warnf("refused an event record: %s", r.getMessage());
        }
        return Uni.createFrom().failure(r);
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
