package dev.r1.gates.wasm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.gates.Diff;
import dev.r1.gates.GateInput;
import java.nio.charset.StandardCharsets;

/**
 * The JSON document a custom gate receives (UTF-8):
 * <pre>
 * {"gate": "id", "transition": "EXECUTE->VERIFY" | "tool",
 *  "task": {"id", "goal", "phase", "scope": [..], "base_ref", "budget": {"max_cost_usd", "max_tool_calls"}},
 *  "plan": {"summary", "estimated_cost_usd", "paths": [..]} | null,
 *  "tool": {"name", "kind", "args": {..}, "path", "content"} | null,
 *  "diff": {"paths": [..], "added", "removed", "changed",
 *           "files": [{"path", "old_path", "status", "added", "removed"}], "text", "text_truncated"},
 *  "actor": {"role"}, "usage": {"spent_usd", "tool_calls"},
 *  "settings": {..the gate's settings from the gates file..}}
 * </pre>
 */
public final class WasmInput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WasmInput() {}

    public static byte[] bytes(GateInput in, String gate, JsonNode settings, int maxBytes) {
        ObjectNode doc = document(in, gate, settings, in.diff().text());
        byte[] out = write(doc);
        if (out.length <= maxBytes) return out;
        // Too big: cut the diff text (the structured fields stay whole), then the written content.
        int over = out.length - maxBytes;
        String text = in.diff().text();
        String cut = text.length() > over + 64 ? text.substring(0, Math.max(0, text.length() - over - 64)) : "";
        doc = document(in, gate, settings, cut);
        ((ObjectNode) doc.get("diff")).put("text_truncated", true);
        out = write(doc);
        if (out.length > maxBytes && doc.get("tool").isObject()) {
            ((ObjectNode) doc.get("tool")).put("content", "");
            ((ObjectNode) doc.get("tool")).put("content_truncated", true);
            out = write(doc);
        }
        return out;
    }

    static ObjectNode document(GateInput in, String gate, JsonNode settings, String diffText) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode doc = f.objectNode();
        doc.put("gate", gate);
        doc.put("transition", in.checkpoint().wire());
        ObjectNode task = doc.putObject("task");
        task.put("id", in.task().id());
        task.put("goal", in.task().goal());
        task.put("phase", in.task().phase().name());
        ArrayNode scope = task.putArray("scope");
        in.task().scope().forEach(scope::add);
        task.put("base_ref", in.task().baseRef().orElse(""));
        ObjectNode budget = task.putObject("budget");
        budget.put("max_cost_usd", in.task().maxCostUsd());
        budget.put("max_tool_calls", in.task().maxToolCalls());
        if (in.plan().isPresent()) {
            ObjectNode plan = doc.putObject("plan");
            plan.put("summary", in.plan().get().summary());
            plan.put("estimated_cost_usd", in.plan().get().estimatedCostUsd());
            ArrayNode paths = plan.putArray("paths");
            in.plan().get().paths().forEach(paths::add);
        } else {
            doc.putNull("plan");
        }
        if (in.tool().isPresent()) {
            GateInput.ToolCall t = in.tool().get();
            ObjectNode tool = doc.putObject("tool");
            tool.put("name", t.name());
            tool.put("kind", t.kind());
            tool.set("args", t.args());
            tool.put("path", t.path().orElse(""));
            tool.put("content", t.content().orElse(""));
        } else {
            doc.putNull("tool");
        }
        ObjectNode diff = doc.putObject("diff");
        ArrayNode paths = diff.putArray("paths");
        in.diff().paths().forEach(paths::add);
        diff.put("added", in.diff().added());
        diff.put("removed", in.diff().removed());
        diff.put("changed", in.diff().changed());
        ArrayNode files = diff.putArray("files");
        for (Diff.FileChange fc : in.diff().files()) {
            files.addObject().put("path", fc.path()).put("old_path", fc.oldPath())
                    .put("status", fc.status().name().toLowerCase(java.util.Locale.ROOT))
                    .put("added", fc.added()).put("removed", fc.removed());
        }
        diff.put("text", diffText);
        diff.put("text_truncated", false);
        doc.putObject("actor").put("role", in.role());
        doc.putObject("usage").put("spent_usd", in.usage().spentUsd()).put("tool_calls", in.usage().toolCalls());
        doc.set("settings", settings == null ? f.objectNode() : settings);
        return doc;
    }

    private static byte[] write(JsonNode doc) {
        try {
            return JSON.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
