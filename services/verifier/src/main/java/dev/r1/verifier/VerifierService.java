package dev.r1.verifier;

import dev.r1.engines.Engines;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.PhaseRuntime;
import dev.r1.pipeline.flow.PhaseWorker;
import dev.r1.pipeline.git.RepoCache;
import dev.r1.stoke.event.Stage;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** The verifier: takes hand-offs off r1.phase.verify and runs VERIFY on each. */
@Startup
@ApplicationScoped
public class VerifierService {
    @Inject
    @Channel("verifier-tx")
    KafkaTransactions<byte[]> tx;

    @Inject
    @Channel("verifier-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
    MutinyEmitter<byte[]> out;

    @ConfigProperty(name = "r1.verifier.workers", defaultValue = "4")
    int workers;

    @ConfigProperty(name = "r1.verifier.test-timeout", defaultValue = "PT10M")
    Duration testTimeout;

    @ConfigProperty(name = "r1.lease.ttl")
    Duration leaseTtl;

    @ConfigProperty(name = "r1.data", defaultValue = "r1-data")
    String data;

    /** The engines config file, which {@code R1_CONFIG} in the environment also sets; unset, {@code ~/.r1/config.yaml}. */
    @ConfigProperty(name = "r1.config")
    Optional<String> enginesConfig;

    @ConfigProperty(name = "r1.control.settle", defaultValue = "PT2S")
    Duration settle;

    private PhaseRuntime phase;

    @PostConstruct
    void start() {
        RepoCache cache = RepoCache.of(Path.of(data), "verifier");
        phase = new PhaseRuntime(new PhaseWorker.Config("verifier", Stage.VERIFY, workers, leaseTtl), tx, out,
                new VerifyPhase(cache, testTimeout, Engines.fromEnvironment(enginesConfig.map(Path::of))),
                value -> Handoff.decodeFor(Stage.VERIFY, value), settle);
    }

    @PreDestroy
    void stop() {
        phase.close();
    }

    @Incoming("verifier-handoffs")
    public Uni<Void> handoff(KafkaRecord<String, byte[]> record) {
        return phase.handoff(record);
    }

    /** Parked tasks and operators' decisions. */
    @Incoming("verifier-control")
    public CompletionStage<Void> control(KafkaRecord<String, byte[]> record) {
        return phase.control(record);
    }

    @Incoming("verifier-leases")
    public CompletionStage<Void> lease(KafkaRecord<String, byte[]> record) {
        return phase.lease(record);
    }
}
