package dev.r1.executor;

import static dev.r1.engines.standins.ProviderServer.json;
import static dev.r1.engines.standins.ProviderServer.status;
import static dev.r1.executor.Fixtures.git;
import static dev.r1.executor.Fixtures.handoff;
import static dev.r1.executor.Fixtures.origin;
import static dev.r1.executor.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1.engines.Engines;
import dev.r1.engines.config.R1Config;
import dev.r1.engines.standins.ProviderServer;
import dev.r1.engines.standins.Recorded;
import dev.r1.engines.standins.StandIns;
import dev.r1.pipeline.git.RepoCache;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each engine runs an EXECUTE attempt end to end against its local stand-in (WireMock serving
 * recorded OpenAI / Anthropic exchanges; stand-in {@code claude} and {@code codex} executables
 * printing recorded stream-json / exec-json): the TOOL_CALLs recorded match the exchange, the
 * work is pushed, and failures end in a recorded failure or a recorded fallback.
 */
class ModelEnginesExecuteTest {
    static final String KEY = "sk-live-9d8c7b6a5f4e3d2c1b0a";
    static final Map<String, String> FILES = Map.of("README.md", "# Demo\n\nHello from main.\n");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path bin;
    final List<String> logs = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (logs) {
                logs.add(String.valueOf(r.getMessage()) + " " + java.util.Arrays.toString(r.getParameters()));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void setUp() {
        bin = tmp.resolve("bin");
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void tearDown() {
        Logger.getLogger("").removeHandler(capture);
    }

    static String spec(Path origin, String engine) {
        return """
                id: t-engine
                repository: %s
                goal: Add a greeting file and greet from R1 in the README
                test_command: "true"
                engine: %s
                budget: {max_cost_usd: 2}
                """.formatted(origin, engine);
    }

    Map<String, String> env() {
        return Map.of("PATH", bin + ":/usr/local/bin:/usr/bin:/bin", "HOME", tmp.toString(), "LANG", "C.UTF-8", "LLM_KEY", KEY);
    }

    Fixtures.Run execute(String configYaml, String engine) throws Exception {
        Path origin = origin(tmp.resolve("repo"), FILES);
        Engines engines = new Engines(R1Config.parse(configYaml, "test-config"), env());
        return run(new ExecutePhase(RepoCache.of(tmp.resolve("data"), "executor"), engines), handoff(spec(origin, engine), Stage.EXECUTE, 1, null));
    }

    static List<Event> of(Fixtures.Run run, EventType type) {
        return run.recorded().stream().filter(e -> e.type() == type).toList();
    }

    static Payload.ToolCall call(Event e) {
        return (Payload.ToolCall) e.payload();
    }

    static String sha(String s) {
        return Sha256.hex(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The key is in no event, no blob, no commit of the branch and no log line. */
    void assertNoSecret(Fixtures.Run run) {
        for (Event e : run.recorded()) assertThat(new String(EventCodec.canonical(e), StandardCharsets.UTF_8)).doesNotContain(KEY);
        run.sink().blobs.values().forEach(b -> assertThat(new String(b, StandardCharsets.UTF_8)).doesNotContain(KEY));
        if (run.outcome().next() != null && run.outcome().next().note() != null) assertThat(run.outcome().next().note()).doesNotContain(KEY);
        synchronized (logs) {
            assertThat(logs).noneMatch(l -> l.contains(KEY));
        }
    }

    /** The TOOL_CALLs of the recorded API exchanges: read README, write hello.txt, edit README. */
    void assertApiExchange(Fixtures.Run run, String provider) throws Exception {
        assertThat(run.recorded()).extracting(Event::type).containsExactly(EventType.THOUGHT, EventType.TOOL_CALL, EventType.THOUGHT,
                EventType.TOOL_CALL, EventType.TOOL_CALL, EventType.THOUGHT, EventType.ARTIFACT, EventType.GATE_DECISION, EventType.GATE_DECISION, EventType.GATE_DECISION, EventType.PHASE_TRANSITION);
        List<Event> calls = of(run, EventType.TOOL_CALL);
        assertThat(calls).extracting(Event::label).containsExactly("read", "write", "edit");
        assertThat(call(calls.get(0)).args().toString()).isEqualTo("{\"path\":\"README.md\",\"offset\":0,\"limit\":5}");
        assertThat(call(calls.get(0)).resultHash()).isEqualTo(sha("# Demo\n\nHello from main.\n"));
        assertThat(call(calls.get(1)).args().toString()).isEqualTo("{\"path\":\"hello.txt\",\"content_sha256\":\"" + sha("hello, world\n")
                + "\",\"content_bytes\":13}");
        assertThat(call(calls.get(2)).args().get("old_sha256").textValue()).isEqualTo(sha("Hello from main."));
        assertThat(calls).allMatch(e -> call(e).exitCode() == 0);
        List<Event> thoughts = of(run, EventType.THOUGHT);
        assertThat(thoughts).allMatch(t -> t.label().equals("model") && t.x() != null && t.x().path("usage").path("provider").asText().equals(provider));
        assertThat(thoughts.get(0).detail()).isEqualTo("I will look at the README first.");
        assertThat(thoughts.get(2).detail()).isEqualTo("Added hello.txt and updated the README greeting.");

        Path origin = tmp.resolve("repo/origin.git");
        String head = git(origin, "rev-parse", "r1/t-engine");
        assertThat(git(origin, "show", head + ":hello.txt")).isEqualTo("hello, world");
        assertThat(git(origin, "show", head + ":README.md")).contains("Hello from R1.");
        assertThat(git(origin, "log", "-1", "--format=%B", head)).contains("R1-Engine: " + provider).containsPattern("R1-Cost-Usd: 0\\.\\d+");
        assertThat(run.transition().label()).isEqualTo("EXECUTE->VERIFY");
        assertThat(JSON.readTree(run.outcome().next().note()).path("implementer").path("provider").asText()).isEqualTo(provider);
    }

    @Test
    void openAiEngine() throws Exception {
        try (ProviderServer server = ProviderServer.openai().replies(json(Recorded.OPENAI_1), json(Recorded.OPENAI_2), json(Recorded.OPENAI_3))) {
            Fixtures.Run run = execute("""
                    providers:
                      vllm: {kind: openai, base_url: "%s", key_env: LLM_KEY, family: meta,
                             models: [{name: llama-3.3-70b, input_usd_per_mtok: 0.5, output_usd_per_mtok: 1}]}
                    routes: {implementer: [vllm]}
                    """.formatted(server.baseUrl()), "{kind: openai}");
            assertApiExchange(run, "vllm");
            assertThat(of(run, EventType.THOUGHT).get(0).x().path("usage").toString())
                    .isEqualTo("{\"provider\":\"vllm\",\"model\":\"llama-3.3-70b\",\"input_tokens\":1200,\"output_tokens\":40,\"cost_usd\":6.4E-4}");
            assertThat(JSON.readTree(run.outcome().next().note()).path("implementer").path("family").asText()).isEqualTo("meta");
            assertNoSecret(run);
        }
    }

    @Test
    void anthropicEngine() throws Exception {
        try (ProviderServer server = ProviderServer.anthropic().replies(json(Recorded.ANTHROPIC_1), json(Recorded.ANTHROPIC_2),
                json(Recorded.ANTHROPIC_3))) {
            Fixtures.Run run = execute("""
                    providers:
                      claude-api: {kind: anthropic, base_url: "%s", key_env: LLM_KEY, models: [claude-sonnet-4-5]}
                    """.formatted(server.baseUrl()), "{kind: anthropic}");
            assertApiExchange(run, "claude-api");
            assertNoSecret(run);
        }
    }

    @Test
    void claudeCodeEngine() throws Exception {
        StandIns.cli(bin, "claude", "printf 'hello, world\\n' > hello.txt", Recorded.CLAUDE_STREAM, 0);
        Fixtures.Run run = execute("""
                providers:
                  claude-sub: {kind: claude-code, key_env: LLM_KEY}
                """, "{kind: claude-code, model: claude-sonnet-4-5}");
        List<Event> calls = of(run, EventType.TOOL_CALL);
        assertThat(calls).extracting(Event::label).containsExactly("read", "write", "run");
        assertThat(call(calls.get(0)).args().toString()).isEqualTo("{\"path\":\"README.md\"}");
        assertThat(call(calls.get(1)).args().toString()).isEqualTo("{\"path\":\"hello.txt\",\"content_sha256\":\"" + sha("hello, world\n")
                + "\",\"content_bytes\":13}");
        assertThat(call(calls.get(2)).args().toString()).isEqualTo("{\"command\":\"cat hello.txt\",\"description\":\"Show the new file\"}");
        assertThat(call(calls.get(2)).resultHash()).isEqualTo(sha("hello, world"));
        List<Event> thoughts = of(run, EventType.THOUGHT);
        assertThat(thoughts).extracting(Event::detail).containsExactly("I will look at the README first.", "Added hello.txt.", "Added hello.txt.");
        assertThat(thoughts.get(2).x().path("usage").path("cost_usd").asDouble()).isEqualTo(0.0421);
        assertThat(thoughts.get(2).x().path("usage").path("output_tokens").asLong()).isEqualTo(108);
        assertThat(git(tmp.resolve("repo/origin.git"), "show", "r1/t-engine:hello.txt")).isEqualTo("hello, world");
        assertThat(run.transition().label()).isEqualTo("EXECUTE->VERIFY");

        String args = StandIns.args(bin, "claude");
        assertThat(args).contains("-p\n").contains("--output-format\nstream-json\n").contains("--verbose").contains("--model\nclaude-sonnet-4-5");
        // The CLI gets the provider's key under the name it reads, and nothing else of the service's environment.
        String env = StandIns.env(bin, "claude");
        assertThat(env).contains("ANTHROPIC_API_KEY=" + KEY).doesNotContain("LLM_KEY");
        assertNoSecret(run);
    }

    @Test
    void codexEngine() throws Exception {
        StandIns.cli(bin, "codex", "printf 'hello, world\\n' > hello.txt", Recorded.CODEX_STREAM, 0);
        Fixtures.Run run = execute("""
                providers:
                  codex-sub: {kind: codex, models: [{name: gpt-5-codex, input_usd_per_mtok: 1.25, output_usd_per_mtok: 10}]}
                """, "{kind: codex}");
        List<Event> calls = of(run, EventType.TOOL_CALL);
        assertThat(calls).extracting(Event::label).containsExactly("run", "patch", "run");
        assertThat(calls).extracting(e -> call(e).exitCode()).containsExactly(0L, 0L, 1L);
        assertThat(call(calls.get(0)).args().toString()).isEqualTo("{\"command\":\"bash -lc 'cat README.md'\"}");
        assertThat(call(calls.get(1)).args().toString()).isEqualTo("{\"changes\":[{\"path\":\"hello.txt\",\"kind\":\"add\"}]}");
        Event usage = of(run, EventType.THOUGHT).get(2);
        assertThat(usage.x().path("usage").path("input_tokens").asLong()).isEqualTo(24763);
        assertThat(usage.x().path("usage").path("cost_usd").asDouble()).isEqualTo(0.032174);
        assertThat(StandIns.args(bin, "codex")).startsWith("exec\n--json\n").contains("-m\ngpt-5-codex");
        assertThat(git(tmp.resolve("repo/origin.git"), "show", "r1/t-engine:hello.txt")).isEqualTo("hello, world");
        assertThat(StandIns.env(bin, "codex")).doesNotContain(KEY);
        assertNoSecret(run);
    }

    @Test
    void aServerErrorEndsTheAttemptFailedWithTheReason() throws Exception {
        try (ProviderServer server = ProviderServer.openai().replies(status(500, Recorded.ANTHROPIC_OVERLOADED))) {
            Fixtures.Run run = execute("""
                    providers:
                      p: {kind: openai, base_url: "%s", key_env: LLM_KEY, models: [gpt-4o]}
                    """.formatted(server.baseUrl()), "{kind: openai}");
            assertThat(run.recorded()).extracting(Event::type).containsExactly(EventType.ARTIFACT, EventType.PHASE_TRANSITION);
            assertThat(run.recorded().get(0).label()).isEqualTo("engine-error");
            assertThat(run.recorded().get(0).detail()).contains("attempt 1 failed").contains("provider p (openai)").contains("server error");
            assertThat(run.transition().label()).isEqualTo("EXECUTE->FAILED");
            assertNoSecret(run);
        }
    }

    @Test
    void aCliThatExitsNonZeroFallsBackToTheNextProviderAndTheSwitchIsRecorded() throws Exception {
        StandIns.cli(bin, "claude", "echo 'Error: credit balance too low' >&2", "{\"type\":\"system\",\"subtype\":\"init\"}\n", 2);
        try (ProviderServer server = ProviderServer.openai().replies(json(Recorded.OPENAI_1), json(Recorded.OPENAI_2), json(Recorded.OPENAI_3))) {
            Fixtures.Run run = execute("""
                    providers:
                      sub: {kind: claude-code}
                      api: {kind: openai, base_url: "%s", key_env: LLM_KEY, models: [gpt-4o]}
                    routes: {implementer: [api, sub]}
                    """.formatted(server.baseUrl()), "{kind: claude-code}");
            Event sw = run.recorded().get(0);
            assertThat(sw.type()).isEqualTo(EventType.THOUGHT);
            assertThat(sw.label()).isEqualTo("provider-switch");
            assertThat(sw.detail()).contains("provider sub failed, going on with api/gpt-4o").contains("claude exited with 2")
                    .contains("credit balance too low");
            assertThat(of(run, EventType.TOOL_CALL)).extracting(Event::label).containsExactly("read", "write", "edit");
            assertThat(run.transition().label()).isEqualTo("EXECUTE->VERIFY");
            assertThat(JSON.readTree(run.outcome().next().note()).path("implementer").path("provider").asText()).isEqualTo("api");
            assertNoSecret(run);
        }
    }

    @Test
    void truncatedOrMalformedCliOutputAndAHangingCliEndInAFailure() throws Exception {
        String cut = Recorded.CLAUDE_STREAM.lines().limit(3).reduce("", (a, b) -> a + b + "\n");
        record Case(String work, String output, String config, String says) {}
        List<Case> cases = List.of(
                new Case("", cut, "{kind: claude-code}", "ended without a result message"),
                new Case("", cut + "{\"type\":\"assistant\",\"message\":{\"content\":[{\"ty\n", "{kind: claude-code}", "not JSON"),
                new Case("sleep 30", "", "{kind: claude-code, timeout_seconds: 1}", "did not finish within 1 s"),
                new Case("", "{\"type\":\"result\",\"subtype\":\"error_max_turns\",\"is_error\":true,\"result\":\"\"}\n", "{kind: claude-code}",
                        "ended with error_max_turns"));
        int i = 0;
        for (Case c : cases) {
            Path dir = tmp.resolve("case" + i++);
            bin = dir.resolve("bin");
            StandIns.cli(bin, "claude", c.work(), c.output(), 0);
            Path origin = origin(dir.resolve("repo"), FILES);
            Engines engines = new Engines(R1Config.parse("providers:\n  cc: " + c.config() + "\n", "test"), env());
            long t0 = System.nanoTime();
            Fixtures.Run run = run(new ExecutePhase(RepoCache.of(dir.resolve("data"), "executor"), engines),
                    handoff(spec(origin, "{kind: claude-code}"), Stage.EXECUTE, 1, null));
            assertThat((System.nanoTime() - t0) / 1_000_000_000).as(c.says()).isLessThan(20);
            Event last = run.recorded().get(run.recorded().size() - 2);
            assertThat(last.label()).as(c.says()).isEqualTo("engine-error");
            assertThat(last.detail()).as(c.says()).contains(c.says());
            assertThat(run.transition().label()).isEqualTo("EXECUTE->FAILED");
        }
    }

    @Test
    void theMoneyBudgetBlocksTheAttempt() throws Exception {
        try (ProviderServer server = ProviderServer.openai().replies(json(Recorded.OPENAI_1), json(Recorded.OPENAI_2), json(Recorded.OPENAI_3))) {
            Fixtures.Run run = execute("""
                    providers:
                      p: {kind: openai, base_url: "%s", models: [{name: gpt-4o, input_usd_per_mtok: 1000, output_usd_per_mtok: 1000}]}
                    """.formatted(server.baseUrl()), "{kind: openai}");
            Payload.GateDecision d = (Payload.GateDecision) of(run, EventType.GATE_DECISION).get(0).payload();
            assertThat(d.gate()).isEqualTo(ExecutePhase.COST_BUDGET);
            assertThat(d.reason()).contains("budget of $2.00 is spent");
            assertThat(run.transition().label()).isEqualTo("EXECUTE->FAILED");
            assertThat(server.requests()).hasSize(2);
        }
    }
}
