package dev.r1.gates;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A gates file that cannot be used, with every problem found: where it is (file and 1-based
 * line, 0 when the problem is not tied to a line) and what to change.
 */
public final class GatesConfigException extends Exception {
    private final List<Problem> problems;

    public record Problem(String source, int line, int column, String message) {
        @Override
        public String toString() {
            return line > 0 ? source + ":" + line + ": " + message : source + ": " + message;
        }
    }

    public GatesConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) throw new IllegalArgumentException("a configuration error has at least one problem");
        this.problems = List.copyOf(problems);
    }

    public GatesConfigException(String source, int line, String message) {
        this(List.of(new Problem(source, line, 0, message)));
    }

    public List<Problem> problems() {
        return problems;
    }

    /** The first problem's line, for callers that report one. */
    public int line() {
        return problems.get(0).line();
    }
}
