package dev.r1.engines;

import static dev.r1.engines.standins.ProviderServer.json;
import static dev.r1.engines.standins.ProviderServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1.engines.config.R1Config;
import dev.r1.engines.standins.ProviderServer;
import dev.r1.engines.standins.Recorded;
import dev.r1.pipeline.spec.TaskSpec;
import dev.r1.pipeline.spec.TaskSpecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelEnginesTest {
    static final String KEY = "sk-r1-test-4f9a8b7c6d5e4f3a2b1c";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static TaskSpec spec(String engine) {
        return TaskSpecs.parse(("""
                id: t-model
                repository: /r
                goal: Add a greeting file
                test_command: "true"
                engine: %s
                budget: {max_cost_usd: 1}
                """.formatted(engine)).getBytes(StandardCharsets.UTF_8));
    }

    static String config(String providers, String routes) {
        return "providers:\n" + providers.indent(2) + "routes:\n" + routes.indent(2);
    }

    /** Runs an engine to its end, answering each tool use with "ok: <tool>", and returns every step. */
    static List<Step> drive(Engine engine) {
        List<Step> steps = new ArrayList<>();
        Engine.ToolOutput last = null;
        for (Optional<Step> s = engine.next(null); s.isPresent(); s = engine.next(last)) {
            steps.add(s.get());
            last = s.get() instanceof Step.ToolUse u ? new Engine.ToolOutput(0, ("ok: " + u.tool()).getBytes(StandardCharsets.UTF_8)) : null;
        }
        return steps;
    }

    Engine start(Engines engines, TaskSpec spec, CostMeter meter) {
        return engines.start(EngineRequest.of(spec, 1, null, tmp, meter));
    }

    @Test
    void openAiChatCompletionsWithToolCalls() throws Exception {
        try (ProviderServer server = ProviderServer.openai().replies(json(Recorded.OPENAI_1), json(Recorded.OPENAI_2), json(Recorded.OPENAI_3))) {
            R1Config config = R1Config.parse(config("""
                    local:
                      kind: openai
                      base_url: %s
                      key_env: LOCAL_KEY
                      family: openai
                      models: [{name: gpt-4o, input_usd_per_mtok: 2.5, output_usd_per_mtok: 10}]
                    """.formatted(server.baseUrl()), "implementer: [local]"), "test");
            Engines engines = new Engines(config, Map.of("LOCAL_KEY", KEY));
            CostMeter meter = new CostMeter(1, 0);
            Engine engine = start(engines, spec("{kind: openai}"), meter);
            List<Step> steps = drive(engine);

            assertThat(steps).extracting(s -> s.getClass().getSimpleName())
                    .containsExactly("Thought", "ToolUse", "Thought", "ToolUse", "ToolUse", "Thought");
            assertThat(((Step.Thought) steps.get(0)).text()).isEqualTo("I will look at the README first.");
            assertThat(((Step.ToolUse) steps.get(1)).tool()).isEqualTo("read_file");
            assertThat(((Step.ToolUse) steps.get(1)).input().toString()).isEqualTo("{\"path\":\"README.md\",\"offset\":0,\"limit\":5}");
            assertThat(((Step.ToolUse) steps.get(3)).input().get("content").textValue()).isEqualTo("hello, world\n");
            assertThat(((Step.ToolUse) steps.get(4)).input().get("new").textValue()).isEqualTo("Hello from R1.");
            Usage first = ((Step.Thought) steps.get(0)).usage();
            assertThat(first).isEqualTo(new Usage("local", "gpt-4o", 1200, 40, 1200 * 2.5 / 1e6 + 40 * 10 / 1e6));
            assertThat(engine.identity()).contains(new Identity("local", "openai", "gpt-4o", "openai"));

            // The wire: the key as a bearer token, the tools declared, each tool result sent back under its call id.
            var requests = server.requests();
            assertThat(requests).hasSize(3);
            assertThat(requests.get(0).getHeader("Authorization")).isEqualTo("Bearer " + KEY);
            JsonNode first0 = JSON.readTree(requests.get(0).getBodyAsString());
            assertThat(first0.path("model").asText()).isEqualTo("gpt-4o");
            assertThat(first0.path("tools").findValuesAsText("name")).contains("read_file", "write_file", "edit_file", "list_dir", "glob",
                    "grep", "bash", "git_diff");
            JsonNode third = JSON.readTree(requests.get(2).getBodyAsString());
            List<JsonNode> toolMessages = new ArrayList<>();
            third.path("messages").forEach(m -> {
                if (m.path("role").asText().equals("tool")) toolMessages.add(m);
            });
            assertThat(toolMessages).extracting(m -> m.path("tool_call_id").asText()).containsExactly("call_read1", "call_write1", "call_edit1");
            assertThat(toolMessages.get(1).path("content").asText()).isEqualTo("ok: write_file");
        }
    }

    @Test
    void anthropicMessagesWithToolUse() throws Exception {
        try (ProviderServer server = ProviderServer.anthropic().replies(json(Recorded.ANTHROPIC_1), json(Recorded.ANTHROPIC_2),
                json(Recorded.ANTHROPIC_3))) {
            R1Config config = R1Config.parse(config("""
                    claude-api:
                      kind: anthropic
                      base_url: %s
                      key_env: ANTHROPIC_API_KEY
                      models: [{name: claude-sonnet-4-5, input_usd_per_mtok: 3, output_usd_per_mtok: 15}]
                    """.formatted(server.baseUrl()), "implementer: [claude-api]"), "test");
            Engines engines = new Engines(config, Map.of("ANTHROPIC_API_KEY", KEY));
            List<Step> steps = drive(start(engines, spec("{kind: anthropic}"), new CostMeter(1, 0)));
            assertThat(steps).extracting(s -> s.getClass().getSimpleName())
                    .containsExactly("Thought", "ToolUse", "Thought", "ToolUse", "ToolUse", "Thought");
            assertThat(((Step.ToolUse) steps.get(3)).input().toString()).isEqualTo("{\"path\":\"hello.txt\",\"content\":\"hello, world\\n\"}");
            assertThat(((Step.Thought) steps.get(5)).usage().costUsd()).isEqualTo(1400 * 3 / 1e6 + 15 * 15 / 1e6);

            var requests = server.requests();
            assertThat(requests).hasSize(3);
            assertThat(requests.get(0).getHeader("x-api-key")).isEqualTo(KEY);
            assertThat(requests.get(0).getHeader("anthropic-version")).isNotBlank();
            JsonNode third = JSON.readTree(requests.get(2).getBodyAsString());
            assertThat(third.path("system").toString()).contains("R1's implementer");
            assertThat(third.findValuesAsText("tool_use_id")).containsExactly("toolu_01R", "toolu_01W", "toolu_01E");
        }
    }

    @Test
    void aRateLimitedProviderFallsThroughToTheNextAndTheSwitchIsAStep() {
        try (ProviderServer limited = ProviderServer.openai().replies(status(429, Recorded.OPENAI_RATE_LIMIT));
                ProviderServer backup = ProviderServer.anthropic().replies(json(Recorded.ANTHROPIC_3))) {
            R1Config config = R1Config.parse(config("""
                    pool:
                      kind: anthropic
                      tier: managed
                      base_url: %s
                      key_env: POOL_KEY
                      models: [claude-sonnet-4-5]
                    mine:
                      kind: openai
                      base_url: %s
                      key_env: MY_KEY
                      models: [gpt-4o]
                    """.formatted(backup.baseUrl(), limited.baseUrl()), "implementer: [pool, mine]"), "test");
            // The route lists the pool first, but API keys come before the managed pool.
            assertThat(config.routes().get(Role.IMPLEMENTER)).extracting(Object::toString).containsExactly("mine", "pool");
            Engines engines = new Engines(config, Map.of("MY_KEY", KEY, "POOL_KEY", KEY + "-pool"));
            List<Step> steps = drive(start(engines, spec("{kind: openai}"), new CostMeter(1, 0)));
            assertThat(steps).hasSize(2);
            Step.ProviderSwitch sw = (Step.ProviderSwitch) steps.get(0);
            assertThat(sw.from()).isEqualTo("mine/gpt-4o");
            assertThat(sw.to()).isEqualTo("pool/claude-sonnet-4-5");
            assertThat(sw.reason()).contains("rate limited (HTTP 429)").doesNotContain(KEY);
            assertThat(((Step.Thought) steps.get(1)).usage().provider()).isEqualTo("pool");
        }
    }

    @Test
    void serverErrorsMalformedTruncatedAndSlowAnswersEndInAClearFailure() {
        record Case(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder reply, String says) {}
        List<Case> cases = List.of(
                new Case(status(500, Recorded.ANTHROPIC_OVERLOADED), "server error"),
                new Case(status(429, Recorded.OPENAI_RATE_LIMIT), "rate limited (HTTP 429)"),
                new Case(ProviderServer.malformed(), "provider only"),
                new Case(ProviderServer.truncated(Recorded.OPENAI_1), "provider only"),
                new Case(ProviderServer.connectionReset(), "provider only"),
                new Case(ProviderServer.slow(Recorded.OPENAI_3, 5_000), "no answer within 1 s"),
                new Case(json("{\"id\":\"x\",\"choices\":[]}"), "provider only"));
        for (Case c : cases) {
            try (ProviderServer server = ProviderServer.openai().replies(c.reply())) {
                R1Config config = R1Config.parse(config("""
                        only:
                          kind: openai
                          base_url: %s
                          key_env: K
                          timeout_seconds: 1
                          models: [gpt-4o]
                        """.formatted(server.baseUrl()), "implementer: [only]"), "test");
                Engine engine = start(new Engines(config, Map.of("K", KEY)), spec("{kind: openai}"), new CostMeter(1, 0));
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> drive(engine)).isInstanceOf(EngineException.class)
                        .hasMessageContaining("every provider failed").hasMessageContaining("provider only (openai): ")
                        .hasMessageContaining(c.says()).hasMessageNotContaining(KEY);
                assertThat((System.nanoTime() - t0) / 1_000_000).as(c.says()).isLessThan(10_000);
            }
        }
    }

    @Test
    void aMissingKeyIsAProviderFailureNamingTheVariableNeverAValue() {
        R1Config config = R1Config.parse(config("""
                a: {kind: openai, base_url: "http://127.0.0.1:9/v1", key_env: NOT_SET, models: [gpt-4o]}
                """, "implementer: [a]"), "test");
        Engine engine = start(new Engines(config, Map.of()), spec("{kind: openai}"), new CostMeter(1, 0));
        assertThatThrownBy(() -> engine.next(null)).hasMessageContaining("set the environment variable NOT_SET");
    }

    @Test
    void theBudgetStopsTheNextCall() {
        try (ProviderServer server = ProviderServer.openai().replies(json(Recorded.OPENAI_1), json(Recorded.OPENAI_2))) {
            R1Config config = R1Config.parse(config("""
                    p: {kind: openai, base_url: "%s", models: [{name: gpt-4o, input_usd_per_mtok: 1000, output_usd_per_mtok: 0}]}
                    """.formatted(server.baseUrl()), "implementer: [p]"), "test");
            CostMeter meter = new CostMeter(1.0, 0);
            Engine engine = start(new Engines(config, Map.of()), spec("{kind: openai}"), meter);
            Step first = engine.next(null).orElseThrow();
            meter.charge(((Step.Thought) first).usage());
            assertThat(meter.spentUsd()).isEqualTo(1.2);
            engine.next(null);
            assertThatThrownBy(() -> engine.next(new Engine.ToolOutput(0, new byte[0])))
                    .isInstanceOf(EngineException.BudgetExhausted.class).hasMessageContaining("budget of $1.00 is spent ($1.20");
            assertThat(server.requests()).hasSize(1);
        }
    }
}
