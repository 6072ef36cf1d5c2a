package dev.r1.executor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.engines.CostMeter;
import dev.r1.engines.Engine;
import dev.r1.engines.EngineException;
import dev.r1.engines.EngineFactory;
import dev.r1.engines.EngineRequest;
import dev.r1.engines.Engines;
import dev.r1.engines.Identity;
import dev.r1.engines.PlanItem;
import dev.r1.pipeline.Limits;
import dev.r1.pipeline.Topics;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.PhaseLogic;
import dev.r1.pipeline.flow.PhaseOutcome;
import dev.r1.pipeline.flow.TaskTrace;
import dev.r1.pipeline.flow.TaskTrace.GateResult;
import dev.r1.pipeline.git.CachedRepo;
import dev.r1.pipeline.git.Git;
import dev.r1.pipeline.git.RepoCache;
import dev.r1.pipeline.git.Worktree;
import dev.r1.pipeline.spec.TaskSpec;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import dev.r1.gates.Checkpoint;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateSuite;
import dev.r1.gates.GatesConfigException;
import dev.r1.pipeline.gating.GateStep;
import dev.r1.pipeline.gating.TaskGates;
import dev.r1.stoke.event.Phase;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * EXECUTE: in a worktree of the task's repository, at its base ref on the first attempt and
 * where the previous attempt left {@code r1/<task>} on a retry, the engine works through its
 * steps; the result is committed as R1, pushed to {@code r1/<task>} on the origin and
 * recorded as a diff against the base. Then EXECUTE->VERIFY.
 */
public final class ExecutePhase implements PhaseLogic {
    private static final Logger LOG = Logger.getLogger(ExecutePhase.class);
    /** Recorded when an attempt asks for more tool calls than budget.max_tool_calls. */
    public static final String TOOL_BUDGET = "tool-budget";
    private static final Pattern ATTEMPT_TRAILER = Pattern.compile("(?m)^R1-Attempt: (\\d+)$");

    /** Recorded when the task's money budget is spent. */
    public static final String COST_BUDGET = "cost-budget";
    private static final Pattern COST_TRAILER = Pattern.compile("(?m)^R1-Cost-Usd: ([0-9.]+)$");

    private final RepoCache cache;
    private final EngineFactory engines;
    private final UnaryOperator<String> redact;

    /** EXECUTE with the engines of this machine's config ({@code R1_CONFIG} or {@code ~/.r1/config.yaml}). */
    public ExecutePhase(RepoCache cache) {
        this(cache, Engines.fromEnvironment());
    }

    public ExecutePhase(RepoCache cache, Engines engines) {
        this(cache, engines, engines::redact);
    }

    public ExecutePhase(RepoCache cache, EngineFactory engines, UnaryOperator<String> redact) {
        this.cache = cache;
        this.engines = engines;
        this.redact = redact;
    }

    /** The branch a task's work is pushed to. */
    public static String branch(String task) {
        return "r1/" + task;
    }

    @Override
    public PhaseOutcome run(Handoff handoff, TaskTrace trace) {
        TaskSpec spec = handoff.taskSpec();
        String task = handoff.task();
        int attempt = handoff.attempt();
        LOG.infof("executor: task %s EXECUTE attempt %d started", task, attempt);
        PhaseOutcome outcome = execute(handoff, spec, trace);
        LOG.infof("executor: task %s EXECUTE attempt %d ended: %s", task, attempt,
                outcome.isParked() ? "parked for an operator" : outcome.transition().label());
        return outcome;
    }

