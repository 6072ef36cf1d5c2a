package dev.r1.pipeline.flow;

import dev.r1.pipeline.gating.GateStep;

/**
 * The work of one phase for one task: record what happens on the trace and end it with a
 * transition. Must be safe to run again from the same hand-off after a crash; in
 * deterministic mode it must record the same events again.
 */
@FunctionalInterface
public interface PhaseLogic {
    PhaseOutcome run(Handoff handoff, TaskTrace trace) throws Exception;

    /**
     * An operator decided on a task this phase parked; {@code trace} goes on after the decisions
     * recorded before parking. By default an approval records the transition the phase would have
     * made and a reject FAILED; a phase whose work is still to be done after the gates (the
     * committer's merge) does it here. Must be safe to run again after a crash, like {@link #run}.
     */
    default PhaseOutcome resume(Parked parked, TaskTrace trace, boolean approve, String operator, String reason) throws Exception {
        return GateStep.decide(parked, trace, approve, operator, reason);
    }
}
