package dev.r1.pipeline.flow;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What a phase service runs: its {@link PhaseWorker} and its {@link ControlFollower}, and what
 * each of its three Kafka channels (hand-offs, r1.control, r1.leases) hands them. The services
 * keep only their channel bindings, which must name their channels literally.
 */
public final class PhaseRuntime implements AutoCloseable {
    private final PhaseWorker worker;
    private final ControlFollower control;

    public PhaseRuntime(PhaseWorker.Config config, KafkaTransactions<byte[]> tx, MutinyEmitter<byte[]> out, PhaseLogic logic,
            Function<byte[], Handoff> decoder, Duration settle) {
        this.worker = new PhaseWorker(config, tx, out, logic, decoder);
        this.control = new ControlFollower(config.stage(), worker, settle.toMillis());
    }

    public Uni<Void> handoff(KafkaRecord<String, byte[]> record) {
        return worker.claim(record);
    }

    /** Parked tasks and operators' decisions. */
    public CompletionStage<Void> control(KafkaRecord<String, byte[]> record) {
        control.accept(record.getKey(), record.getPayload());
        return record.ack();
    }

    public CompletionStage<Void> lease(KafkaRecord<String, byte[]> record) {
        worker.observe(record);
        return record.ack();
    }

    /** What this instance knows is parked (every phase's parked tasks). */
    public ControlFollower controlState() {
        return control;
    }

    @Override
    public void close() {
        control.close();
        worker.close();
    }
}
