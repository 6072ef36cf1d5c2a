package dev.r1.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.engines.CostMeter;
import dev.r1.engines.CrossFamilyReview;
import dev.r1.engines.EngineException;
import dev.r1.engines.Engines;
import dev.r1.engines.Identity;
import dev.r1.engines.Step;
import dev.r1.engines.config.R1Config;
import dev.r1.pipeline.Limits;
import dev.r1.pipeline.Topics;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.PhaseLogic;
import dev.r1.pipeline.flow.PhaseOutcome;
import dev.r1.pipeline.flow.TaskTrace;
import dev.r1.pipeline.flow.TaskTrace.GateResult;
import dev.r1.pipeline.git.CachedRepo;
import dev.r1.pipeline.git.GitException;
import dev.r1.pipeline.git.RepoCache;
import dev.r1.pipeline.git.Subprocess;
import dev.r1.pipeline.git.Worktree;
import dev.r1.pipeline.spec.TaskSpec;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import dev.r1.gates.Checkpoint;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateSuite;
import dev.r1.gates.GatesConfigException;
import dev.r1.pipeline.gating.GateStep;
import dev.r1.pipeline.gating.TaskGates;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * VERIFY: checks out {@code r1/<task>} and runs the task's test command; its exit code is the
 * {@code tests} gate of VERIFY->COMMIT. On a block the task goes back to EXECUTE with the
 * failing output as the note, while attempts remain; otherwise it fails.
 */
public final class VerifyPhase implements PhaseLogic {
    private static final Logger LOG = Logger.getLogger(VerifyPhase.class);
    public static final String TESTS = "tests";
    static final Transition TO_COMMIT = Transition.of(Stage.VERIFY, Stage.COMMIT);
    /** How much test output is kept: the head and the tail, within one Kafka record. */
    static final int LOG_CAP = Limits.MAX_RECORD_BYTES;
    /** Lines of output quoted in a block reason and in the note for the retry. */
    static final int TAIL_LINES = 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COST_TRAILER = Pattern.compile("(?m)^R1-Cost-Usd: ([0-9.]+)$");
    private static final Pattern ENGINE_TRAILER = Pattern.compile("(?m)^R1-Engine: ([^/\\s]+)/(\\S+) \\(([^)]+)\\)$");

    private final RepoCache cache;
    private final Duration timeout;
    private final Engines engines;

    /** VERIFY with the reviewers of this machine's engines config ({@code R1_CONFIG} or {@code ~/.r1/config.yaml}). */
    public VerifyPhase(RepoCache cache, Duration timeout) {
        this(cache, timeout, Engines.fromEnvironment());
    }

    public VerifyPhase(RepoCache cache, Duration timeout, Engines engines) {
        this.cache = cache;
        this.timeout = timeout;
        this.engines = engines;
    }

    @Override
    public PhaseOutcome run(Handoff handoff, TaskTrace trace) {
        LOG.infof("verifier: task %s VERIFY of attempt %d started", handoff.task(), handoff.attempt());
        PhaseOutcome outcome = verify(handoff, trace);
        LOG.infof("verifier: task %s VERIFY of attempt %d ended: %s", handoff.task(), handoff.attempt(),
                outcome.isParked() ? "parked for an operator" : outcome.transition().label());
        return outcome;
    }

