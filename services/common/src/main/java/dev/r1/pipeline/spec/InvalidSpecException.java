package dev.r1.pipeline.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A task spec refused at intake, with every problem found, not just the first. */
public final class InvalidSpecException extends RuntimeException {
    private final List<Problem> problems;

    public InvalidSpecException(List<Problem> problems) {
        super("invalid task spec: " + problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
