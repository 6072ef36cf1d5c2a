package dev.r1.committer;

import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.Parked;
import dev.r1.pipeline.flow.PhaseLogic;
import dev.r1.pipeline.flow.PhaseOutcome;
import dev.r1.pipeline.flow.TaskTrace;
import dev.r1.pipeline.flow.TaskTrace.GateResult;
import dev.r1.pipeline.git.CachedRepo;
import dev.r1.pipeline.git.Git;
import dev.r1.pipeline.git.GitException;
import dev.r1.pipeline.git.RepoCache;
import dev.r1.pipeline.git.Worktree;
import dev.r1.pipeline.spec.TaskSpec;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import dev.r1.gates.Checkpoint;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateSuite;
import dev.r1.gates.GatesConfigException;
import dev.r1.pipeline.gating.GateStep;
import dev.r1.pipeline.gating.TaskGates;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Verdict;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * COMMIT: merges {@code r1/<task>} into the target branch (a fast-forward when it can be,
 * otherwise a merge commit made as R1) and pushes the target branch to the origin. A clean
 * merge and push allow the {@code merge} gate and the task is DONE; a conflict or a refused
 * push blocks it and the task FAILED. The library's COMMIT->DONE gates decide first: a block
 * fails the task unmerged; an escalation parks it, and the merge runs on the operator's approval.
 */
public final class CommitPhase implements PhaseLogic {
    private static final Logger LOG = Logger.getLogger(CommitPhase.class);
    public static final String MERGE = "merge";
    static final Transition TO_DONE = Transition.of(Stage.COMMIT, Stage.DONE);
    /** Pushes tried when the target branch moves under us (another task merged first). */
    static final int PUSH_TRIES = 3;

    private final RepoCache cache;

    public CommitPhase(RepoCache cache) {
        this.cache = cache;
    }

    @Override
    public PhaseOutcome run(Handoff handoff, TaskTrace trace) {
        LOG.infof("committer: task %s COMMIT started", handoff.task());
        PhaseOutcome outcome = commit(handoff, trace);
        LOG.infof("committer: task %s COMMIT ended: %s", handoff.task(),
                outcome.isParked() ? "parked for an operator" : outcome.transition().label());
        return outcome;
    }

    /** What merging and pushing came to: the commit now at the target, or why there is none. */
    private record Merged(String commit, String problem) {
        GateResult decision(String task, String target) {
            return commit != null ? GateResult.allow(MERGE, "r1/" + task + " is merged into " + target + " at " + commit + " and pushed")
                    : GateResult.block(MERGE, problem);
        }
    }

    private PhaseOutcome commit(Handoff handoff, TaskTrace trace) {
        TaskSpec spec = handoff.taskSpec();
        String task = handoff.task();
        CachedRepo repo = cache.fetch(spec.repository());
        String source = source(repo, task);
        String base = repo.resolve(spec.baseRef());
        GateSuite suite;
        try {
            suite = TaskGates.load(spec, repo, base);
        } catch (GatesConfigException e) {
            return PhaseOutcome.failed(trace, "gates-error", TaskGates.describe(e));
        }
        List<String> required = suite.requiredGates(Checkpoint.COMMIT_DONE);
        // The library's COMMIT->DONE gates (policy: who may finish a task, ...) decide before anything is merged.
        GateInput input = GateInput.at(Checkpoint.COMMIT_DONE, TaskGates.task(task, spec, Phase.COMMIT, Optional.of(base)))
                .diff(TaskGates.diff(repo.git("diff", "--no-color", base, source).getBytes(StandardCharsets.UTF_8)))
                .role("committer").build();
        List<GateResult> library = TaskGates.results(suite.evaluate(input));
        Verdict overall = GateStep.overall(library);
        if (overall == Verdict.BLOCK) {
            List<GateResult> all = new ArrayList<>(library);
            all.add(GateResult.block(MERGE, "not merged: " + String.join(", ", library.stream()
                    .filter(g -> g.verdict() == Verdict.BLOCK).map(GateResult::gate).toList()) + " did not allow finishing the task"));
            trace.decisions(TO_DONE, TaskGates.ordered(required, all));
            return PhaseOutcome.failed(trace);
        }
        if (overall == Verdict.ESCALATE) {
            // Nothing is merged until an operator approves: the merge runs in resume(), and its decision joins these.
            return GateStep.park(handoff, trace, TO_DONE, library, required, GateStep.Onward.terminal(Stage.DONE));
        }
        Merged merged = merge(spec, task, repo, source, trace);
        List<GateResult> all = new ArrayList<>(library);
        all.add(merged.decision(task, spec.targetBranch()));
        trace.decisions(TO_DONE, TaskGates.ordered(required, all));
        if (merged.commit() == null) return PhaseOutcome.failed(trace);
        return PhaseOutcome.terminal(trace.transition(Stage.DONE, required, null));
    }

