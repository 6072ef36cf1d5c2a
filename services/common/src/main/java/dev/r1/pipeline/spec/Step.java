package dev.r1.pipeline.spec;

/** One recorded step a scripted engine replays. */
public sealed interface Step {
    record Thought(String text) implements Step {}

    record Read(String path, int offset, int limit) implements Step {}

    record Write(String path, String content) implements Step {}

    record Edit(String path, String oldText, String newText) implements Step {}

    record Run(String command, int timeoutSeconds) implements Step {}
}
