package dev.r1.pipeline.spec;

/** One thing wrong with a task spec: the field, as a dotted path, and what is wrong with it. */
public record Problem(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
