package dev.r1.planner;

import dev.r1.pipeline.flow.ControlFollower;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.PhaseRuntime;
import dev.r1.pipeline.flow.PhaseWorker;
import dev.r1.pipeline.spec.TaskSpec;
import dev.r1.pipeline.spec.TaskSpecs;
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
import java.time.Duration;
import java.nio.file.Path;
import java.util.Optional;
import dev.r1.engines.Engines;
import dev.r1.pipeline.gating.TaskGates;
import dev.r1.pipeline.git.CachedRepo;
import dev.r1.pipeline.git.RepoCache;
import org.jboss.logging.Logger;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** The planner: takes task specs off r1.tasks and runs PLAN on each. */
@Startup
@ApplicationScoped
public class PlannerService {
    private static final Logger LOG = Logger.getLogger(PlannerService.class);

    @Inject
    @Channel("planner-tx")
    KafkaTransactions<byte[]> tx;

    @Inject
    @Channel("planner-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
    MutinyEmitter<byte[]> out;

    @ConfigProperty(name = "r1.planner.workers", defaultValue = "4")
    int workers;

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
        RepoCache cache = RepoCache.of(Path.of(data), "planner");
        phase = new PhaseRuntime(new PhaseWorker.Config("planner", Stage.PLAN, workers, leaseTtl), tx, out,
                new PlanPhase(Engines.fromEnvironment(enginesConfig.map(Path::of)), spec -> gatesFile(cache, spec)),
                PlannerService::decode, settle);
    }

    /** The task repository's .r1/gates.yaml at its base ref; when the repository cannot be read here, the preset (EXECUTE reads the file again). */
    static Optional<String> gatesFile(RepoCache cache, TaskSpec spec) {
        CachedRepo repo;
        String base;
        try {
            repo = cache.fetch(spec.repository());
            base = repo.resolve(spec.baseRef());
        } catch (RuntimeException e) {
            LOG.warnf("planner: task %s: cannot read %s at %s (%s); PLAN uses the %s preset", spec.id(), spec.repository(),
                    spec.baseRef(), e.getMessage(), spec.gates());
            return Optional.empty();
        }
        return TaskGates.repositoryFile(repo, base);
    }

    @PreDestroy
    void stop() {
        phase.close();
    }

    @Incoming("planner-tasks")
    public Uni<Void> task(KafkaRecord<String, byte[]> record) {
        return phase.handoff(record);
    }

    /** Parked tasks and operators' decisions. */
    @Incoming("planner-control")
    public CompletionStage<Void> control(KafkaRecord<String, byte[]> record) {
        return phase.control(record);
    }

    /** What this instance knows is parked (every phase's parked tasks). */
    public ControlFollower controlState() {
        return phase.controlState();
    }

    @Incoming("planner-leases")
    public CompletionStage<Void> lease(KafkaRecord<String, byte[]> record) {
        return phase.lease(record);
    }

    /** A task spec off r1.tasks becomes the task's first hand-off; a spec without an id is refused. */
    static Handoff decode(byte[] value) {
        TaskSpec spec = TaskSpecs.parse(value);
        if (spec.id() == null) throw new IllegalArgumentException("invalid task spec: id: required on r1.tasks");
        return Handoff.start(spec, System.currentTimeMillis());
    }
}
