package dev.r1.pipeline.flow;

import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Stage;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How a phase ended: its transition event and, unless the transition is terminal, the
 * hand-off for the next phase and the topic it goes to. A phase whose gates escalated ends
 * {@link #parked}: no transition yet, only what is needed to make it once an operator decides.
 */
public record PhaseOutcome(Event transition, String nextTopic, Handoff next, Parked parked) {
    public PhaseOutcome(Event transition, String nextTopic, Handoff next) {
        this(transition, nextTopic, next, null);
    }

    public static PhaseOutcome terminal(Event transition) {
        return new PhaseOutcome(transition, null, null, null);
    }

    /** The task fails here: the FAILED transition, caused by what the phase recorded last. */
    public static PhaseOutcome failed(TaskTrace trace) {
        return terminal(trace.transition(Stage.FAILED, List.of(), null));
    }

    /** The task fails here for {@code reason}, recorded first as a text artifact labelled {@code label}. */
    public static PhaseOutcome failed(TaskTrace trace, String label, String reason) {
        trace.artifact(label, "text/plain", reason.getBytes(StandardCharsets.UTF_8), null, reason);
        return failed(trace);
    }

    public static PhaseOutcome parked(Parked parked) {
        return new PhaseOutcome(null, null, null, parked);
    }

    public boolean isParked() {
        return parked != null;
    }
}
