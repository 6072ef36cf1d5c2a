package dev.r1.stoke.event;

import java.util.Optional;

/** Memory tiers: L-labels on the wire, storage names in code and databases. */
public enum Tier {
    WORKING("L0"),
    EPISODIC("L1"),
    SEMANTIC("L2"),
    PROCEDURAL("L3");

    private final String wire;

    Tier(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<Tier> fromWire(String label) {
        for (Tier t : values()) {
            if (t.wire.equals(label)) return Optional.of(t);
        }
        return Optional.empty();
    }
}
