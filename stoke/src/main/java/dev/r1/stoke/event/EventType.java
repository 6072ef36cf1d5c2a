package dev.r1.stoke.event;

import java.util.Optional;

/** The nine STOKE event types; the wire name is the constant's name. */
public enum EventType {
    THOUGHT,
    TOOL_CALL,
    MEMORY_READ,
    MEMORY_WRITE,
    PHASE_TRANSITION,
    GATE_DECISION,
    ARTIFACT,
    SKILL_AUTHORING_DECISION,
    BEACON_LEDGER_EVENT;

    public static Optional<EventType> fromWire(String name) {
        for (EventType t : values()) {
            if (t.name().equals(name)) return Optional.of(t);
        }
        return Optional.empty();
    }
}
