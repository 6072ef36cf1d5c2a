package dev.r1.stoke.event;

import java.util.Locale;
import java.util.Optional;

/** A gate's answer; lower case on the wire. */
public enum Verdict {
    ALLOW,
    BLOCK,
    ESCALATE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Verdict> fromWire(String s) {
        for (Verdict v : values()) {
            if (v.wire().equals(s)) return Optional.of(v);
        }
        return Optional.empty();
    }
}
