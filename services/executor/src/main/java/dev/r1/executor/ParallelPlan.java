package dev.r1.executor;

import dev.r1.engines.CostMeter;
import dev.r1.engines.Engine;
import dev.r1.engines.EngineException;
import dev.r1.engines.EngineFactory;
import dev.r1.engines.EngineRequest;
import dev.r1.engines.Identity;
import dev.r1.engines.PlanItem;
import dev.r1.pipeline.flow.TaskTrace;
import dev.r1.pipeline.git.CachedRepo;
import dev.r1.pipeline.git.Git;
import dev.r1.pipeline.git.Worktree;
import dev.r1.pipeline.spec.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * Runs a plan's items: wave by wave (an item waits for the items it depends on), the items of a
 * wave side by side, each in its own worktree at the wave's starting commit, with its own engine;
 * then merges them one by one, in plan order, into the attempt's worktree. A merge that
 * conflicts is aborted, recorded as a {@code merge-conflict} artifact, and the item is sent back
 * for repair: its engine runs again in the attempt's worktree, told what conflicted, to make
 * its change on top of what was merged. Each item's events are recorded in plan order once its
 * wave is done, so they do not depend on which item finished first.
 */
final class ParallelPlan {
    static final int MAX_PARALLEL = 4;

    private final CachedRepo repo;
    private final EngineFactory engines;
    private final UnaryOperator<String> redact;
    private final TaskSpec spec;
    private final String task;
    private final int attempt;
    private final CostMeter meter;
    private final Map<String, String> toolEnv;

    ParallelPlan(CachedRepo repo, EngineFactory engines, UnaryOperator<String> redact, TaskSpec spec, String task, int attempt, CostMeter meter,
            Map<String, String> toolEnv) {
        this.repo = repo;
        this.engines = engines;
        this.redact = redact;
        this.spec = spec;
        this.task = task;
        this.attempt = attempt;
        this.meter = meter;
        this.toolEnv = toolEnv;
    }

    private record ItemRun(PlanItem item, Recorder.Buffer buffer, AgentRun.End end, Optional<String> commit) {}

    private ToolGuard guard;

    ParallelPlan guarded(ToolGuard guard) {
        this.guard = guard;
        return this;
    }

    AgentRun.End run(Worktree main, List<PlanItem> items, TaskTrace trace) {
        Optional<Identity> identity = Optional.empty();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_PARALLEL, items.size()), r -> {
            Thread t = new Thread(r, "r1-item-" + task);
            t.setDaemon(true);
            return t;
        });
        try {
            for (List<PlanItem> wave : PlanItem.waves(items)) {
                String head = main.head();
                List<Worktree> trees = new ArrayList<>();
                List<Future<ItemRun>> futures = new ArrayList<>();
                try {
                    for (PlanItem item : wave) {
                        Worktree wt = repo.checkout(task + "--" + item.id(), head);
                        trees.add(wt);
                        futures.add(pool.submit(() -> runItem(item, wt, trace)));
                    }
                    List<ItemRun> runs = new ArrayList<>();
                    for (Future<ItemRun> f : futures) runs.add(await(f));
                    for (ItemRun r : runs) {
                        trace.thought("plan-item", "item " + r.item().id() + ": " + r.item().goal());
                        r.buffer().replay(Recorder.of(trace));
                        if (!(r.end() instanceof AgentRun.End.Done done)) return r.end();
                        if (done.identity().isPresent()) identity = done.identity();
                    }
                    for (ItemRun r : runs) {
                        if (r.commit().isEmpty()) continue;
                        Worktree.MergeResult m = main.merge(r.commit().get(), ExecutePhase.message(spec, task, attempt, "merge plan item " + r.item().id()),
                                Git.commitEnv(spec.deterministic(), trace.clock()));
                        if (m.clean()) continue;
                        AgentRun.End repaired = repair(main, r.item(), m.conflicts(), trace);
                        if (!(repaired instanceof AgentRun.End.Done)) return repaired;
                    }
                } finally {
                    trees.forEach(Worktree::close);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new AgentRun.End.Done(identity);
    }

    private ItemRun runItem(PlanItem item, Worktree wt, TaskTrace trace) {
        Recorder.Buffer buffer = new Recorder.Buffer();
        AgentRun.End end;
        try {
            Engine engine = engines.start(EngineRequest.of(spec, attempt, null, wt.dir(), meter).forItem(item.id(), item.goal(), wt.dir(), null));
            end = new AgentRun(engine, new WorktreeTools(wt.dir(), toolEnv), buffer, meter, spec.budget().maxToolCalls(), redact).guarded(guard).run();
        } catch (EngineException e) {
            end = new AgentRun.End.Failed(redact.apply(e.getMessage()));
        }
        Optional<String> commit = end instanceof AgentRun.End.Done
                ? wt.commitAll(ExecutePhase.message(spec, task, attempt, "plan item " + item.id()), Git.commitEnv(spec.deterministic(), trace.clock()))
                : Optional.empty();
        return new ItemRun(item, buffer, end, commit);
    }

    /** Sends a conflicting item back to its engine, in the attempt's worktree, with what conflicted. */
    private AgentRun.End repair(Worktree main, PlanItem item, List<String> conflicts, TaskTrace trace) {
        String report = "plan item " + item.id() + " (" + item.goal() + ") conflicts with the items merged before it on: " + String.join(", ", conflicts);
        trace.artifact("merge-conflict", "text/plain", (report + "\n").getBytes(StandardCharsets.UTF_8), null, report + "; sent back for repair");
        String note = "Your change for this plan item could not be merged: it conflicts with other items' changes on " + String.join(", ", conflicts)
                + ". The worktree now holds their merged work; make this item's change again on top of it.";
        AgentRun.End end;
        try {
            Engine engine = engines.start(EngineRequest.of(spec, attempt, null, main.dir(), meter).forItem(item.id(), item.goal(), main.dir(), note));
            end = new AgentRun(engine, new WorktreeTools(main.dir(), toolEnv), Recorder.of(trace), meter, spec.budget().maxToolCalls(), redact).guarded(guard).run();
        } catch (EngineException e) {
            end = new AgentRun.End.Failed(redact.apply(e.getMessage()));
        }
        if (end instanceof AgentRun.End.Done) {
            main.commitAll(ExecutePhase.message(spec, task, attempt, "repair plan item " + item.id()), Git.commitEnv(spec.deterministic(), trace.clock()));
        }
        return end;
    }

    private static ItemRun await(Future<ItemRun> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while plan items ran", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }
}
