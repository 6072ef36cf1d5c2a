package dev.r1.stoke.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * One STOKE event. {@code tMillis} is the wire member {@code t} in milliseconds, which is
 * what "at most 3 decimals" means; {@code detail}, {@code tier} and {@code x} are null when
 * absent. Build new events with {@link EventCodec#create}, which derives the id.
 */
public record Event(
        String id,
        String task,
        Phase phase,
        long tMillis,
        String label,
        String detail,
        Tier tier,
        List<String> causedBy,
        ObjectNode x,
        Payload payload) {

    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(payload, "payload");
        causedBy = List.copyOf(causedBy);
    }

    public EventType type() {
        return payload.type();
    }

    public boolean isRoot() {
        return causedBy.isEmpty();
    }

    /** The transition this event records, if it is a PHASE_TRANSITION. */
    public Payload.PhaseTransition asTransition() {
        return payload instanceof Payload.PhaseTransition pt ? pt : null;
    }

    public boolean isTerminal() {
        Payload.PhaseTransition pt = asTransition();
        return pt != null && pt.to().terminal();
    }
}
