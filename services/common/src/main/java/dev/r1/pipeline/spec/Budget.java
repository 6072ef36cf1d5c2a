package dev.r1.pipeline.spec;

/** Limits on a task: money, EXECUTE attempts (the first try plus retries) and tool calls per attempt. */
public record Budget(double maxCostUsd, int maxAttempts, int maxToolCalls) {
    public static final Budget DEFAULT = new Budget(1.0, 3, 200);
}