    private PhaseOutcome execute(Handoff handoff, TaskSpec spec, TaskTrace trace) {
        String task = handoff.task();
        int attempt = handoff.attempt();
        try {
            engines.check(spec);
        } catch (EngineException e) {
            return PhaseOutcome.failed(trace, "error", e.getMessage());
        }
        CachedRepo repo = cache.fetch(spec.repository());
        String base = repo.resolve(spec.baseRef());
        GateSuite suite;
        try {
            suite = TaskGates.load(spec, repo, base);
        } catch (GatesConfigException e) {
            return PhaseOutcome.failed(trace, "gates-error", TaskGates.describe(e));
        }
        GateInput.Task gateTask = TaskGates.task(task, spec, Phase.EXECUTE, Optional.of(base));
        ToolGuard guard = new ToolGuard(suite, gateTask);
        String branch = branch(task);
        Optional<String> pushed = repo.branch(branch);
        String start = attempt > 1 && pushed.isPresent() ? endOfAttemptsBefore(repo, pushed.get(), base, task, attempt) : base;
        List<PlanItem> items = List.of();
        String note = handoff.note();
        if (note != null && note.startsWith("{\"plan\"")) {
            try {
                items = PlanItem.fromNote(note);
            } catch (IllegalArgumentException e) {
                LOG.warnf("executor: task %s: the plan's items are unusable (%s); running the task as one item", task, e.getMessage());
            }
        }
        double planned = PlanItem.spentFromNote(note);
        if (planned > 0 || !items.isEmpty()) note = null; // the planner's note is not something to fix
        CostMeter meter = new CostMeter(spec.budget().maxCostUsd(), spentBefore(repo, start, base, task) + planned);

        Optional<Identity> identity;
        int calls = 0;
        List<GateResult> results;
        double spentBefore = meter.spentUsd();
        try (Worktree wt = repo.checkout(task, start)) {
            WorktreeTools tools = new WorktreeTools(wt.dir(), toolEnv(task, attempt));
            AgentRun.End end;
            if (items.size() > 1) {
                end = new ParallelPlan(repo, engines, redact, spec, task, attempt, meter, toolEnv(task, attempt)).guarded(guard).run(wt, items, trace);
            } else {
                Engine engine;
                try {
                    engine = engines.start(EngineRequest.of(spec, attempt, note, wt.dir(), meter));
                } catch (EngineException e) {
                    return PhaseOutcome.failed(trace, "error", redact.apply(e.getMessage()));
                }
                AgentRun agent = new AgentRun(engine, tools, Recorder.of(trace), meter, spec.budget().maxToolCalls(), redact).guarded(guard);
                end = agent.run();
                calls = agent.toolCalls();
            }
            if (end instanceof AgentRun.End.ToolBudget b) {
                trace.decisions(Transition.of(Stage.EXECUTE, Stage.VERIFY), List.of(GateResult.block(TOOL_BUDGET,
                        "attempt " + attempt + " asked for more than budget.max_tool_calls = " + b.max()
                                + " tool calls; raise the budget or split the task")));
                return PhaseOutcome.failed(trace);
            }
            if (end instanceof AgentRun.End.CostBudget c) {
                trace.decisions(Transition.of(Stage.EXECUTE, Stage.VERIFY), List.of(GateResult.block(COST_BUDGET, c.reason())));
                return PhaseOutcome.failed(trace);
            }
            if (end instanceof AgentRun.End.Failed f) {
                return PhaseOutcome.failed(trace, "engine-error", "attempt " + attempt + " failed: " + f.reason());
            }
            identity = ((AgentRun.End.Done) end).identity();

            String message = message(spec, task, attempt) + trailers(identity, meter.spentUsd() - spentBefore);
            Optional<String> commit = wt.commitAll(message, Git.commitEnv(spec.deterministic(), trace.clock()));
            String head = commit.orElseGet(wt::head);
            CachedRepo.PushResult push = repo.push(head, branch, Optional.of(pushed.orElse("")));
            if (!push.ok()) throw new IllegalStateException("push of " + branch + " was refused: " + push.summary());
            byte[] diff = wt.diff(base, head);
            trace.artifact("diff", "text/x-diff", capped(diff), "git:" + branch + "@" + head,
                    !head.equals(start) ? "attempt " + attempt + " committed " + head : "attempt " + attempt + " changed nothing");
            GateInput input = GateInput.at(Checkpoint.EXECUTE_VERIFY, gateTask).diff(TaskGates.diff(diff)).role("executor")
                    .usage(new GateInput.Usage(meter.spentUsd(), calls)).worktree(wt.dir()).build();
            results = TaskGates.results(suite.decide(input, List.of()));
        }
        return GateStep.conclude(handoff, trace, TO_VERIFY, results, suite.requiredGates(Checkpoint.EXECUTE_VERIFY),
                new GateStep.Onward(Stage.VERIFY, Topics.PHASE_VERIFY, attempt, identity.map(ExecutePhase::implementerNote).orElse(null)),
                () -> PhaseOutcome.failed(trace));
    }

