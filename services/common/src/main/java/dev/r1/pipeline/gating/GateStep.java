package dev.r1.pipeline.gating;

import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.Parked;
import dev.r1.pipeline.flow.PhaseOutcome;
import dev.r1.pipeline.flow.TaskClock;
import dev.r1.pipeline.flow.TaskTrace;
import dev.r1.pipeline.flow.TaskTrace.GateResult;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.event.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The end of a gated phase, the same in every service: the decisions are recorded side by side;
 * all allow → the transition with the configured {@code required_gates}; any block → what the
 * phase does on a block (FAILED, or another attempt); else (an escalation) → the task parks.
 */
public final class GateStep {
    private GateStep() {}

    /** Where the transition goes when the gates let it: stage, and the next hand-off (none when terminal). */
    public record Onward(Stage to, String nextTopic, int nextAttempt, String nextNote) {
        public static Onward terminal(Stage to) {
            return new Onward(to, null, 0, null);
        }
    }

    public static Verdict overall(List<GateResult> results) {
        boolean escalate = false;
        for (GateResult r : results) {
            if (r.verdict() == Verdict.BLOCK) return Verdict.BLOCK;
            if (r.verdict() == Verdict.ESCALATE) escalate = true;
        }
        return escalate ? Verdict.ESCALATE : Verdict.ALLOW;
    }

    public static PhaseOutcome conclude(Handoff handoff, TaskTrace trace, Transition transition, List<GateResult> results,
            List<String> required, Onward onward, Supplier<PhaseOutcome> onBlock) {
        List<Event> decisions = trace.decisions(transition, results);
        Verdict v = overall(results);
        if (v == Verdict.BLOCK) return onBlock.get();
        if (v == Verdict.ALLOW) return onward(handoff, trace, required, onward, null);
        return parked(handoff, trace, results, decisions, required, onward);
    }

    /**
     * Records the decisions (none may block, some escalate) and parks the task: for a phase whose
     * own part of the transition (the committer's merge) runs only once an operator approves, so
     * {@code required} may name gates the results do not decide yet.
     */
    public static PhaseOutcome park(Handoff handoff, TaskTrace trace, Transition transition, List<GateResult> results,
            List<String> required, Onward onward) {
        if (overall(results) != Verdict.ESCALATE) throw new IllegalArgumentException("only escalated decisions park a task");
        return parked(handoff, trace, results, trace.decisions(transition, results), required, onward);
    }

    private static PhaseOutcome parked(Handoff handoff, TaskTrace trace, List<GateResult> results, List<Event> decisions,
            List<String> required, Onward onward) {
        List<String> ids = new ArrayList<>();
        List<Parked.Escalation> gates = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).verdict() != Verdict.ESCALATE) continue;
            ids.add(decisions.get(i).id());
            gates.add(new Parked.Escalation(results.get(i).gate(), decisions.get(i).id(), results.get(i).reason()));
        }
        Handoff next = onward.nextTopic() == null ? null
                : handoff.next(onward.to(), null, 0, onward.nextAttempt(), onward.nextNote());
        return PhaseOutcome.parked(new Parked(handoff, onward.to(), required, ids, gates, trace.frontier(), trace.clock(),
                onward.nextTopic(), next));
    }

    private static PhaseOutcome onward(Handoff handoff, TaskTrace trace, List<String> required, Onward onward, Payload.Override override) {
        Event t = trace.transition(onward.to(), required, override);
        if (onward.nextTopic() == null) return PhaseOutcome.terminal(t);
        return new PhaseOutcome(t, onward.nextTopic(), handoff.next(onward.to(), t.id(), trace.clock(), onward.nextAttempt(), onward.nextNote()));
    }

    /** The trace a parked phase resumes in: after its decisions, on the task's clock. */
    public static TaskTrace resumeTrace(Parked p, dev.r1.pipeline.flow.EventSink sink) {
        Handoff h = p.handoff();
        Handoff at = new Handoff(h.task(), h.spec(), h.stage(), h.cause(), p.clockMillis(), h.attempt(), h.startedAtMillis(), h.note());
        return TaskTrace.resumed(h.task(), dev.r1.stoke.event.Phase.valueOf(h.stage().name()),
                TaskClock.resume(at, h.taskSpec().deterministic()), sink, p.frontier());
    }

    /**
     * The operator's decision on a parked task: approve → the transition it would have made, with
     * an override naming the operator and the escalated decisions; reject → FAILED.
     */
    public static PhaseOutcome decide(Parked p, TaskTrace trace, boolean approve, String operator, String reason) {
        if (!approve) return PhaseOutcome.failed(trace);
        Payload.Override override = new Payload.Override(operator, reason, p.escalated());
        Event t = trace.transition(p.to(), p.requiredGates(), override);
        if (p.nextTopic() == null) return PhaseOutcome.terminal(t);
        Handoff n = p.next();
        return new PhaseOutcome(t, p.nextTopic(), n.next(n.stage(), t.id(), trace.clock(), n.attempt(), n.note()));
    }
}
