package dev.r1.gates;

import dev.r1.stoke.event.Verdict;
import java.util.Objects;

/**
 * What one gate decided and why. The reason is written for the person who has to act on it:
 * it says what is wrong and what to change, and never repeats a secret it found.
 */
public record GateVerdict(String gate, Verdict verdict, String reason) {
    /** Reasons longer than this are cut, so a verdict always fits in a GATE_DECISION event. */
    public static final int MAX_REASON_CHARS = 2000;

    public GateVerdict {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
        if (gate.isBlank()) throw new IllegalArgumentException("a verdict names its gate");
        reason = reason.strip();
        if (reason.isEmpty()) throw new IllegalArgumentException("gate " + gate + " gave no reason");
        if (reason.length() > MAX_REASON_CHARS) reason = reason.substring(0, MAX_REASON_CHARS - 1) + "…";
    }

    public static GateVerdict allow(String gate, String reason) {
        return new GateVerdict(gate, Verdict.ALLOW, reason);
    }

    public static GateVerdict block(String gate, String reason) {
        return new GateVerdict(gate, Verdict.BLOCK, reason);
    }

    public static GateVerdict escalate(String gate, String reason) {
        return new GateVerdict(gate, Verdict.ESCALATE, reason);
    }

    public boolean allowed() {
        return verdict == Verdict.ALLOW;
    }

    /** BLOCK outranks ESCALATE outranks ALLOW. */
    public static int severity(Verdict v) {
        return switch (v) {
            case ALLOW -> 0;
            case ESCALATE -> 1;
            case BLOCK -> 2;
        };
    }

    public static Verdict worst(Verdict a, Verdict b) {
        return severity(a) >= severity(b) ? a : b;
    }
}