    private PhaseOutcome verify(Handoff handoff, TaskTrace trace) {
        TaskSpec spec = handoff.taskSpec();
        String task = handoff.task();
        String branch = "r1/" + task;
        CachedRepo repo = cache.fetch(spec.repository());
        String head = repo.branch(branch).orElseThrow(() -> new GitException(branch + " is not on the origin; EXECUTE pushes it first"));
        String base = repo.resolve(spec.baseRef());
        GateSuite suite;
        try {
            suite = TaskGates.load(spec, repo, base);
        } catch (GatesConfigException e) {
            return PhaseOutcome.failed(trace, "gates-error", TaskGates.describe(e));
        }
        // A recorded (scripted) run has no model output to review: cross-family-review applies to model engines only,
        // and only when the gates file asks for it.
        boolean reviewed = Engines.isModelEngine(spec) && suite.requiredGates(Checkpoint.VERIFY_COMMIT).contains(CrossFamilyReview.GATE);
        List<String> required = suite.requiredGates(Checkpoint.VERIFY_COMMIT).stream()
                .filter(g -> reviewed || !g.equals(CrossFamilyReview.GATE)).toList();

        try (Worktree wt = repo.checkout(task, head)) {
            Subprocess.Result r = Subprocess.bash(wt.dir(), spec.testCommand(),
                    Map.of("R1_TASK", task, "R1_ATTEMPT", String.valueOf(handoff.attempt())), timeout, LOG_CAP);
            // The timeout is this service's setting, not the task's, so it stays out of the record.
            ObjectNode args = JsonNodeFactory.instance.objectNode().put("command", spec.testCommand()).put("commit", head);
            String status = r.timedOut() ? "timed out after " + timeout.toSeconds() + " s" : "exit " + r.exitCode();
            trace.toolCall("test", args, r.output(), (long) r.exitCode(), status);
            trace.artifact("test-log", "text/plain", r.output(), "git:" + branch + "@" + head, "output of " + spec.testCommand() + ": " + status);

            // The gate library's own gates at VERIFY->COMMIT (lint, secrets, a WASM gate, ...) on the checked-out change.
            GateInput input = GateInput.at(Checkpoint.VERIFY_COMMIT, TaskGates.task(task, spec, Phase.VERIFY, Optional.of(base)))
                    .diff(TaskGates.diff(wt.diff(base, head))).role("verifier").worktree(wt.dir()).build();
            List<GateResult> library = TaskGates.results(suite.evaluate(input)).stream().filter(g -> required.contains(g.gate())).toList();

            String tail = tail(r.text());
            if (r.ok()) {
                GateResult tests = GateResult.allow(TESTS, "tests passed (exit 0) on " + head);
                if (!reviewed) {
                    return conclude(handoff, spec, trace, required, withTests(tests, library));
                }
                return review(handoff, spec, trace, repo, wt, head, tests, r.exitCode(), tail, required, library);
            }
            String reason = "tests failed (" + status + ") on " + head + (tail.isEmpty() ? "" : "; last lines of output:\n" + tail);
            trace.decisions(TO_COMMIT, TaskGates.ordered(required, withTests(GateResult.block(TESTS, reason), library)));
            return retryOrFail(handoff, spec, trace, "tests failed (" + status + ")" + (tail.isEmpty() ? "" : ":\n" + tail));
        }
    }

    private static List<GateResult> withTests(GateResult tests, List<GateResult> library) {
        List<GateResult> all = new java.util.ArrayList<>();
        all.add(tests);
        all.addAll(library);
        return all;
    }

    /** All decided: COMMIT when every required gate allows, parked on an escalation, another attempt (or FAILED) on a block. */
    private PhaseOutcome conclude(Handoff handoff, TaskSpec spec, TaskTrace trace, List<String> required, List<GateResult> decided) {
        List<GateResult> results = TaskGates.ordered(required, decided);
        return GateStep.conclude(handoff, trace, TO_COMMIT, results, required,
                new GateStep.Onward(Stage.COMMIT, Topics.PHASE_COMMIT, handoff.attempt(), null),
                () -> retryOrFail(handoff, spec, trace, "the VERIFY->COMMIT gates blocked: " + String.join("; ",
                        results.stream().filter(g -> g.verdict() == Verdict.BLOCK).map(g -> g.gate() + ": " + g.reason()).toList())));
    }

    private PhaseOutcome retryOrFail(Handoff handoff, TaskSpec spec, TaskTrace trace, String note) {
        if (handoff.attempt() < spec.budget().maxAttempts()) {
            Event t = trace.transition(Stage.EXECUTE, List.of(), null);
            return new PhaseOutcome(t, Topics.PHASE_EXECUTE, handoff.next(Stage.EXECUTE, t.id(), trace.clock(), handoff.attempt() + 1, note));
        }
        return PhaseOutcome.failed(trace);
    }

