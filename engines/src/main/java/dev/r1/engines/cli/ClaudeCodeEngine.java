package dev.r1.engines.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.engines.CostMeter;
import dev.r1.engines.Step;
import dev.r1.engines.Tools;
import dev.r1.engines.Usage;
import dev.r1.engines.config.Provider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code claude} CLI (Claude Code) in headless mode:
 * {@code claude -p PROMPT --output-format stream-json --verbose --permission-mode acceptEdits --allowedTools ...}.
 * Its stream-json lines map to steps: assistant {@code text} blocks to THOUGHTs, each
 * {@code tool_use} with its {@code tool_result} to one TOOL_CALL (Read→read, Write→write,
 * Edit/MultiEdit→edit, Bash→run, Glob→glob, Grep→grep, LS→list; others by their own name),
 * the final {@code result} (its {@code total_cost_usd} and token usage) to a THOUGHT with usage.
 */
public final class ClaudeCodeEngine extends CliEngine {
    static final Map<String, String> TOOLS = Map.of("Read", Tools.READ, "Write", Tools.WRITE, "Edit", Tools.EDIT, "MultiEdit", Tools.EDIT,
            "Bash", Tools.RUN, "Glob", Tools.GLOB, "Grep", Tools.GREP, "LS", Tools.LIST);

    private final CostMeter meter;
    private final Map<String, JsonNode> toolUses = new LinkedHashMap<>();
    private boolean result;

    public ClaudeCodeEngine(Provider provider, String model, Path worktree, String prompt, CostMeter meter, Map<String, String> serviceEnv,
            Map<String, String> keyEnv) {
        super(provider, model, worktree, args(model, prompt), serviceEnv, keyEnv);
        this.meter = meter;
    }

    static List<String> args(String model, String prompt) {
        List<String> a = new ArrayList<>(List.of("-p", prompt, "--output-format", "stream-json", "--verbose",
                "--permission-mode", "acceptEdits", "--allowedTools", "Read,Write,Edit,MultiEdit,Bash,Glob,Grep,LS"));
        if (model != null) a.addAll(List.of("--model", model));
        return a;
    }

    @Override
    protected void line(JsonNode n, Deque<Step> out) {
        switch (n.path("type").asText()) {
            case "assistant" -> {
                for (JsonNode block : n.path("message").path("content")) {
                    switch (block.path("type").asText()) {
                        case "text" -> {
                            if (!block.path("text").asText().isBlank()) out.add(new Step.Thought(block.path("text").asText()));
                        }
                        case "tool_use" -> toolUses.put(block.path("id").asText(), block);
                        default -> { }
                    }
                }
            }
            case "user" -> {
                for (JsonNode block : n.path("message").path("content")) {
                    if (!block.path("type").asText().equals("tool_result")) continue;
                    JsonNode use = toolUses.remove(block.path("tool_use_id").asText());
                    if (use == null) continue;
                    byte[] result = resultText(block.path("content")).getBytes(StandardCharsets.UTF_8);
                    boolean error = block.path("is_error").asBoolean(false);
                    out.add(observed(use, result, error ? 1 : 0, error ? "reported an error" : null));
                }
            }
            case "result" -> {
                result = true;
                String sub = n.path("subtype").asText("");
                JsonNode u = n.path("usage");
                long in = u.path("input_tokens").asLong(0) + u.path("cache_creation_input_tokens").asLong(0) + u.path("cache_read_input_tokens").asLong(0);
                long outTokens = u.path("output_tokens").asLong(0);
                double cost = n.has("total_cost_usd") ? n.path("total_cost_usd").asDouble(0)
                        : provider.cost(model, in, outTokens);
                Usage usage = new Usage(provider.name(), model == null ? "default" : model, in, outTokens, cost);
                if (n.path("is_error").asBoolean(false) || !sub.equals("success")) {
                    meter.charge(usage);
                    throw failure(name() + " ended with " + (sub.isEmpty() ? "an error" : sub) + ": " + clip(n.path("result").asText(""), 300));
                }
                String text = n.path("result").asText("");
                out.add(new Step.Thought(text.isBlank() ? name() + " finished" : text, usage));
            }
            default -> { }
        }
    }

    @Override
    protected void finish(Deque<Step> out) {
        for (JsonNode use : toolUses.values()) {
            byte[] msg = "no result was reported for this tool call".getBytes(StandardCharsets.UTF_8);
            out.add(observed(use, msg, 1, "no result reported"));
        }
        toolUses.clear();
        if (!result) throw failure(name() + "'s output ended without a result message (cut short?)");
    }

    private Step observed(JsonNode use, byte[] result, long exit, String detail) {
        String name = use.path("name").asText();
        String label = TOOLS.getOrDefault(name, name.toLowerCase(Locale.ROOT));
        ObjectNode input = use.path("input").isObject() ? ((ObjectNode) use.path("input")).deepCopy() : new ObjectMapperHolder().empty();
        if (input.has("file_path")) {
            ObjectNode renamed = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            renamed.set("path", input.get("file_path"));
            input.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("file_path")) renamed.set(f.getKey(), f.getValue());
            });
            input = renamed;
        }
        ObjectNode args = Tools.canonicalArgs(input);
        relativize(args, "path", "notebook_path");
        return new Step.Observed(label, args, result, exit, detail == null ? name + " via " + name() : name + " " + detail);
    }

    private static String resultText(JsonNode content) {
        if (content.isTextual()) return content.textValue();
        StringBuilder sb = new StringBuilder();
        for (JsonNode b : content) if (b.has("text")) sb.append(b.path("text").asText());
        return sb.toString();
    }

    private static final class ObjectMapperHolder {
        ObjectNode empty() {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
    }
}
