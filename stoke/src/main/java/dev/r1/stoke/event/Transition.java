package dev.r1.stoke.event;

import java.util.Optional;

/** A move between stages, written {@code FROM->TO} in gate decisions. */
public record Transition(Stage from, Stage to) {
    public static Transition of(Stage from, Stage to) {
        return new Transition(from, to);
    }

    public boolean legal() {
        return from.canMoveTo(to);
    }

    public String wire() {
        return from.name() + "->" + to.name();
    }

    public static Optional<Transition> fromWire(String s) {
        int arrow = s.indexOf("->");
        if (arrow < 0) return Optional.empty();
        Optional<Stage> from = Stage.fromWire(s.substring(0, arrow));
        Optional<Stage> to = Stage.fromWire(s.substring(arrow + 2));
        return from.isPresent() && to.isPresent() ? Optional.of(new Transition(from.get(), to.get())) : Optional.empty();
    }

    @Override
    public String toString() {
        return wire();
    }
}