    /**
     * The cross-family review of a model's work, after its tests passed: the reviewer sees the
     * task, the diff and the test results. Approved: VERIFY->COMMIT with both gates (and the
     * override, when a same-family reviewer decided under it). Rejected: back to EXECUTE with the
     * reasons while attempts remain. Refused (no reviewer of another family) or failed (every
     * reviewer provider failed, budget spent): FAILED, since another attempt would not change it.
     */
    private PhaseOutcome review(Handoff handoff, TaskSpec spec, TaskTrace trace, CachedRepo repo, Worktree wt, String head, GateResult tests,
            int exit, String tail, List<String> required, List<GateResult> library) {
        String base = repo.resolve(spec.baseRef());
        String diff = new String(wt.diff(base, head), StandardCharsets.UTF_8);
        Identity implementer = implementer(handoff.note(), repo, head);
        CostMeter meter = new CostMeter(spec.budget().maxCostUsd(), spent(repo, base, head, handoff.task()));
        CrossFamilyReview.Outcome o;
        try {
            o = new CrossFamilyReview(engines).review(
                    new CrossFamilyReview.Material(spec, implementer, diff, spec.testCommand(), exit, tail), meter, wt.dir());
        } catch (EngineException e) {
            String reason = engines.redact("the review could not be made: " + e.getMessage());
            trace.decisions(TO_COMMIT, TaskGates.ordered(required, with(tests, GateResult.block(CrossFamilyReview.GATE, reason), library)));
            return PhaseOutcome.failed(trace);
        }
        if (o.answer() != null) {
            for (Step.ProviderSwitch s : o.answer().switches()) {
                trace.thought("provider-switch", engines.redact("provider " + s.from() + " failed, going on with " + s.to() + ": " + s.reason()));
            }
        }
        trace.artifact("review", "application/json", o.report(), "git:r1/" + handoff.task() + "@" + head, o.reason(),
                o.answer() == null ? null : o.answer().usage().toX());
        if (o.refused()) {
            trace.decisions(TO_COMMIT, TaskGates.ordered(required, with(tests, GateResult.block(CrossFamilyReview.GATE, o.reason()), library)));
            return PhaseOutcome.failed(trace);
        }
        if (!o.approved()) {
            trace.decisions(TO_COMMIT, TaskGates.ordered(required, with(tests, GateResult.block(CrossFamilyReview.GATE, o.reason()), library)));
            return retryOrFail(handoff, spec, trace, "the review rejected the change: " + o.reason());
        }
        if (o.override().isPresent()) {
            // The cross-family rule was not met; the operator's standing override lets the same-family approval through, on record.
            List<GateResult> results = TaskGates.ordered(required, with(tests, GateResult.block(CrossFamilyReview.GATE, o.reason()), library));
            List<Event> d = trace.decisions(TO_COMMIT, results);
            List<String> overridden = new java.util.ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                GateResult g = results.get(i);
                if (g.gate().equals(CrossFamilyReview.GATE)) overridden.add(d.get(i).id());
                else if (g.verdict() != Verdict.ALLOW) {
                    return retryOrFail(handoff, spec, trace, "the VERIFY->COMMIT gate " + g.gate() + " did not allow: " + g.reason());
                }
            }
            R1Config.Override ov = o.override().get();
            Payload.Override override = new Payload.Override(ov.operator(), ov.reason(), overridden);
            Event t = trace.transition(Stage.COMMIT, required, override);
            return new PhaseOutcome(t, Topics.PHASE_COMMIT, handoff.next(Stage.COMMIT, t.id(), trace.clock(), handoff.attempt(), null));
        }
        return conclude(handoff, spec, trace, required, with(tests, GateResult.allow(CrossFamilyReview.GATE, o.reason()), library));
    }

    private static List<GateResult> with(GateResult tests, GateResult review, List<GateResult> library) {
        List<GateResult> all = new java.util.ArrayList<>(List.of(tests, review));
        all.addAll(library);
        return all;
    }

    /** Who implemented the attempt: from EXECUTE's note, else the commit's R1-Engine trailer; unknown otherwise. */
    static Identity implementer(String note, CachedRepo repo, String head) {
        if (note != null && note.startsWith("{")) {
            try {
                JsonNode n = JSON.readTree(note).path("implementer");
                if (n.isObject()) return Identity.fromJson(n);
            } catch (Exception e) {
                // not a note from EXECUTE
            }
        }
        Matcher m = ENGINE_TRAILER.matcher(repo.git("log", "-1", "--format=%B", head));
        if (m.find()) return new Identity(m.group(1), "", m.group(2), m.group(3));
        return new Identity("unknown", "", "unknown", "unknown");
    }

    /** What the task spent on models so far, from its commits' R1-Cost-Usd trailers. */
    static double spent(CachedRepo repo, String base, String head, String task) {
        double sum = 0;
        for (String message : repo.git("log", "--format=%B%x00", base + ".." + head).split("\0")) {
            if (!message.contains("R1-Task: " + task + "\n")) continue;
            Matcher m = COST_TRAILER.matcher(message);
            if (m.find()) sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    /** The last lines of the output, at most {@link #TAIL_LINES} of them and 4000 characters. */
    static String tail(String output) {
        List<String> lines = output.strip().lines().toList();
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        return tail.length() > 4000 ? tail.substring(tail.length() - 4000) : tail;
    }
}