    /**
     * An operator decided on a task parked at COMMIT->DONE. Approve: the merge runs now; its
     * decision and the decisions recorded before parking are the transition's direct causes, and the
     * override names the operator and the escalated decisions. Reject: FAILED, nothing merged. Safe
     * to run again after a crash: a branch already merged is not merged twice.
     */
    @Override
    public PhaseOutcome resume(Parked parked, TaskTrace trace, boolean approve, String operator, String reason) {
        if (!approve) return GateStep.decide(parked, trace, false, operator, reason);
        TaskSpec spec = parked.handoff().taskSpec();
        String task = parked.task();
        CachedRepo repo = cache.fetch(spec.repository());
        Merged merged = merge(spec, task, repo, source(repo, task), trace);
        trace.decisions(TO_DONE, List.of(merged.decision(task, spec.targetBranch())));
        if (merged.commit() == null) return PhaseOutcome.failed(trace);
        trace.follow(parked.frontier());
        return PhaseOutcome.terminal(trace.transition(Stage.DONE, parked.requiredGates(),
                new Payload.Override(operator, reason, parked.escalated())));
    }

    private static String source(CachedRepo repo, String task) {
        String branch = "r1/" + task;
        return repo.branch(branch).orElseThrow(() -> new GitException(branch + " is not on the origin; EXECUTE pushes it first"));
    }

    /** Merges r1/TASK into the target and pushes it; the commit is recorded as an artifact when it lands. */
    private Merged merge(TaskSpec spec, String task, CachedRepo repo, String source, TaskTrace trace) {
        String branch = "r1/" + task;
        String target = spec.targetBranch();
        Merged merged = null;
        for (int attempt = 1; merged == null; attempt++) {
            if (attempt > 1) repo.fetch();
            Optional<String> tip = repo.branch(target);
            String result;
            if (tip.isEmpty() || repo.isAncestor(source, tip.get())) {
                result = tip.orElse(source);
            } else if (repo.isAncestor(tip.get(), source)) {
                result = source;
            } else {
                try (Worktree wt = repo.checkout(task, tip.get())) {
                    Worktree.MergeResult m = wt.merge(source, message(spec, task), Git.commitEnv(spec.deterministic(), trace.clock()));
                    if (!m.clean()) {
                        merged = new Merged(null, "merging " + branch + " into " + target + " conflicts in "
                                + String.join(", ", m.conflicts()) + "; rebase the task on " + target + " and run it again");
                        break;
                    }
                    result = m.commit().orElseThrow();
                }
            }
            CachedRepo.PushResult push = repo.push(result, target, Optional.empty());
            if (push.ok()) {
                merged = new Merged(result, null);
            } else if (attempt >= PUSH_TRIES || !(push.summary().contains("fetch first") || push.summary().contains("non-fast-forward"))) {
                merged = new Merged(null, "the origin refused the push of " + target + ": " + push.summary());
            }
        }
        if (merged.commit() != null) {
            trace.artifact("commit", "application/x-git-commit", merged.commit().getBytes(StandardCharsets.US_ASCII),
                    "git:" + target + "@" + merged.commit(), target + " is at " + merged.commit());
        }
        return merged;
    }

    static String message(TaskSpec spec, String task) {
        String goal = spec.goal().strip().lines().findFirst().orElse("");
        return "r1: merge r1/" + task + " into " + spec.targetBranch() + "\n\n" + goal + "\n\nR1-Task: " + task + "\n";
    }
}
