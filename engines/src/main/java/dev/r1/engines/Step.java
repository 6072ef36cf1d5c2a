package dev.r1.engines;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/** One thing an engine does, as the executor records it. */
public sealed interface Step {
    /** Reasoning or an answer: a THOUGHT. {@code usage} is the model call that produced it, if any. */
    record Thought(String text, Usage usage) implements Step {
        public Thought {
            Objects.requireNonNull(text, "text");
        }

        public Thought(String text) {
            this(text, null);
        }
    }

    /**
     * A tool the executor is to run in the worktree ({@link Tools} names them), with the input
     * as the engine gave it; the executor records it canonically and answers with its output.
     */
    record ToolUse(String tool, ObjectNode input) implements Step {
        public ToolUse {
            Objects.requireNonNull(tool, "tool");
            Objects.requireNonNull(input, "input");
        }
    }

    /**
     * A tool call the engine ran itself (a CLI agent's own tools), recorded as it was reported:
     * {@code args} already canonical, {@code result} the bytes it returned.
     */
    record Observed(String tool, ObjectNode args, byte[] result, long exitCode, String detail) implements Step {
        public Observed {
            Objects.requireNonNull(tool, "tool");
            Objects.requireNonNull(args, "args");
            Objects.requireNonNull(result, "result");
        }
    }

    /** The engine gave up on one provider and goes on with the next: recorded, never silent. */
    record ProviderSwitch(String from, String to, String reason) implements Step {}
}
