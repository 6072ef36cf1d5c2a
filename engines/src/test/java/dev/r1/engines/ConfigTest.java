package dev.r1.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.r1.engines.config.ConfigException;
import dev.r1.engines.config.Families;
import dev.r1.engines.config.R1Config;
import dev.r1.pipeline.spec.TaskSpecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    @TempDir
    Path tmp;

    static final String CONFIG = """
            providers:
              pool:     {kind: openai, tier: managed, base_url: "http://127.0.0.1:1/v1", key_file: /run/keys/pool, models: [gpt-4o]}
              claude:   {kind: claude-code}
              ant:      {kind: anthropic, key: {env: ANTHROPIC_API_KEY}, models: [claude-sonnet-4-5, claude-haiku-4-5]}
              local:    {kind: openai, base_url: "http://127.0.0.1:8080/v1", family: mistral, models: [devstral]}
            routes:
              implementer: [pool, ant/claude-haiku-4-5, claude]
              reviewer: [local, ant]
            review:
              same_family_override: {operator: alice, reason: one family licensed}
            """;

    @Test
    void providersRoutesAndTheOverrideAreRead() {
        R1Config c = R1Config.parse(CONFIG, "cfg");
        assertThat(c.routes().get(Role.IMPLEMENTER)).extracting(Object::toString).containsExactly("claude", "ant/claude-haiku-4-5", "pool");
        assertThat(c.providers().get("pool").key().describe()).isEqualTo("file /run/keys/pool");
        assertThat(c.providers().get("ant").key().describe()).isEqualTo("env ANTHROPIC_API_KEY");
        assertThat(c.providers().get("local").familyOf("devstral")).isEqualTo(Families.MISTRAL);
        assertThat(c.providers().get("claude").familyOf(null)).isEqualTo(Families.ANTHROPIC);
        assertThat(c.sameFamilyOverride()).contains(new R1Config.Override("alice", "one family licensed"));

        Engines engines = new Engines(c, Map.of());
        var spec = TaskSpecs.parse("""
                {repository: r, goal: g, test_command: t, engine: {kind: anthropic, model: claude-sonnet-4-5}}
                """.getBytes(StandardCharsets.UTF_8));
        assertThat(engines.route(Role.IMPLEMENTER, spec)).extracting(Engines.Choice::name)
                .containsExactly("ant/claude-sonnet-4-5", "claude", "ant/claude-haiku-4-5", "pool/gpt-4o");
        assertThat(engines.route(Role.REVIEWER, spec)).extracting(Engines.Choice::name).containsExactly("local/devstral", "ant/claude-sonnet-4-5");
    }

    @Test
    void aKeyWrittenIntoTheConfigIsRefused() {
        assertThatThrownBy(() -> R1Config.parse("providers: {a: {kind: openai, api_key: sk-abc}}", "cfg"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("keys are never written in the config")
                .hasMessageNotContaining("sk-abc");
        assertThatThrownBy(() -> R1Config.parse("providers: {a: {kind: openai, key: sk-abc}}", "cfg"))
                .hasMessageContaining("{env: NAME} or {file: PATH}").hasMessageNotContaining("sk-abc");
        assertThatThrownBy(() -> R1Config.parse("providers: {a: {kind: openai, key_env: sk-abc-123-456}}", "cfg"))
                .hasMessageContaining("name of an environment variable").hasMessageNotContaining("sk-abc");
        assertThatThrownBy(() -> R1Config.parse("providers: {a: {kind: gemini}}", "cfg")).hasMessageContaining("providers.a.kind");
        assertThatThrownBy(() -> R1Config.parse("providers: {a: {kind: openai}}\nroutes: {implementer: [b]}", "cfg"))
                .hasMessageContaining("b names no provider");
    }

    @Test
    void theFileIsFoundThroughR1ConfigOrHome() throws Exception {
        Path file = tmp.resolve("elsewhere.yaml");
        Files.writeString(file, CONFIG);
        assertThat(R1Config.fromEnvironment(Map.of("R1_CONFIG", file.toString())).providers()).containsKeys("pool", "claude", "ant", "local");
        assertThat(R1Config.fromEnvironment(Map.of("HOME", tmp.toString()))).isEqualTo(R1Config.EMPTY);
        Files.createDirectories(tmp.resolve(".r1"));
        Files.writeString(tmp.resolve(".r1/config.yaml"), CONFIG);
        assertThat(R1Config.fromEnvironment(Map.of("HOME", tmp.toString())).providers()).hasSize(4);
        assertThatThrownBy(() -> R1Config.fromEnvironment(Map.of("R1_CONFIG", tmp.resolve("nope.yaml").toString())))
                .hasMessageContaining("does not exist");
    }

    @Test
    void keyFilesAreReadAndRedacted() throws Exception {
        Path key = tmp.resolve("key");
        Files.writeString(key, "sk-from-a-file-0123456789\n");
        R1Config c = R1Config.parse("providers: {a: {kind: openai, key_file: \"" + key + "\"}}", "cfg");
        assertThat(c.providers().get("a").key().resolve("a", Map.of())).isEqualTo("sk-from-a-file-0123456789");
        Secrets s = new Secrets();
        s.remember("sk-from-a-file-0123456789");
        assertThat(s.redact("auth failed for sk-from-a-file-0123456789!")).isEqualTo("auth failed for [redacted]!");
    }

    @Test
    void familiesAreGuessedFromModelNamesWhenNotDeclared() {
        assertThat(Families.guess("openai", "gpt-4o")).isEqualTo(Families.OPENAI);
        assertThat(Families.guess("openai", "anthropic/claude-3.5-sonnet")).isEqualTo(Families.ANTHROPIC);
        assertThat(Families.guess("openai", "meta-llama/llama-3.3-70b-instruct")).isEqualTo(Families.META);
        assertThat(Families.guess("openai", "google/gemini-2.5-pro")).isEqualTo(Families.GOOGLE);
        assertThat(Families.guess("openai", "mistralai/codestral-2501")).isEqualTo(Families.MISTRAL);
        assertThat(Families.guess("openai", "my-finetune")).isEqualTo(Families.UNKNOWN);
    }
}
