package dev.r1.pipeline.flow;

import dev.r1.stoke.event.Event;

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

    public static PhaseOutcome parked(Parked parked) {
        return new PhaseOutcome(null, null, null, parked);
    }

    public boolean isParked() {
        return parked != null;
    }
}
