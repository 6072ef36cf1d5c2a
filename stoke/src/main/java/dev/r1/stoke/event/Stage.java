package dev.r1.stoke.event;

import java.util.Optional;

/** The ends of a phase transition: the four phases plus where a task starts and stops. */
public enum Stage {
    START,
    PLAN,
    EXECUTE,
    VERIFY,
    COMMIT,
    DONE,
    FAILED;

    public boolean terminal() {
        return this == DONE || this == FAILED;
    }

    /** START→PLAN, PLAN→EXECUTE, EXECUTE→VERIFY, VERIFY→COMMIT, VERIFY→EXECUTE, COMMIT→DONE, any phase→FAILED. */
    public boolean canMoveTo(Stage to) {
        if (to == FAILED) return this != START && !terminal();
        return switch (this) {
            case START -> to == PLAN;
            case PLAN -> to == EXECUTE;
            case EXECUTE -> to == VERIFY;
            case VERIFY -> to == COMMIT || to == EXECUTE;
            case COMMIT -> to == DONE;
            case DONE, FAILED -> false;
        };
    }

    public static Optional<Stage> fromWire(String name) {
        for (Stage s : values()) {
            if (s.name().equals(name)) return Optional.of(s);
        }
        return Optional.empty();
    }
}
