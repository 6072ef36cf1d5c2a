package dev.r1.pipeline.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.pipeline.spec.TaskSpec;
import dev.r1.pipeline.spec.TaskSpecs;
import dev.r1.stoke.event.Stage;
import java.util.Objects;

/**
 * What one phase hands the next: the task, the phase to run, the transition event that
 * caused it, the task's clock so far, the EXECUTE attempt number, when the task started
 * (wall clock, used only outside deterministic mode) and a note for the next phase (the
 * failing test output on a retry).
 */
public record Handoff(
        String task,
        ObjectNode spec,
        Stage stage,
        String cause,
        long clockMillis,
        int attempt,
        long startedAtMillis,
        String note) {

    public Handoff {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(stage, "stage");
    }

    /** The first hand-off of a task, to the planner. */
    public static Handoff start(TaskSpec spec, long startedAtMillis) {
        return new Handoff(spec.id(), spec.source(), Stage.PLAN, null, 0, 1, startedAtMillis, null);
    }

    /**
     * Reads a hand-off addressed to {@code expected}, refusing anything a phase could not
     * run: another phase's hand-off, one without its cause, a bad attempt number or spec.
     *
     * @throws IllegalArgumentException with the reason, which becomes the DLQ reason
     */
    public static Handoff decodeFor(Stage expected, byte[] value) {
        Handoff h = Json.read(value, Handoff.class);
        if (h.stage() != expected) throw new IllegalArgumentException("hand-off for " + h.stage() + ", not " + expected);
        if (h.cause() == null) throw new IllegalArgumentException("hand-off without the transition that caused it");
        if (h.attempt() < 1) throw new IllegalArgumentException("attempt must be at least 1, got " + h.attempt());
        h.taskSpec();
        return h;
    }

    public TaskSpec taskSpec() {
        return TaskSpecs.fromTree(spec);
    }

    public Handoff next(Stage nextStage, String transitionId, long clock, int nextAttempt, String nextNote) {
        return new Handoff(task, spec, nextStage, transitionId, clock, nextAttempt, startedAtMillis, nextNote);
    }
}
