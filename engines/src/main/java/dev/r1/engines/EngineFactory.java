package dev.r1.engines;

/** Starts the implementer engine for a run: how the executor gets its engines (tests plug their own). */
@FunctionalInterface
public interface EngineFactory {
    /**
     * @throws UnsupportedEngineException when the task asks for an engine this executor cannot run
     * @throws EngineException when the engine's configuration is unusable (missing key, unknown provider)
     */
    Engine start(EngineRequest request);

    /**
     * Checks, before any work, that the task's engine can be started at all (a known kind, a
     * provider the config has); the default accepts everything.
     */
    default void check(dev.r1.pipeline.spec.TaskSpec spec) {}

    /** A task asked for an engine kind there is no driver for. */
    final class UnsupportedEngineException extends EngineException {
        public UnsupportedEngineException(String kind) {
            super("engine kind " + kind + " is not supported by this executor");
        }
    }
}
