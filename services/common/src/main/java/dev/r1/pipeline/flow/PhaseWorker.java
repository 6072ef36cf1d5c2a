package dev.r1.pipeline.flow;

import dev.r1.pipeline.Limits;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import io.smallrye.reactive.messaging.kafka.transactions.TransactionalEmitter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Runs one phase's work off Kafka without holding a transaction or a poll open for it.
 *
 * <p>A hand-off is claimed in one short transaction that writes a lease and commits the
 * hand-off's offset; the work runs in a bounded pool from the moment the hand-off is read (the
 * claim commits meanwhile, off the task's critical path), renewing the lease, its records going
 * out as it goes ({@link LingeringSink}); when it is done and its claim has committed, one more
 * transaction writes the records not sent yet, the transition event, the next hand-off and the
 * lease's tombstone. Every instance also watches the leases of its
 * consumer-group partitions and takes over any lease that expires and is not running here, its
 * own included: a crashed instance's tasks resume elsewhere (or in the same process after a
 * restart), and a task whose completion failed runs again here even when this is the only
 * instance.
 *
 * <p>All transactions go through one lane thread: a transactional producer runs one
 * transaction at a time, and the lane keeps claims and completions from colliding.
 */
public final class PhaseWorker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PhaseWorker.class);
    /** Short enough that a phase's progress shows while it works; see {@link LingeringSink}. */
    private static final Duration SINK_LINGER = Duration.ofMillis(100);

    private final String name;
    private final Stage stage;
    private final KafkaTransactions<byte[]> tx;
    private final MutinyEmitter<byte[]> out;
    private final PhaseLogic logic;
    private final Function<byte[], Handoff> decoder;
    private final Duration leaseTtl;
    private final String owner;
    private final ExecutorService workers;
    private final ExecutorService lane;
    private final ScheduledExecutorService timer;
    private final Map<String, Lease> running = new ConcurrentHashMap<>();
    private final Map<String, Lease> observed = new ConcurrentHashMap<>();
    /** When (local clock) the latest record of each observed lease was read. */
    private final Map<String, Long> observedAt = new ConcurrentHashMap<>();

    public PhaseWorker(Config config, KafkaTransactions<byte[]> tx, MutinyEmitter<byte[]> out, PhaseLogic logic,
            Function<byte[], Handoff> decoder) {
        this.name = config.name();
        this.stage = config.stage();
        this.tx = tx;
        this.out = out;
        this.logic = logic;
        this.decoder = decoder;
        this.leaseTtl = config.leaseTtl();
        this.owner = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.workers = Executors.newFixedThreadPool(config.workers(), daemon(name + "-worker"));
        this.lane = Executors.newSingleThreadExecutor(daemon(name + "-tx"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon(name + "-timer"));
        long period = Math.max(100, leaseTtl.toMillis() / 3);
        timer.scheduleAtFixedRate(this::tendLeases, period, period, TimeUnit.MILLISECONDS);
    }

    /** What a phase worker needs to know about its service. */
    public record Config(String name, Stage stage, int workers, Duration leaseTtl) {}

    /** Claims one hand-off: poison goes to the DLQ, anything else becomes a lease and runs in the pool. */
    public Uni<Void> claim(KafkaRecord<String, byte[]> record) {
        IncomingKafkaRecordMetadata<?, ?> meta = record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        return Uni.createFrom().item(() -> {
                    byte[] value = record.getPayload();
                    String problem = null;
                    Handoff handoff = null;
                    if (value == null) {
                        problem = "empty record";
                    } else if (value.length > Limits.MAX_RECORD_BYTES) {
                        problem = "record of " + value.length + " bytes is over the limit of " + Limits.MAX_RECORD_BYTES;
                    } else {
                        try {
                            handoff = decoder.apply(value);
                        } catch (RuntimeException e) {
                            problem = e.getMessage();
                        }
                    }
                    if (problem != null) {
                        String reason = problem;
                        LOG.warnf("%s: refused record %s-%d@%d: %s", name, meta.getTopic(), meta.getPartition(), meta.getOffset(), reason);
                        tx.withTransactionAndAwait(meta, em -> {
                            em.send(Records.deadLetter(meta, value, reason));
                            return Uni.createFrom().voidItem();
                        });
                        return null;
                    }
                    Lease lease = new Lease(handoff.task(), handoff.stage(), owner, now() + leaseTtl.toMillis(), handoff);
                    // The work starts now and the claim commits while it runs: a completion waits
                    // for its claim, so a claim that fails leaves the hand-off to be read again.
                    CompletableFuture<Void> claimed = new CompletableFuture<>();
                    start(lease, claimed);
                    try {
                        tx.withTransactionAndAwait(meta, em -> {
                            em.send(Records.lease(lease));
                            return Uni.createFrom().voidItem();
                        });
                        claimed.complete(null);
                    } catch (RuntimeException e) {
                        // On the lane, so no renewal can write a lease for the dropped work after this.
                        running.remove(lease.key());
                        claimed.completeExceptionally(e);
                        throw e;
                    }
                    return lease;
                })
                .runSubscriptionOn(lane)
                .onFailure().invoke(e -> LOG.errorf(e, "%s: claim failed; the hand-off will be read again", name))
                .onFailure().recoverWithNull()
                .replaceWithVoid()
                .call(() -> Uni.createFrom().completionStage(record.ack()));
    }

    /** Follows the lease topic: the latest lease of each task in this worker's stage. */
    public void observe(KafkaRecord<String, byte[]> record) {
        String key = record.getKey();
        if (key == null || !key.endsWith("/" + stage.name())) return;
        if (record.getPayload() == null) {
            observed.remove(key);
            observedAt.remove(key);
            return;
        }
        try {
            observed.put(key, Json.read(record.getPayload(), Lease.class));
            observedAt.put(key, now());
        } catch (IllegalArgumentException e) {
            LOG.warnf("%s: unreadable lease %s: %s", name, key, e.getMessage());
        }
    }

    private void start(Lease lease, CompletableFuture<Void> claimed) {
        running.put(lease.key(), lease);
        workers.execute(() -> run(lease, claimed));
    }

    private void run(Lease lease, CompletableFuture<Void> claimed) {
        Handoff handoff = lease.handoff();
        LingeringSink sink = sink();
        try {
            boolean deterministic = handoff.taskSpec().deterministic();
            TaskTrace trace = new TaskTrace(handoff.task(), Phase.valueOf(stage.name()),
                    TaskClock.resume(handoff, deterministic), sink, handoff.cause());
            PhaseOutcome outcome;
            long started = System.nanoTime();
            try {
                outcome = logic.run(handoff, trace);
            } catch (Exception e) {
                LOG.errorf(e, "%s: task %s failed", name, handoff.task());
                outcome = failedBy(e, trace);
            }
            Duration work = Duration.ofNanos(System.nanoTime() - started);
            List<Message<byte[]>> unsent = sink.drain();
            try {
                claimed.join();
            } catch (CompletionException e) {
                LOG.warnf("%s: the claim of task %s failed, so its work is dropped; the hand-off will be read again", name, handoff.task());
                return;
            }
            complete(lease, outcome, work, unsent);
        } catch (RuntimeException e) {
            // The lease stays; when it expires, this or another instance runs the phase again.
            LOG.errorf(e, "%s: could not finish task %s; it resumes when its lease expires", name, handoff.task());
        } finally {
            running.remove(lease.key());
        }
    }

    /** Ends the phase in one transaction: its unsent records, then the transition or the park, and the lease's release. */
    private void complete(Lease lease, PhaseOutcome outcome, Duration work, List<Message<byte[]>> unsent) {
        if (outcome.isParked()) {
            Parked p = outcome.parked();
            close(unsent, lease, em -> {
                em.send(Records.park(p));
                em.send(Records.release(lease));
            });
            LOG.infof("%s: task %s parked: gates %s escalated; waiting for an operator", name, lease.task(),
                    p.gates().stream().map(Parked.Escalation::gate).toList());
            return;
        }
        close(unsent, lease, em -> {
            em.send(Records.transition(outcome.transition(), work));
            if (outcome.next() != null) em.send(Records.handoff(outcome.nextTopic(), outcome.next()));
            em.send(Records.release(lease));
        });
        LOG.infof("%s: task %s %s", name, lease.task(), outcome.transition().label());
    }

    /**
     * Ends a run in one transaction on the lane: the records its sink did not send, then those
     * {@code closing} writes. The run's lease, if it has one, leaves {@link #running} on the lane
     * first, so no renewal of it can land after its release.
     */
    private void close(List<Message<byte[]>> unsent, Lease lease, Consumer<TransactionalEmitter<byte[]>> closing) {
        CompletableFuture.runAsync(() -> {
            if (lease != null) running.remove(lease.key());
            tx.withTransactionAndAwait(em -> {
                unsent.forEach(em::send);
                closing.accept(em);
                return Uni.createFrom().voidItem();
            });
        }, lane).join();
    }

    /**
     * An operator decided on a task this phase parked: records what {@link PhaseLogic#resume} makes
     * of it (approve: the transition the phase would have made, with the override; reject: FAILED)
     * and, in the same transaction, the next hand-off and the parked record's tombstone. Runs in the
     * pool; the returned future completes when the transaction has.
     */
    public CompletableFuture<Event> resume(Parked parked, boolean approve, String operator, String reason, List<String> approvalKeys) {
        return CompletableFuture.supplyAsync(() -> {
            LingeringSink sink = sink();
            TaskTrace trace = dev.r1.pipeline.gating.GateStep.resumeTrace(parked, sink);
            PhaseOutcome outcome = decided(parked, trace, approve, operator, reason);
            List<Message<byte[]>> unsent = sink.drain();
            close(unsent, null, em -> {
                em.send(Records.event(outcome.transition()));
                if (outcome.next() != null) em.send(Records.handoff(outcome.nextTopic(), outcome.next()));
                em.send(Records.unpark(parked));
                for (String k : approvalKeys) em.send(Records.control(k, null));
            });
            LOG.infof("%s: task %s resumed by %s: %s", name, parked.task(), operator, outcome.transition().label());
            return outcome.transition();
        }, workers);
    }

    private PhaseOutcome decided(Parked parked, TaskTrace trace, boolean approve, String operator, String reason) {
        try {
            return logic.resume(parked, trace, approve, operator, reason);
        } catch (Exception e) {
            // As in run(): work that fails after the decision ends the task, with the reason on record.
            LOG.errorf(e, "%s: task %s failed after the operator's decision", name, parked.task());
            return failedBy(e, trace);
        }
    }

    private void tendLeases() {
        try {
            long now = now();
            if (!running.isEmpty()) lane.execute(this::renewLeases);
            for (Lease lease : List.copyOf(observed.values())) {
                // A lease must also have stood unchanged here for a TTL: at start-up the whole topic is
                // replayed, and a lease read just before its own tombstone is not abandoned work.
                boolean settled = now - observedAt.getOrDefault(lease.key(), now) >= leaseTtl.toMillis();
                // Its own lease too: one that expired while not running here is work whose completion failed.
                if (lease.expiresAtMillis() < now && settled && !running.containsKey(lease.key())) {
                    LOG.infof("%s: lease of task %s held by %s expired; taking it over", name, lease.task(), lease.owner());
                    Lease mine = lease.renewed(owner, now + leaseTtl.toMillis());
                    observed.put(mine.key(), mine);
                    observedAt.put(mine.key(), now);
                    out.sendMessage(Records.lease(mine)).await().atMost(Duration.ofSeconds(30));
                    start(mine, CompletableFuture.completedFuture(null));
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "%s: lease upkeep failed", name);
        }
    }

    /**
     * Renews the leases of the work running here, in one transaction on the lane. On the lane, a
     * renewal can never land after the completion that releases its lease (a stale renewal after
     * the tombstone would make a restarted instance run the finished phase again): a completion
     * takes its lease out of {@link #running} on the lane before its transaction.
     */
    private void renewLeases() {
        long until = now() + leaseTtl.toMillis();
        List<Lease> renewed = new ArrayList<>();
        for (Lease lease : running.values()) {
            Lease r = lease.renewed(owner, until);
            running.replace(lease.key(), r);
            renewed.add(r);
        }
        if (renewed.isEmpty()) return;
        try {
            tx.withTransactionAndAwait(em -> {
                for (Lease r : renewed) em.send(Records.lease(r));
                return Uni.createFrom().voidItem();
            });
        } catch (RuntimeException e) {
            LOG.warnf("%s: lease renewal failed: %s", name, e);
        }
    }

    private LingeringSink sink() {
        return new LingeringSink(r -> out.sendMessage(r).subscribeAsCompletionStage(), timer, SINK_LINGER);
    }

    /** The task fails because its phase threw: the exception on record as an artifact, then FAILED. */
    private static PhaseOutcome failedBy(Exception e, TaskTrace trace) {
        trace.artifact("error", "text/plain", describe(e).getBytes(StandardCharsets.UTF_8), null, "the phase failed");
        return PhaseOutcome.failed(trace);
    }

    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            s.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
        }
        return s.toString();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        return r -> {
            Thread t = new Thread(r, prefix);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
        lane.shutdownNow();
    }
}
