package dev.r1.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.json.Jcs;
import dev.r1.stoke.receipt.Verification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TOOL_CALLs in one comparable form, both as a receipt holds them and as a recorded provider
 * exchange asks for them — the latter by the rules of docs/engines.md (labels, worktree-relative
 * paths, file contents by SHA-256 and size), not by the code that records them.
 */
final class ToolCalls {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CONTENTS = Set.of("content", "old", "new");

    private ToolCalls() {}

    /** One TOOL_CALL: its label, canonical args (JCS) and exit code. */
    record Call(String label, String args, long exit) {}

    /** EXECUTE's TOOL_CALLs, in the receipt's order. */
    static List<Call> executed(Verification v) {
        return v.receipt().events().stream().filter(e -> e.type() == EventType.TOOL_CALL && e.phase() == Phase.EXECUTE).map(e -> {
            Payload.ToolCall c = (Payload.ToolCall) e.payload();
            return new Call(e.label(), Jcs.canonicalString(c.args()), c.exitCode());
        }).toList();
    }

    /** The calls of R1's tools that OpenAI chat completions ask for. */
    static List<Call> fromOpenAi(String... responses) {
        List<Call> out = new ArrayList<>();
        for (String r : responses) {
            for (JsonNode c : tree(r).path("choices").path(0).path("message").path("tool_calls")) {
                out.add(tool(c.path("function").path("name").asText(), tree(c.path("function").path("arguments").asText())));
            }
        }
        return out;
    }

    /** The calls of R1's tools that Anthropic messages ask for. */
    static List<Call> fromAnthropic(String... responses) {
        List<Call> out = new ArrayList<>();
        for (String r : responses) {
            for (JsonNode b : tree(r).path("content")) {
                if (b.path("type").asText().equals("tool_use")) out.add(tool(b.path("name").asText(), b.path("input")));
            }
        }
        return out;
    }

    /** A call of one of R1's tools, by the name the model sees. */
    static Call tool(String name, JsonNode input) {
        String label = switch (name) {
            case "read_file" -> "read";
            case "write_file" -> "write";
            case "edit_file" -> "edit";
            default -> throw new IllegalArgumentException("not a tool of the recordings: " + name);
        };
        return new Call(label, Jcs.canonicalString(canonical(input)), 0);
    }

    /** Claude Code's own tools, reported in its stream-json as tool_use blocks. */
    static List<Call> fromClaudeStream(String stream) {
        Map<String, String> labels = Map.of("Read", "read", "Write", "write", "Bash", "run");
        List<Call> out = new ArrayList<>();
        for (String l : stream.lines().toList()) {
            JsonNode n = tree(l);
            if (!n.path("type").asText().equals("assistant")) continue;
            for (JsonNode b : n.path("message").path("content")) {
                if (b.path("type").asText().equals("tool_use")) {
                    out.add(new Call(labels.get(b.path("name").asText()), Jcs.canonicalString(canonical(b.path("input"))), 0));
                }
            }
        }
        return out;
    }

    /** Codex's commands, with their exit codes, and its file changes, from its exec --json stream. */
    static List<Call> fromCodexStream(String stream) {
        List<Call> out = new ArrayList<>();
        for (String l : stream.lines().toList()) {
            JsonNode n = tree(l);
            if (!n.path("type").asText().equals("item.completed")) continue;
            JsonNode item = n.path("item");
            switch (item.path("type").asText()) {
                case "command_execution" -> out.add(new Call("run",
                        Jcs.canonicalString(JsonNodeFactory.instance.objectNode().put("command", item.path("command").asText())),
                        item.path("exit_code").asLong()));
                case "file_change" -> {
                    ObjectNode args = JsonNodeFactory.instance.objectNode();
                    ArrayNode changes = args.putArray("changes");
                    for (JsonNode c : item.path("changes")) {
                        changes.addObject().put("path", relative(c.path("path").asText())).put("kind", c.path("kind").asText());
                    }
                    out.add(new Call("patch", Jcs.canonicalString(args), 0));
                }
                default -> { }
            }
        }
        return out;
    }

    /** One line of a stream-json recording, by its type. */
    static JsonNode line(String stream, String type) {
        return stream.lines().map(ToolCalls::tree).filter(n -> n.path("type").asText().equals(type)).findFirst().orElseThrow();
    }

    private static ObjectNode canonical(JsonNode input) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        input.fields().forEachRemaining(f -> {
            String k = f.getKey();
            if (k.equals("file_path")) {
                out.put("path", relative(f.getValue().asText()));
            } else if (CONTENTS.contains(k)) {
                byte[] b = f.getValue().asText().getBytes(StandardCharsets.UTF_8);
                out.put(k + "_sha256", Sha256.hex(b)).put(k + "_bytes", b.length);
            } else {
                out.set(k, f.getValue());
            }
        });
        return out;
    }

    /** The CLI recordings write the worktree's path as {@code %1$s}. */
    private static String relative(String path) {
        return path.startsWith("%1$s/") ? path.substring("%1$s/".length()) : path;
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
