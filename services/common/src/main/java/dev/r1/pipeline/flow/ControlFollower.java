package dev.r1.pipeline.flow;

import dev.r1.stoke.event.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Follows {@code r1.control} (read from the start on every boot, so parked tasks survive
 * restarts): the tasks parked by escalated gates and the operators' decisions on them. When
 * every escalated gate of a task parked in this follower's stage is approved, or any is
 * rejected, the owning {@link PhaseWorker} resumes it. A decision is acted on only once it has
 * been seen for {@code settle} (so a replay at boot reads the tombstones of tasks already resumed
 * before acting). Any service may also ask what is parked (the approvals API does).
 */
public final class ControlFollower implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControlFollower.class);

    private final Stage stage;
    private final PhaseWorker worker;
    private final long settleMillis;
    private final Map<String, Parked> parked = new ConcurrentHashMap<>();
    private final Map<String, Approval> approvals = new ConcurrentHashMap<>();
    private final Map<String, Long> seenAt = new ConcurrentHashMap<>();
    private final Set<String> resuming = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    /** @param worker the phase that resumes its own parked tasks; null for a follower that only answers questions */
    public ControlFollower(Stage stage, PhaseWorker worker, long settleMillis) {
        this.stage = stage;
        this.worker = worker;
        this.settleMillis = settleMillis;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "r1-control-" + (stage == null ? "any" : stage.name()));
            t.setDaemon(true);
            return t;
        });
        if (worker != null) timer.scheduleAtFixedRate(this::tick, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** One record off r1.control. */
    public void accept(String key, byte[] value) {
        if (key == null) return;
        try {
            if (key.contains("/park/")) {
                if (value == null) parked.remove(key);
                else parked.put(key, Json.read(value, Parked.class));
            } else if (key.contains("/approval/")) {
                if (value == null) approvals.remove(key);
                else {
                    approvals.put(key, Json.read(value, Approval.class));
                    seenAt.put(key, System.currentTimeMillis());
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.warnf("control: unreadable record %s: %s", key, e.getMessage());
        }
    }

    /** The task's parked state, whatever phase parked it. */
    public Optional<Parked> parked(String task) {
        for (Parked p : parked.values()) {
            if (p.task().equals(task)) return Optional.of(p);
        }
        return Optional.empty();
    }

    public List<Parked> allParked() {
        return List.copyOf(parked.values());
    }

    private void tick() {
        try {
            long now = System.currentTimeMillis();
            for (Parked p : List.copyOf(parked.values())) {
                if (p.stage() != stage || resuming.contains(p.key())) continue;
                List<Approval> decided = new ArrayList<>();
                boolean settled = true;
                for (Parked.Escalation e : p.gates()) {
                    Approval a = approvals.get(Approval.key(p.task(), e.gate()));
                    if (a == null) continue;
                    decided.add(a);
                    if (now - seenAt.getOrDefault(a.key(), now) < settleMillis) settled = false;
                }
                if (!settled || decided.isEmpty()) continue;
                Optional<Approval> reject = decided.stream().filter(a -> !a.approved()).findFirst();
                boolean all = decided.size() == p.gates().size();
                if (reject.isEmpty() && !all) continue;
                Approval last = reject.orElse(decided.get(decided.size() - 1));
                String reason = reject.map(Approval::reason).orElseGet(() -> String.join("; ",
                        decided.stream().map(a -> a.gate() + ": " + a.reason()).toList()));
                resuming.add(p.key());
                List<String> keys = decided.stream().map(Approval::key).toList();
                worker.resume(p, reject.isEmpty(), last.operator(), reason, keys).whenComplete((t, err) -> {
                    if (err != null) {
                        LOG.errorf(err, "control: resuming task %s failed; trying again", p.task());
                    } else {
                        parked.remove(p.key());
                        keys.forEach(approvals::remove);
                    }
                    resuming.remove(p.key());
                });
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "control: tick failed");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
