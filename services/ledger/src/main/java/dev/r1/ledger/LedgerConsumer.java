package dev.r1.ledger;

import dev.r1.ledger.store.LedgerStore;
import dev.r1.pipeline.Headers;
import io.smallrye.mutiny.Uni;
import dev.r1.pipeline.flow.Records;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The ledger's live consumers. Events come in batches (one poll), stored by one statement in
 * the order they were written, so a task's events (one partition) each find their causes stored
 * or earlier in the batch. A refused event goes to {@code r1.dlq} with its {@link Refusal} in the
 * {@code dead-letter-reason} header before the batch is acknowledged, so the partition moves on
 * and nothing is dropped; if that cannot be written the batch fails and is read again. Blobs come
 * one at a time: a refused one is nacked and the channel's dead-letter-queue strategy writes it.
 */
@ApplicationScoped
public class LedgerConsumer {
    public static final String EVENTS_CHANNEL = "ledger-events";
    public static final String BLOBS_CHANNEL = "ledger-blobs";
    public static final String DLQ_CHANNEL = "ledger-dlq";

    private final Ledger ledger;
    private final WriteGate gate;
    private final MutinyEmitter<byte[]> dlq;

    public LedgerConsumer(Ledger ledger, WriteGate gate, @Channel(DLQ_CHANNEL) MutinyEmitter<byte[]> dlq) {
        this.ledger = ledger;
        this.gate = gate;
        this.dlq = dlq;
    }

    @Incoming(EVENTS_CHANNEL)
    public Uni<Void> onEvents(KafkaRecordBatch<String, byte[]> batch) {
        List<KafkaRecord<String, byte[]>> records = batch.getRecords();
        List<Ledger.EventRecord> in = new ArrayList<>(records.size());
        for (KafkaRecord<String, byte[]> r : records) in.add(new Ledger.EventRecord(r.getKey(), r.getPayload()));
        return gate.enter()
                .chain(() -> ledger.ingestEvents(in, false).eventually(gate::exit))
                .call(ingested -> {
                    List<Uni<Void>> sent = new ArrayList<>();
                    for (int i = 0; i < ingested.outcomes().size(); i++) {
                        LedgerStore.Outcome outcome = ingested.outcomes().get(i);
                        if (!outcome.refused()) continue;
                        KafkaRecord<String, byte[]> r = records.get(i);
                        IncomingKafkaRecordMetadata<?, ?> meta = r.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
                        sent.add(dlq.sendMessage(Records.deadLetter(meta, r.getPayload(), outcome.refusal().getMessage())));
                    }
                    return sent.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(sent).andFailFast().replaceWithVoid();
                })
                // The offsets move only once the receipts are in Kafka too, but the next batch need
                // not wait for that: the throttled commit strategy commits in offset order.
                .invoke(ingested -> ingested.published().whenComplete((ok, failure) -> {
                    if (failure == null) batch.ack();
                    else batch.nack(failure);
                }))
                .replaceWithVoid();
    }

    @Incoming(BLOBS_CHANNEL)
    public Uni<Void> onBlob(KafkaRecord<String, byte[]> record) {
        Header type = record.getHeaders().lastHeader(Headers.MEDIA_TYPE);
        String mediaType = type == null || type.value() == null ? null : new String(type.value(), StandardCharsets.UTF_8);
        return gate.enter()
                .chain(() -> ledger.ingestBlob(record.getKey(), record.getPayload(), mediaType, false).eventually(gate::exit))
                .replaceWithVoid()
                .onItemOrFailure().transformToUni((ok, failure) -> {
                    if (failure == null) return Uni.createFrom().completionStage(record.ack());
                    Throwable reason = failure instanceof Refusal ? failure : new Refusal(Refusal.STORAGE, String.valueOf(failure));
                    return Uni.createFrom().completionStage(record.nack(reason));
                });
    }
}
