package dev.r1.ledger;

import dev.r1.pipeline.Headers;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The ledger's live consumers. One record at a time per channel, so a task's events (one
 * partition) are stored in the order they were written and each finds its causes stored. A
 * refused record is nacked with its {@link Refusal}: the channel's dead-letter-queue failure
 * strategy writes it to {@code r1.dlq} with the refusal in the {@code dead-letter-reason} header,
 * and the partition moves on.
 */
@ApplicationScoped
public class LedgerConsumer {
    public static final String EVENTS_CHANNEL = "ledger-events";
    public static final String BLOBS_CHANNEL = "ledger-blobs";

    private final Ledger ledger;
    private final WriteGate gate;

    public LedgerConsumer(Ledger ledger, WriteGate gate) {
        this.ledger = ledger;
        this.gate = gate;
    }

    @Incoming(EVENTS_CHANNEL)
    public Uni<Void> onEvent(KafkaRecord<String, byte[]> record) {
        return settle(record, gate.enter()
                .chain(() -> ledger.ingestEvent(record.getKey(), record.getPayload(), false).eventually(gate::exit))
                .replaceWithVoid());
    }

    @Incoming(BLOBS_CHANNEL)
    public Uni<Void> onBlob(KafkaRecord<String, byte[]> record) {
        Header type = record.getHeaders().lastHeader(Headers.MEDIA_TYPE);
        String mediaType = type == null || type.value() == null ? null : new String(type.value(), StandardCharsets.UTF_8);
        return settle(record, gate.enter()
                .chain(() -> ledger.ingestBlob(record.getKey(), record.getPayload(), mediaType, false).eventually(gate::exit))
                .replaceWithVoid());
    }

    private static Uni<Void> settle(KafkaRecord<String, byte[]> record, Uni<Void> work) {
        return work.onItemOrFailure().transformToUni((ok, failure) -> {
            if (failure == null) return Uni.createFrom().completionStage(record.ack());
            Throwable reason = failure instanceof Refusal ? failure : new Refusal(Refusal.STORAGE, String.valueOf(failure));
            return Uni.createFrom().completionStage(record.nack(reason));
        });
    }
}
