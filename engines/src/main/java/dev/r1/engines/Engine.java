package dev.r1.engines;

import java.util.Optional;

/**
 * What drives one agent run (an EXECUTE attempt, a plan item, a repair): asked for one step at
 * a time and told what each tool call returned. The scripted engine replays a recording; the
 * model engines ask a model API; the CLI engines read what the {@code claude} or {@code codex}
 * command line reports.
 */
public interface Engine extends AutoCloseable {
    /**
     * The next step, or empty when the engine is done.
     *
     * @param previous what the previous {@link Step.ToolUse} returned; null before the first step
     *                 and after any other kind of step
     * @throws EngineException when the engine cannot go on (its provider failed, its budget ran out)
     */
    Optional<Step> next(ToolOutput previous);

    /** The provider and model doing the work now (after any fallback); empty for scripted replay. */
    default Optional<Identity> identity() {
        return Optional.empty();
    }

    /** Stops whatever the engine still runs (a CLI process); safe to call twice. */
    @Override
    default void close() {}

    /** A tool call's result as the engine sees it. */
    record ToolOutput(long exitCode, byte[] result) {}
}
