package dev.r1.engines.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import java.util.List;
import java.util.Map;

/**
 * The {@code codex} CLI: {@code codex exec --json --sandbox workspace-write --skip-git-repo-check [-m MODEL] PROMPT}.
 * Its JSON lines map to steps: {@code reasoning} and {@code agent_message} items to THOUGHTs,
 * a completed {@code command_execution} to a {@code run} TOOL_CALL (its output and exit code),
 * a {@code file_change} to a {@code patch} TOOL_CALL (the paths and kinds), an {@code mcp_tool_call}
 * to {@code mcp:<server>/<tool>}, {@code turn.completed} (token usage, priced from the config)
 * to a THOUGHT with usage; {@code turn.failed} and {@code error} are provider failures.
 */
public final class CodexEngine extends CliEngine {
    private final CostMeter meter;
    private boolean completed;

    public CodexEngine(Provider provider, String model, Path worktree, String prompt, CostMeter meter, Map<String, String> serviceEnv,
            Map<String, String> keyEnv) {
        super(provider, model, worktree, args(model, prompt), serviceEnv, keyEnv);
        this.meter = meter;
    }

    static List<String> args(String model, String prompt) {
        List<String> a = new ArrayList<>(List.of("exec", "--json", "--sandbox", "workspace-write", "--skip-git-repo-check"));
        if (model != null) a.addAll(List.of("-m", model));
        a.add(prompt);
        return a;
    }

    @Override
    protected void line(JsonNode n, Deque<Step> out) {
        switch (n.path("type").asText()) {
            case "item.completed" -> item(n.path("item"), out);
            case "turn.completed" -> {
                completed = true;
                JsonNode u = n.path("usage");
                long in = u.path("input_tokens").asLong(0);
                long o = u.path("output_tokens").asLong(0);
                String m = model == null ? "default" : model;
                Usage usage = new Usage(provider.name(), m, in, o, provider.cost(model, in, o));
                out.add(new Step.Thought(name() + " turn completed: " + in + " input tokens (" + u.path("cached_input_tokens").asLong(0)
                        + " cached), " + o + " output tokens", usage));
            }
            case "turn.failed" -> throw failure(name() + " turn failed: " + clip(n.path("error").path("message").asText(""), 300));
            case "error" -> throw failure(name() + " reported an error: " + clip(n.path("message").asText(""), 300));
            default -> { }
        }
    }

    private void item(JsonNode item, Deque<Step> out) {
        switch (item.path("type").asText()) {
            case "reasoning", "agent_message" -> {
                String text = item.path("text").asText("");
                if (!text.isBlank()) out.add(new Step.Thought(text));
            }
            case "command_execution" -> {
                ObjectNode args = JsonNodeFactory.instance.objectNode().put("command", item.path("command").asText());
                byte[] result = item.path("aggregated_output").asText("").getBytes(StandardCharsets.UTF_8);
                long exit = item.path("exit_code").isIntegralNumber() ? item.path("exit_code").asLong() : 1;
                out.add(new Step.Observed(Tools.RUN, args, result, exit, "command via " + name() + ": " + item.path("status").asText("")));
            }
            case "file_change" -> {
                ObjectNode args = JsonNodeFactory.instance.objectNode();
                ArrayNode changes = args.putArray("changes");
                for (JsonNode c : item.path("changes")) {
                    changes.addObject().put("path", relative(c.path("path").asText())).put("kind", c.path("kind").asText());
                }
                boolean ok = !item.path("status").asText("completed").equals("failed");
                byte[] result = changes.toString().getBytes(StandardCharsets.UTF_8);
                out.add(new Step.Observed("patch", args, result, ok ? 0 : 1, "file change via " + name() + ": " + item.path("status").asText("")));
            }
            case "mcp_tool_call" -> {
                ObjectNode args = Tools.canonicalArgs(item.path("arguments"));
                String label = "mcp:" + item.path("server").asText() + "/" + item.path("tool").asText();
                boolean ok = !item.path("status").asText("completed").equals("failed");
                out.add(new Step.Observed(label, args, item.path("result").toString().getBytes(StandardCharsets.UTF_8), ok ? 0 : 1, null));
            }
            case "web_search" -> out.add(new Step.Observed("web_search",
                    JsonNodeFactory.instance.objectNode().put("query", item.path("query").asText()), new byte[0], 0, null));
            case "error" -> out.add(new Step.Thought(name() + " reported: " + item.path("message").asText("")));
            default -> { }
        }
    }

    @Override
    protected void finish(Deque<Step> out) {
        if (!completed) throw failure(name() + "'s output ended without turn.completed (cut short?)");
    }

    CostMeter meter() {
        return meter;
    }
}
