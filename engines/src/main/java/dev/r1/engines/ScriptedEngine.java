package dev.r1.engines;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** Replays the steps recorded for one attempt, whatever the tools return: deterministic by construction. */
public final class ScriptedEngine implements Engine {
    private final Iterator<dev.r1.pipeline.spec.Step> steps;

    public ScriptedEngine(List<dev.r1.pipeline.spec.Step> steps) {
        this.steps = List.copyOf(steps).iterator();
    }

    @Override
    public Optional<Step> next(ToolOutput previous) {
        return steps.hasNext() ? Optional.of(toStep(steps.next())) : Optional.empty();
    }

    /** A recorded spec step as an engine step: thoughts as thoughts, the rest as the tool of the same name. */
    public static Step toStep(dev.r1.pipeline.spec.Step step) {
        ObjectNode in = JsonNodeFactory.instance.objectNode();
        if (step instanceof dev.r1.pipeline.spec.Step.Thought t) return new Step.Thought(t.text());
        if (step instanceof dev.r1.pipeline.spec.Step.Read r) {
            return new Step.ToolUse(Tools.READ, in.put("path", r.path()).put("offset", r.offset()).put("limit", r.limit()));
        }
        if (step instanceof dev.r1.pipeline.spec.Step.Write w) return new Step.ToolUse(Tools.WRITE, in.put("path", w.path()).put("content", w.content()));
        if (step instanceof dev.r1.pipeline.spec.Step.Edit e) {
            return new Step.ToolUse(Tools.EDIT, in.put("path", e.path()).put("old", e.oldText()).put("new", e.newText()));
        }
        if (step instanceof dev.r1.pipeline.spec.Step.Run r) {
            return new Step.ToolUse(Tools.RUN, in.put("command", r.command()).put("timeout_seconds", r.timeoutSeconds()));
        }
        throw new IllegalArgumentException("unknown step " + step);
    }
}
