package dev.r1.gates;

import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import java.util.Optional;

/** Where gates run: the four gated phase transitions, and every tool call an engine makes. */
public enum Checkpoint {
    PLAN_EXECUTE("PLAN->EXECUTE", Stage.PLAN, Stage.EXECUTE),
    EXECUTE_VERIFY("EXECUTE->VERIFY", Stage.EXECUTE, Stage.VERIFY),
    VERIFY_COMMIT("VERIFY->COMMIT", Stage.VERIFY, Stage.COMMIT),
    COMMIT_DONE("COMMIT->DONE", Stage.COMMIT, Stage.DONE),
    TOOL("tool", null, null);

    private final String wire;
    private final Stage from;
    private final Stage to;

    Checkpoint(String wire, Stage from, Stage to) {
        this.wire = wire;
        this.from = from;
        this.to = to;
    }

    /** How the gates file and the CEL variable {@code transition} spell it. */
    public String wire() {
        return wire;
    }

    /** The phase transition this checkpoint guards; empty for {@link #TOOL}. */
    public Optional<Transition> transition() {
        return from == null ? Optional.empty() : Optional.of(Transition.of(from, to));
    }

    public static Optional<Checkpoint> fromWire(String s) {
        for (Checkpoint c : values()) {
            if (c.wire.equals(s)) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** The checkpoint that guards a transition; empty for ungated ones (START->PLAN, VERIFY->EXECUTE, any ->FAILED). */
    public static Optional<Checkpoint> of(Transition t) {
        for (Checkpoint c : values()) {
            if (c.from == t.from() && c.to == t.to()) return Optional.of(c);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wire;
    }
}
