package dev.r1.gates.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1.gates.Diff;
import dev.r1.gates.GateInput;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables a policy rule sees. Every variable is always present (empty when the
 * checkpoint has nothing for it), so a rule never fails on a missing tool call or plan:
 * <pre>
 * transition  string  "PLAN->EXECUTE", "EXECUTE->VERIFY", "VERIFY->COMMIT", "COMMIT->DONE" or "tool"
 * task        map     id, goal, phase ("PLAN".."COMMIT"), scope (list), base_ref
 * tool        map     name, kind ("read", "write", "edit", "run", "other" or "" when no tool call),
 *                     args (map), path, command, content
 * diff        map     paths (list), added, removed, changed (ints),
 *                     files (list of {path, old_path, status, added, removed})
 * plan        map     summary, estimated_cost_usd (double, -1 when none), paths (list)
 * actor       map     role
 * usage       map     spent_usd (double), tool_calls (int)
 * </pre>
 */
public final class PolicyContext {
    public static final List<String> VARIABLES = List.of("transition", "task", "tool", "diff", "plan", "actor", "usage");

    private PolicyContext() {}

    public static Map<String, Object> of(GateInput in) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("transition", in.checkpoint().wire());

        Map<String, Object> task = new LinkedHashMap<>();
        task.put("id", in.task().id());
        task.put("goal", in.task().goal());
        task.put("phase", in.task().phase().name());
        task.put("scope", in.task().scope());
        task.put("base_ref", in.task().baseRef().orElse(""));
        vars.put("task", task);

        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("name", in.tool().map(GateInput.ToolCall::name).orElse(""));
        tool.put("kind", in.tool().map(GateInput.ToolCall::kind).orElse(""));
        tool.put("args", in.tool().map(t -> json(t.args())).orElse(Map.of()));
        tool.put("path", in.tool().flatMap(GateInput.ToolCall::path).orElse(""));
        tool.put("command", in.tool().map(GateInput.ToolCall::command).orElse(""));
        tool.put("content", in.tool().flatMap(GateInput.ToolCall::content).orElse(""));
        vars.put("tool", tool);

        Map<String, Object> diff = new LinkedHashMap<>();
        diff.put("paths", in.diff().paths());
        diff.put("added", (long) in.diff().added());
        diff.put("removed", (long) in.diff().removed());
        diff.put("changed", (long) in.diff().changed());
        List<Object> files = new ArrayList<>();
        for (Diff.FileChange f : in.diff().files()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path());
            m.put("old_path", f.oldPath());
            m.put("status", f.status().name().toLowerCase(java.util.Locale.ROOT));
            m.put("added", (long) f.added());
            m.put("removed", (long) f.removed());
            files.add(m);
        }
        diff.put("files", files);
        vars.put("diff", diff);

        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("summary", in.plan().map(GateInput.Plan::summary).orElse(""));
        plan.put("estimated_cost_usd", in.plan().map(GateInput.Plan::estimatedCostUsd).orElse(-1.0));
        plan.put("paths", in.plan().map(GateInput.Plan::paths).orElse(List.of()));
        vars.put("plan", plan);

        vars.put("actor", Map.of("role", in.role()));
        vars.put("usage", Map.of("spent_usd", in.usage().spentUsd(), "tool_calls", (long) in.usage().toolCalls()));
        return vars;
    }

    /** JSON as CEL values: objects → maps, arrays → lists, integers → int, other numbers → double. */
    static Object json(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return NullValue.NULL_VALUE;
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), json(e.getValue()));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(json(x)));
            return l;
        }
        if (n.isBoolean()) return n.booleanValue();
        if (n.isIntegralNumber() && n.canConvertToLong()) return n.longValue();
        if (n.isNumber()) return n.doubleValue();
        return n.asText();
    }
}
