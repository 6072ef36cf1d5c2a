package dev.r1.planner;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.engines.CostMeter;
import dev.r1.engines.EngineException;
import dev.r1.engines.Engines;
import dev.r1.engines.ModelPlanner;
import dev.r1.engines.PlanItem;
import dev.r1.engines.Step;
import dev.r1.gates.Checkpoint;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateSuite;
import dev.r1.gates.GatesConfigException;
import dev.r1.pipeline.Topics;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.PhaseLogic;
import dev.r1.pipeline.flow.PhaseOutcome;
import dev.r1.pipeline.flow.TaskTrace;
import dev.r1.pipeline.flow.TaskTrace.GateResult;
import dev.r1.pipeline.gating.GateStep;
import dev.r1.pipeline.gating.TaskGates;
import dev.r1.pipeline.spec.Plan;
import dev.r1.pipeline.spec.TaskSpec;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.json.Jcs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.commons.io.FileUtils;
import org.jboss.logging.Logger;

/**
 * PLAN: starts the task's graph, records the engine's plan as an artifact and gates
 * PLAN->EXECUTE on budget and scope-fit. Both allow: the task goes to EXECUTE (attempt 1);
 * either blocks: it ends FAILED.
 */
public final class PlanPhase implements PhaseLogic {
    private static final Logger LOG = Logger.getLogger(PlanPhase.class);
    static final Transition TO_EXECUTE = Transition.of(Stage.PLAN, Stage.EXECUTE);

    private final Engines engines;
    private final Function<TaskSpec, Optional<String>> gatesFile;

    /** PLAN with the planners of this machine's engines config ({@code R1_CONFIG} or {@code ~/.r1/config.yaml}). */
    public PlanPhase() {
        this(Engines.fromEnvironment());
    }

    public PlanPhase(Engines engines) {
        this(engines, spec -> Optional.empty());
    }

    /**
     * @param gatesFile the task repository's {@code .r1/gates.yaml} at its base ref, if it has one
     *     (else the spec's preset applies)
     */
    public PlanPhase(Engines engines, Function<TaskSpec, Optional<String>> gatesFile) {
        this.engines = engines;
        this.gatesFile = gatesFile;
    }

    @Override
    public PhaseOutcome run(Handoff handoff, TaskTrace trace) {
        TaskSpec spec = handoff.taskSpec();
        LOG.infof("planner: task %s PLAN started", handoff.task());
        trace.start();
        Plan plan = spec.engine().plan();
        List<PlanItem> items = scriptedItems(spec);
        ObjectNode usage = null;
        double spent = 0;
        if (Engines.isModelEngine(spec)) {
            CostMeter meter = new CostMeter(spec.budget().maxCostUsd(), 0);
            Path scratch = scratch(handoff.task());
            try {
                ModelPlanner.Result r = new ModelPlanner(engines).plan(spec, meter, scratch);
                for (Step.ProviderSwitch s : r.answer().switches()) {
                    trace.thought("provider-switch", engines.redact("provider " + s.from() + " failed, going on with " + s.to() + ": " + s.reason()));
                }
                plan = r.plan();
                items = r.items();
                usage = r.answer().usage().toX();
                usage.set("planner", r.answer().who().toJson());
                spent = meter.spentUsd();
            } catch (EngineException e) {
                // The task can still run without a model's plan: on its own plan, as one item.
                trace.thought("plan-error", engines.redact("planning with a model failed; going on with the task's own plan: " + e.getMessage()));
                spent = meter.spentUsd();
            } finally {
                FileUtils.deleteQuietly(scratch.toFile());
            }
        }
        trace.artifact("plan", "application/json", planDocument(spec, plan, items), null, plan.summary().isEmpty() ? null : plan.summary(), usage);
        GateSuite suite;
        try {
            suite = TaskGates.load(spec, gatesFile.apply(spec));
        } catch (GatesConfigException e) {
            // A bad gates file stops the task before any work: the reason names every line at fault.
            String reason = TaskGates.describe(e);
            trace.artifact("gates-error", "text/plain", reason.getBytes(StandardCharsets.UTF_8), null, reason);
            trace.decisions(TO_EXECUTE, List.of(GateResult.block(GATES_FILE, reason)));
            LOG.infof("planner: task %s PLAN ended: %s", handoff.task(), reason);
            return PhaseOutcome.failed(trace);
        }
        GateInput input = GateInput.at(Checkpoint.PLAN_EXECUTE, TaskGates.task(handoff.task(), spec, Phase.PLAN, Optional.empty()))
                .plan(new GateInput.Plan(plan.summary(), plan.estimatedCostUsd(), plan.paths()))
                .role("planner")
                .usage(new GateInput.Usage(spent, 0))
                .build();
        List<String> required = suite.requiredGates(Checkpoint.PLAN_EXECUTE);
        List<GateResult> results = TaskGates.results(suite.decide(input, List.of()));
        String note = items.size() > 1 || spent > 0 ? PlanItem.note(items.size() > 1 ? items : List.of(), spent) : null;
        PhaseOutcome outcome = GateStep.conclude(handoff, trace, TO_EXECUTE, results, required,
                new GateStep.Onward(Stage.EXECUTE, Topics.PHASE_EXECUTE, 1, note),
                () -> PhaseOutcome.failed(trace));
        LOG.infof("planner: task %s PLAN ended: %s", handoff.task(),
                outcome.isParked() ? "parked for an operator" : outcome.transition().label());
        return outcome;
    }

    /** The decision recorded when the task's gates file cannot be used. */
    public static final String GATES_FILE = "gates-file";

    /** A recorded plan's items ({@code engine.items} of a scripted task), so parallel execution can be replayed too. */
    static List<PlanItem> scriptedItems(TaskSpec spec) {
        if (spec.engine().settings() == null || !spec.engine().settings().path("items").isArray()) return List.of();
        return PlanItem.fromJson(spec.engine().settings().path("items"));
    }

    /** An empty directory for a CLI planner to run in: it plans from the task, not from a checkout. */
    private static Path scratch(String task) {
        try {
            return Files.createTempDirectory("r1-plan-" + task.replaceAll("[^A-Za-z0-9._-]", "_"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] planDocument(TaskSpec spec) {
        return planDocument(spec, spec.engine().plan(), List.of());
    }

    /** The plan artifact: the goal, the plan and (when there are several) its items, as canonical JSON. */
    static byte[] planDocument(TaskSpec spec, Plan plan, List<PlanItem> items) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("goal", spec.goal());
        ObjectNode p = doc.putObject("plan");
        p.put("summary", plan.summary());
        p.put("estimated_cost_usd", plan.estimatedCostUsd());
        plan.paths().forEach(p.putArray("paths")::add);
        if (!items.isEmpty()) {
            var arr = p.putArray("items");
            items.forEach(i -> arr.add(i.toJson()));
        }
        return Jcs.canonicalize(doc);
    }
}
