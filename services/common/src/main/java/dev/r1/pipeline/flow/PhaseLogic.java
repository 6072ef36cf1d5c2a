package dev.r1.pipeline.flow;

/**
 * The work of one phase for one task: record what happens on the trace and end it with a
 * transition. Must be safe to run again from the same hand-off after a crash; in
 * deterministic mode it must record the same events again.
 */
@FunctionalInterface
public interface PhaseLogic {
    PhaseOutcome run(Handoff handoff, TaskTrace trace) throws Exception;
}
