package dev.r1.committer;

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
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** The committer: takes hand-offs off r1.phase.commit and runs COMMIT on each. */
@Startup
@ApplicationScoped
public class CommitterService {
    @Inject
    @Channel("committer-tx")
    KafkaTransactions<byte[]> tx;

    @Inject
    @Channel("committer-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
    MutinyEmitter<byte[]> out;

    @ConfigProperty(name = "r1.committer.workers", defaultValue = "4")
    int workers;

    @ConfigProperty(name = "r1.lease.ttl")
    Duration leaseTtl;

    @ConfigProperty(name = "r1.data", defaultValue = "r1-data")
    String data;

    @ConfigProperty(name = "r1.control.settle", defaultValue = "PT2S")
    Duration settle;

    private PhaseRuntime phase;

    @PostConstruct
    void start() {
        RepoCache cache = RepoCache.of(Path.of(data), "committer");
        phase = new PhaseRuntime(new PhaseWorker.Config("committer", Stage.COMMIT, workers, leaseTtl), tx, out,
                new CommitPhase(cache), value -> Handoff.decodeFor(Stage.COMMIT, value), settle);
    }

    @PreDestroy
    void stop() {
        phase.close();
    }

    /** Tasks parked at COMMIT->DONE and operators' decisions on them. */
    @Incoming("committer-control")
    public CompletionStage<Void> control(KafkaRecord<String, byte[]> record) {
        return phase.control(record);
    }

    @Incoming("committer-handoffs")
    public Uni<Void> handoff(KafkaRecord<String, byte[]> record) {
        return phase.handoff(record);
    }

    @Incoming("committer-leases")
    public CompletionStage<Void> lease(KafkaRecord<String, byte[]> record) {
        return phase.lease(record);
    }
}
