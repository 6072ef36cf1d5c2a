package dev.r1.standalone;

import static dev.r1.engines.standins.ProviderServer.json;
import static dev.r1.engines.standins.ProviderServer.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.r1.engines.Prompts;
import dev.r1.engines.standins.ProviderServer;
import dev.r1.engines.standins.Recorded;
import dev.r1.engines.standins.StandIns;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The model providers the all-in-one app talks to in {@link EnginesPipelineTest}, all on this
 * machine: one OpenAI-compatible and one Anthropic stand-in server (WireMock replaying recorded
 * exchanges) and stand-in {@code claude} / {@code codex} executables, plus the engines config
 * naming them, written before the app boots and handed to it as {@code r1.config}.
 *
 * <p>Many tasks call the same server at once, so each conversation is told apart by what its
 * prompt carries: the role's system prompt, the task's {@link Case#marker() marker} (in its goal)
 * and, for plan items, the item's id. Init arg {@value #OVERRIDE}: {@code operator: reason} of a
 * {@code review.same_family_override}.
 */
public class StandInProviders implements QuarkusTestResourceLifecycleManager {
    public static final String OVERRIDE = "same_family_override";
    /** The only key any provider has; it must never be recorded. */
    static final String KEY = "sk-standin-4f3e2d1c0b9a8776";
    static final String README = "# Demo\n\nHello from main.\n";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every task the stand-ins know how to answer. */
    enum Case {
        OPENAI, ANTHROPIC, CLAUDE_CODE, CODEX,
        MALFORMED, TRUNCATED, RATE_LIMITED, SERVER_ERROR, CLI_EXIT,
        PARALLEL, CONFLICT,
        SAME_FAMILY;

        String task() {
            return "e2e-" + name().toLowerCase().replace('_', '-');
        }

        /** Carried by the task's goal, so the stand-ins know whose conversation a call belongs to. */
        String marker() {
            return "(task " + task() + ")";
        }
    }

    private String override;
    private Path dir;
    private ProviderServer openai;
    private ProviderServer anthropic;

    @Override
    public void init(Map<String, String> initArgs) {
        override = initArgs.get(OVERRIDE);
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("r1-standins-");
            openai = ProviderServer.openai();
            anthropic = ProviderServer.anthropic();
            answer();
            Path bin = dir.resolve("bin");
            StandIns.cli(bin.resolve("ok"), "claude", "printf 'hello, world\\n' > hello.txt", Recorded.CLAUDE_STREAM, 0);
            StandIns.cli(bin.resolve("ok"), "codex", "printf 'hello, world\\n' > hello.txt", Recorded.CODEX_STREAM, 0);
            StandIns.cli(bin.resolve("broken"), "claude", "echo 'Error: credit balance too low' >&2",
                    "{\"type\":\"system\",\"subtype\":\"init\"}\n", 2);
            Path key = dir.resolve("key");
            Files.writeString(key, KEY + "\n");
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, config(openai.baseUrl(), anthropic.baseUrl(), key, bin));
            return Map.of("r1.config", config.toString());
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Providers by role: {@code oa} (OpenAI family) is every task's fallback; {@code llama} shares
     * the Meta family with the only reviewer, so its work cannot be reviewed across families.
     */
    private String config(String openaiUrl, String anthropicUrl, Path key, Path bin) {
        String review = "";
        if (override != null) {
            int colon = override.indexOf(':');
            review = "review: {same_family_override: {operator: \"%s\", reason: \"%s\"}}\n".formatted(override.substring(0, colon).strip(),
                    override.substring(colon + 1).strip());
        }
        return """
                providers:
                  oa: {kind: openai, base_url: "%1$s", key_file: "%3$s", timeout_seconds: 60,
                       models: [{name: gpt-4o, input_usd_per_mtok: 2.5, output_usd_per_mtok: 10}]}
                  llama: {kind: openai, base_url: "%1$s", key_file: "%3$s", family: meta, timeout_seconds: 60, models: [llama-3.1-8b]}
                  ant: {kind: anthropic, base_url: "%2$s", key_file: "%3$s", timeout_seconds: 60,
                        models: [{name: claude-sonnet-4-5, input_usd_per_mtok: 3, output_usd_per_mtok: 15}]}
                  cc: {kind: claude-code, command: "%4$s/ok/claude", timeout_seconds: 120}
                  cc-broken: {kind: claude-code, command: "%4$s/broken/claude", timeout_seconds: 120}
                  cx: {kind: codex, command: "%4$s/ok/codex", timeout_seconds: 120,
                       models: [{name: gpt-5-codex, input_usd_per_mtok: 1.25, output_usd_per_mtok: 10}]}
                  planner: {kind: openai, base_url: "%1$s", key_file: "%3$s", timeout_seconds: 60, models: [gpt-4.1-mini]}
                  reviewer: {kind: openai, base_url: "%1$s", key_file: "%3$s", family: meta, timeout_seconds: 60, models: [llama-3.3-70b]}
                routes:
                  planner: [planner]
                  implementer: [oa]
                  reviewer: [reviewer]
                %5$s""".formatted(openaiUrl, anthropicUrl, key, bin, review);
    }

    /** What each server answers, per role, task and plan item. */
    private void answer() {
        // Every task is planned as one item and every review approves, unless a task says otherwise below.
        openai.replies(List.of(role(Prompts.PLANNER)), json(say("""
                {"summary":"One change","estimated_cost_usd":0.05,"items":[{"id":"main","goal":"Do the task","paths":["hello.txt","README.md"],"depends_on":[]}]}""")));
        openai.replies(List.of(role(Prompts.REVIEWER)), json(say("{\"verdict\":\"approve\",\"reasons\":[\"does what the goal says\"]}")));

        ResponseDefinitionBuilder[] openaiExchange = {json(Recorded.OPENAI_1), json(Recorded.OPENAI_2), json(Recorded.OPENAI_3)};
        implementer(openai, Case.OPENAI, openaiExchange);
        implementer(anthropic, Case.ANTHROPIC, json(Recorded.ANTHROPIC_1), json(Recorded.ANTHROPIC_2), json(Recorded.ANTHROPIC_3));
        implementer(openai, Case.SAME_FAMILY, openaiExchange);

        implementer(openai, Case.MALFORMED, ProviderServer.malformed());
        implementer(anthropic, Case.TRUNCATED, ProviderServer.truncated(Recorded.ANTHROPIC_1));
        implementer(openai, Case.TRUNCATED, openaiExchange);
        // llama is rate-limited; oa, on the same server, takes over.
        implementer(openai, Case.RATE_LIMITED, openaiExchange);
        openai.replies(List.of(role(Prompts.IMPLEMENTER), Case.RATE_LIMITED.marker(), "llama-3.1-8b"), status(429, Recorded.OPENAI_RATE_LIMIT));
        implementer(anthropic, Case.SERVER_ERROR, status(500, Recorded.ANTHROPIC_OVERLOADED));
        implementer(openai, Case.SERVER_ERROR, status(500, Recorded.ANTHROPIC_OVERLOADED));
        implementer(openai, Case.CLI_EXIT, openaiExchange);

        plan(Case.PARALLEL, item("a", "Add a.txt", "a.txt"), item("b", "Add b.txt", "b.txt"));
        item(Case.PARALLEL, "a", json(call("call_a", "write_file", "{\"path\":\"a.txt\",\"content\":\"a\\n\"}")), json(say("Added a.txt.")));
        item(Case.PARALLEL, "b", json(call("call_b", "write_file", "{\"path\":\"b.txt\",\"content\":\"b\\n\"}")), json(say("Added b.txt.")));

        plan(Case.CONFLICT, item("a", "Greet from A", "README.md"), item("b", "Greet from B", "README.md"));
        item(Case.CONFLICT, "a", json(call("call_a", "edit_file", edit("Hello from main.", "Hello from A."))), json(say("Greeting from A.")));
        // Item b's own run, then its repair on top of the merged work after its merge conflicted.
        item(Case.CONFLICT, "b", json(call("call_b", "edit_file", edit("Hello from main.", "Hello from B."))), json(say("Greeting from B.")),
                json(call("call_b2", "edit_file", edit("Hello from A.", "Hello from A and B."))), json(say("Greeting from both.")));
    }

    private static void implementer(ProviderServer server, Case c, ResponseDefinitionBuilder... replies) {
        server.replies(List.of(role(Prompts.IMPLEMENTER), c.marker()), replies);
    }

    private void plan(Case c, String... items) {
        openai.replies(List.of(role(Prompts.PLANNER), c.marker()),
                json(say("{\"summary\":\"Two items in parallel\",\"estimated_cost_usd\":0.1,\"items\":[" + String.join(",", items) + "]}")));
    }

    private void item(Case c, String id, ResponseDefinitionBuilder... replies) {
        openai.replies(List.of(role(Prompts.IMPLEMENTER), c.marker(), "This is item " + id + " of the plan"), replies);
    }

    private static String item(String id, String goal, String path) {
        return "{\"id\":\"%s\",\"goal\":\"%s\",\"paths\":[\"%s\"],\"depends_on\":[]}".formatted(id, goal, path);
    }

    private static String edit(String old, String replacement) {
        return JSON.createObjectNode().put("path", "README.md").put("old", old).put("new", replacement).toString();
    }

    /** A role's system prompt, by its first line: what tells a planner's call from a reviewer's or an implementer's. */
    private static String role(String systemPrompt) {
        return systemPrompt.lines().findFirst().orElseThrow();
    }

    /** The recorded final answer, saying {@code text}. */
    private static String say(String text) {
        ObjectNode r = tree(Recorded.OPENAI_3);
        ((ObjectNode) r.path("choices").path(0).path("message")).put("content", text);
        return r.toString();
    }

    /** The recorded first round, asking for one call of {@code tool} instead. */
    private static String call(String id, String tool, String arguments) {
        ObjectNode r = tree(Recorded.OPENAI_1);
        ObjectNode message = (ObjectNode) r.path("choices").path(0).path("message");
        message.putNull("content");
        ObjectNode c = (ObjectNode) message.path("tool_calls").path(0);
        c.put("id", id);
        ((ObjectNode) c.path("function")).put("name", tool).put("arguments", arguments);
        return r.toString();
    }

    private static ObjectNode tree(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return (ObjectNode) n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (openai != null) openai.close();
        if (anthropic != null) anthropic.close();
        openai = null;
        anthropic = null;
        if (dir != null) {
            try {
                Repos.delete(dir);
            } catch (IOException e) {
                // A temp directory left behind is harmless; the servers are already stopped.
            }
            dir = null;
        }
    }
}
