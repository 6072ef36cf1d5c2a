package dev.r1.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.engines.Tools;
import dev.r1.gates.Checkpoint;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateSuite;
import dev.r1.gates.GateVerdict;
import dev.r1.pipeline.flow.TaskTrace.GateResult;
import dev.r1.stoke.event.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The per-tool-call gates (the gates file's {@code tool} checkpoint, e.g. secrets and policy):
 * run before every write, edit and shell command an engine asks for. Anything but ALLOW refuses
 * the call; the refusing decisions are recorded (gate {@code tool:<id>}) and the engine is told
 * why, so it can do something else. Reads, listings and searches are not gated.
 */
final class ToolGuard {
    /** Prefix of the gate id of a tool-call decision, so it is never taken for a transition's own gate. */
    static final String PREFIX = "tool:";

    private final GateSuite suite;
    private final GateInput.Task task;

    ToolGuard(GateSuite suite, GateInput.Task task) {
        this.suite = suite;
        this.task = task;
    }

    /** The non-ALLOW decisions on a call (empty: go ahead). */
    List<GateResult> check(String tool, ObjectNode input, double spentUsd, int calls) {
        if (suite.requiredGates(Checkpoint.TOOL).isEmpty()) return List.of();
        Optional<GateInput.ToolCall> call = toolCall(tool, input);
        if (call.isEmpty()) return List.of();
        GateInput in = GateInput.at(Checkpoint.TOOL, task).tool(call.get()).role("agent")
                .usage(new GateInput.Usage(spentUsd, calls)).build();
        List<GateResult> out = new ArrayList<>();
        for (GateVerdict v : suite.evaluate(in)) {
            if (v.verdict() != Verdict.ALLOW) out.add(new GateResult(PREFIX + v.gate(), v.verdict(), v.reason()));
        }
        return out;
    }

    static Optional<GateInput.ToolCall> toolCall(String tool, ObjectNode input) {
        String id = Tools.idOf(tool).orElse(tool);
        String path = text(input, "path");
        return switch (id) {
            case Tools.WRITE -> Optional.of(new GateInput.ToolCall("write", input, Optional.ofNullable(path),
                    Optional.of(textOr(input, "content"))));
            case Tools.EDIT -> Optional.of(new GateInput.ToolCall("edit", input, Optional.ofNullable(path),
                    Optional.of(textOr(input, "new"))));
            case Tools.RUN -> Optional.of(new GateInput.ToolCall("run", input, Optional.empty(), Optional.empty()));
            default -> Optional.empty();
        };
    }

    private static String text(ObjectNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String textOr(ObjectNode n, String field) {
        String t = text(n, field);
        return t == null ? "" : t;
    }

    /** What the engine is told about a refused call. */
    static String refusal(List<GateResult> results) {
        StringBuilder b = new StringBuilder("the call was refused by the task's gates:");
        for (GateResult r : results) b.append("\n- ").append(r.gate()).append(" (").append(r.verdict().wire()).append("): ").append(r.reason());
        return b.toString();
    }
}
