package dev.r1.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.pipeline.Topics;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.PhaseOutcome;
import dev.r1.pipeline.flow.TaskClock;
import dev.r1.pipeline.flow.TaskTrace;
import dev.r1.pipeline.spec.TaskSpecs;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.graph.TaskGraph;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanPhaseTest {
    private static String spec(String cost, String paths) {
        return """
                id: t-plan
                repository: /srv/origin.git
                goal: Add a greeting
                test_command: "true"
                deterministic: true
                scope: ["src/**", "README.md"]
                budget: {max_cost_usd: 0.5}
                engine:
                  kind: scripted
                  plan: {summary: Write the greeting, estimated_cost_usd: %s, paths: %s}
                  attempts: [[{thought: hello}]]
                """.formatted(cost, paths);
    }

    private record Run(PhaseOutcome outcome, List<Event> recorded, ListSink sink) {}

    private static Run plan(String yaml) throws Exception {
        Handoff h = Handoff.start(TaskSpecs.parse(yaml.getBytes(StandardCharsets.UTF_8)), 0);
        ListSink sink = new ListSink();
        TaskTrace trace = new TaskTrace(h.task(), Phase.PLAN, TaskClock.resume(h, true), sink, h.cause());
        PhaseOutcome outcome = new PlanPhase().run(h, trace);
        return new Run(outcome, trace.recorded(), sink);
    }

    private static List<Payload.GateDecision> decisions(Run run) {
        return run.recorded().stream().map(Event::payload).filter(Payload.GateDecision.class::isInstance)
                .map(Payload.GateDecision.class::cast).toList();
    }

    @Test
    void anAffordablePlanInScopeGoesToExecute() throws Exception {
        Run run = plan(spec("0.1", "[src/a.txt, README.md]"));

        assertThat(run.recorded()).extracting(Event::type).containsExactly(EventType.PHASE_TRANSITION, EventType.ARTIFACT,
                EventType.GATE_DECISION, EventType.GATE_DECISION, EventType.PHASE_TRANSITION);
        assertThat(run.recorded().get(0).label()).isEqualTo("START->PLAN");
        assertThat(run.recorded().get(0).isRoot()).isTrue();
        Payload.Artifact plan = (Payload.Artifact) run.recorded().get(1).payload();
        assertThat(plan.mediaType()).isEqualTo("application/json");
        assertThat(new String(run.sink().blobs.get(plan.contentHash()), StandardCharsets.UTF_8)).isEqualTo(
                "{\"goal\":\"Add a greeting\",\"plan\":{\"estimated_cost_usd\":0.1,\"paths\":[\"src/a.txt\",\"README.md\"],"
                        + "\"summary\":\"Write the greeting\"}}");
        assertThat(decisions(run)).extracting(Payload.GateDecision::gate).containsExactlyInAnyOrder("budget", "scope-fit");
        assertThat(decisions(run)).allMatch(d -> d.verdict() == Verdict.ALLOW && d.transition().wire().equals("PLAN->EXECUTE"));

        Event t = run.outcome().transition();
        Payload.PhaseTransition pt = t.asTransition();
        assertThat(pt.from()).isEqualTo(Stage.PLAN);
        assertThat(pt.to()).isEqualTo(Stage.EXECUTE);
        assertThat(pt.requiredGates()).containsExactly("budget", "scope-fit");
        assertThat(run.outcome().nextTopic()).isEqualTo(Topics.PHASE_EXECUTE);
        Handoff next = run.outcome().next();
        assertThat(next.stage()).isEqualTo(Stage.EXECUTE);
        assertThat(next.cause()).isEqualTo(t.id());
        assertThat(next.attempt()).isEqualTo(1);
        assertThat(next.clockMillis()).isEqualTo(t.tMillis());
        // Everything but the transition is sent as recorded; the worker sends the transition.
        assertThat(run.sink().events).hasSize(run.recorded().size() - 1).doesNotContain(t);
    }

    @Test
    void aPlanOverBudgetFails() throws Exception {
        Run run = plan(spec("0.7", "[src/a.txt]"));

        Payload.GateDecision budget = decisions(run).stream().filter(d -> d.gate().equals("budget")).findFirst().orElseThrow();
        assertThat(budget.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(budget.reason()).contains("$0.70").contains("$0.50");
        assertThat(run.outcome().transition().label()).isEqualTo("PLAN->FAILED");
        assertThat(run.outcome().next()).isNull();
        // A task that fails in PLAN is a whole, sealable graph.
        TaskGraph.of(run.recorded()).validate();
    }

    @Test
    void aPlanOutsideScopeFailsNamingThePaths() throws Exception {
        Run run = plan(spec("0.1", "[src/a.txt, lib/b.txt, lib/c.txt, README.md]"));

        Payload.GateDecision scope = decisions(run).stream().filter(d -> d.gate().equals("scope-fit")).findFirst().orElseThrow();
        assertThat(scope.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(scope.reason()).contains("lib/b.txt").contains("lib/c.txt").doesNotContain("src/a.txt");
        Payload.GateDecision budget = decisions(run).stream().filter(d -> d.gate().equals("budget")).findFirst().orElseThrow();
        assertThat(budget.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(run.outcome().transition().label()).isEqualTo("PLAN->FAILED");
        TaskGraph.of(run.recorded()).validate();
    }

    @Test
    void aDeterministicPlanRecordsTheSameEventsTwice() throws Exception {
        List<String> first = plan(spec("0.1", "[src/a.txt]")).recorded().stream().map(Event::id).toList();
        List<String> second = plan(spec("0.1", "[src/a.txt]")).recorded().stream().map(Event::id).toList();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void aPlanLeavingTheRepositoryFails() throws Exception {
        Run run = plan(spec("0.1", "[src/a.txt, ../escape.txt]"));
        Payload.GateDecision scope = decisions(run).stream().filter(d -> d.gate().equals("scope-fit")).findFirst().orElseThrow();
        assertThat(scope.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(scope.reason()).contains("../escape.txt");
        assertThat(run.outcome().transition().label()).isEqualTo("PLAN->FAILED");
    }

    @Test
    void aPlanSlightlyOverBudgetParksForAnOperator() throws Exception {
        Run run = plan(spec("0.6", "[src/a.txt]"));
        Payload.GateDecision budget = decisions(run).stream().filter(d -> d.gate().equals("budget")).findFirst().orElseThrow();
        assertThat(budget.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(run.outcome().isParked()).isTrue();
        assertThat(run.outcome().transition()).isNull();
        dev.r1.pipeline.flow.Parked p = run.outcome().parked();
        assertThat(p.to()).isEqualTo(Stage.EXECUTE);
        assertThat(p.requiredGates()).containsExactly("budget", "scope-fit");
        assertThat(p.gates()).extracting(dev.r1.pipeline.flow.Parked.Escalation::gate).containsExactly("budget");

        // Approved: the transition carries the override naming the operator and the escalated decision, and the graph holds.
        List<Event> all = new java.util.ArrayList<>(run.recorded());
        TaskTrace resumed = dev.r1.pipeline.gating.GateStep.resumeTrace(p, new ListSink());
        PhaseOutcome approved = dev.r1.pipeline.gating.GateStep.decide(p, resumed, true, "alice", "the extra ten cents are fine");
        Payload.PhaseTransition pt = approved.transition().asTransition();
        assertThat(pt.to()).isEqualTo(Stage.EXECUTE);
        assertThat(pt.override().operator()).isEqualTo("alice");
        assertThat(pt.override().decisions()).containsExactlyElementsOf(p.escalated());
        assertThat(approved.next().cause()).isEqualTo(approved.transition().id());
        // Caused by the recorded decisions, after them on the task clock (the whole graph is checked end to end in the IT).
        assertThat(approved.transition().causedBy()).containsExactlyInAnyOrderElementsOf(p.frontier());
        assertThat(approved.transition().tMillis()).isGreaterThan(all.get(all.size() - 1).tMillis());

        // Rejected: FAILED.
        PhaseOutcome rejected = dev.r1.pipeline.gating.GateStep.decide(p, dev.r1.pipeline.gating.GateStep.resumeTrace(p, new ListSink()),
                false, "alice", "no");
        assertThat(rejected.transition().label()).isEqualTo("PLAN->FAILED");
    }

    @Test
    void aBadGatesFileFailsThePlanWithItsLine() throws Exception {
        Handoff h = Handoff.start(TaskSpecs.parse(spec("0.1", "[src/a.txt]").getBytes(StandardCharsets.UTF_8)), 0);
        TaskTrace trace = new TaskTrace(h.task(), Phase.PLAN, TaskClock.resume(h, true), new ListSink(), h.cause());
        String file = "version: 1\ngates:\n  budget:\n    escalate_margin: lots\ntransitions:\n  PLAN->EXECUTE: [budget]\n";
        PhaseOutcome outcome = new PlanPhase(dev.r1.engines.Engines.fromEnvironment(), s -> java.util.Optional.of(file)).run(h, trace);
        assertThat(outcome.transition().label()).isEqualTo("PLAN->FAILED");
        Payload.GateDecision d = trace.recorded().stream().map(Event::payload).filter(Payload.GateDecision.class::isInstance)
                .map(Payload.GateDecision.class::cast).findFirst().orElseThrow();
        assertThat(d.gate()).isEqualTo("gates-file");
        assertThat(d.reason()).contains(".r1/gates.yaml:4");
        TaskGraph.of(trace.recorded()).validate();
    }
}