    static final Transition TO_VERIFY = Transition.of(Stage.EXECUTE, Stage.VERIFY);

    private static Map<String, String> toolEnv(String task, int attempt) {
        return Map.of("R1_TASK", task, "R1_ATTEMPT", String.valueOf(attempt));
    }

    /** The EXECUTE->VERIFY note of a model engine's attempt: who implemented it, for the cross-family reviewer. */
    static String implementerNote(Identity who) {
        ObjectNode note = JsonNodeFactory.instance.objectNode();
        note.set("implementer", who.toJson());
        return note.toString();
    }

    /** Trailers a model engine's commit carries: who made it and what it cost, so later attempts count it. */
    static String trailers(Optional<Identity> who, double costUsd) {
        if (who.isEmpty()) return "";
        return "R1-Engine: " + who.get() + "\nR1-Cost-Usd: " + BigDecimal.valueOf(costUsd).setScale(6, RoundingMode.HALF_UP).toPlainString() + "\n";
    }

    /** What earlier attempts of the task spent on models, from their commits' R1-Cost-Usd trailers. */
    static double spentBefore(CachedRepo repo, String start, String base, String task) {
        if (start.equals(base)) return 0;
        double sum = 0;
        String log = repo.git("log", "--format=%B%x00", base + ".." + start);
        for (String message : log.split("\0")) {
            if (!message.contains("R1-Task: " + task + "\n")) continue;
            Matcher m = COST_TRAILER.matcher(message);
            if (m.find()) sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    /**
     * Where attempt {@code attempt} starts: the pushed branch without the commits of this or
     * later attempts, so a re-run of an attempt after a crash starts where it first did.
     */
    static String endOfAttemptsBefore(CachedRepo repo, String tip, String base, String task, int attempt) {
        String cur = tip;
        while (!cur.equals(base)) {
            String message = repo.git("log", "-1", "--format=%B", cur);
            Matcher m = ATTEMPT_TRAILER.matcher(message);
            if (!message.contains("R1-Task: " + task + "\n") || !m.find() || Integer.parseInt(m.group(1)) < attempt) break;
            String[] parents = repo.git("log", "-1", "--format=%P", cur).split(" ");
            if (parents[0].isBlank()) break;
            cur = parents[0];
        }
        return cur;
    }

    static String message(TaskSpec spec, String task, int attempt) {
        String goal = spec.goal().strip().lines().findFirst().orElse("");
        if (goal.length() > 72) goal = goal.substring(0, 69) + "...";
        return "r1: " + goal + "\n\nR1-Task: " + task + "\nR1-Attempt: " + attempt + "\n";
    }

    /** A commit of part of an attempt (a plan item, a merge, a repair), with the attempt's trailers. */
    static String message(TaskSpec spec, String task, int attempt, String what) {
        return "r1: " + what + "\n\nR1-Task: " + task + "\nR1-Attempt: " + attempt + "\n";
    }

    /** Artifacts travel as one Kafka record each, so a huge diff keeps its head and is marked cut. */
    static byte[] capped(byte[] bytes) {
        int cap = Limits.MAX_RECORD_BYTES;
        if (bytes.length <= cap) return bytes;
        byte[] marker = ("\n[r1: " + (bytes.length - cap) + " more bytes not recorded]\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(bytes, cap + marker.length);
        System.arraycopy(marker, 0, out, cap, marker.length);
        return out;
    }
}
