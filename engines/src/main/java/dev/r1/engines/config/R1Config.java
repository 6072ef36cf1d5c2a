package dev.r1.engines.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.r1.engines.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The engines config ({@code ~/.r1/config.yaml}, or the file {@code R1_CONFIG} names): providers,
 * routes per role with ordered fallbacks, and the review rule. Keys are referenced (an
 * environment variable's name or a file), never written here: a config with a key in it is refused.
 * <pre>
 * providers:
 *   claude-sub:    {kind: claude-code, tier: subscription}
 *   anthropic-api: {kind: anthropic, key_env: ANTHROPIC_API_KEY,
 *                   models: [{name: claude-sonnet-4-5, input_usd_per_mtok: 3, output_usd_per_mtok: 15}]}
 *   local-llama:   {kind: openai, base_url: "http://127.0.0.1:8080/v1", family: meta, models: [llama-3.3-70b]}
 * routes:
 *   implementer: [claude-sub, anthropic-api/claude-sonnet-4-5, local-llama]
 *   reviewer:    [local-llama]
 *   planner:     [anthropic-api]
 * review:
 *   same_family_override: {operator: alice, reason: only one family is licensed here}
 * </pre>
 */
public record R1Config(Map<String, Provider> providers, Map<Role, List<RouteEntry>> routes, Optional<Override> sameFamilyOverride,
        String source) {
    public static final R1Config EMPTY = new R1Config(Map.of(), Map.of(), Optional.empty(), "(no config)");
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Set<String> PROVIDER_FIELDS = Set.of("kind", "tier", "base_url", "key_env", "key_file", "key", "family",
            "models", "command", "timeout_seconds", "max_retries", "max_tokens");

    public R1Config {
        providers = Map.copyOf(providers);
        routes = Map.copyOf(routes);
    }

    /** One entry of a route: a provider and, optionally, which of its models. */
    public record RouteEntry(String provider, String model) {
        @java.lang.Override
        public String toString() {
            return model == null ? provider : provider + "/" + model;
        }
    }

    /** An operator's standing permission for same-family review; recorded on every transition it is used for. */
    public record Override(String operator, String reason) {}

    /** The config file the environment points at ({@code R1_CONFIG}, else {@code ~/.r1/config.yaml}); none there is an empty config. */
    public static R1Config fromEnvironment(Map<String, String> env) {
        String explicit = env.get("R1_CONFIG");
        Path file = explicit != null && !explicit.isBlank() ? Path.of(explicit)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".r1", "config.yaml");
        if (!Files.exists(file)) {
            if (explicit != null && !explicit.isBlank()) throw new ConfigException("R1_CONFIG names " + file + ", which does not exist");
            return EMPTY;
        }
        return load(file);
    }

    public static R1Config load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ConfigException("cannot read the engines config " + file + ": " + e.getClass().getSimpleName());
        }
    }

    public static R1Config parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new ConfigException(source + ": not YAML: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (root == null || root.isMissingNode() || root.isNull()) return new R1Config(Map.of(), Map.of(), Optional.empty(), source);
        if (!root.isObject()) throw new ConfigException(source + ": the config is a mapping with providers, routes and review");
        Map<String, Provider> providers = new LinkedHashMap<>();
        JsonNode ps = root.path("providers");
        for (Iterator<Map.Entry<String, JsonNode>> it = ps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            providers.put(e.getKey(), provider(source, e.getKey(), e.getValue()));
        }
        Map<Role, List<RouteEntry>> routes = new EnumMap<>(Role.class);
        JsonNode rs = root.path("routes");
        for (Iterator<Map.Entry<String, JsonNode>> it = rs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Role role = null;
            for (Role r : Role.values()) if (r.key().equals(e.getKey())) role = r;
            if (role == null) throw new ConfigException(source + ": routes." + e.getKey() + ": unknown role; one of planner, implementer, reviewer");
            if (!e.getValue().isArray()) throw new ConfigException(source + ": routes." + e.getKey() + ": must be a list of providers");
            List<RouteEntry> entries = new ArrayList<>();
            for (JsonNode n : e.getValue()) {
                String s = n.asText("");
                int slash = s.indexOf('/');
                RouteEntry entry = slash < 0 ? new RouteEntry(s, null) : new RouteEntry(s.substring(0, slash), s.substring(slash + 1));
                if (!providers.containsKey(entry.provider())) {
                    throw new ConfigException(source + ": routes." + e.getKey() + ": " + s + " names no provider of this config");
                }
                entries.add(entry);
            }
            // Subscriptions first, then API keys, then the managed pool; as listed within each tier.
            List<RouteEntry> sorted = new ArrayList<>(entries);
            sorted.sort(Comparator.comparing(r -> providers.get(r.provider()).tier()));
            routes.put(role, sorted);
        }
        Optional<Override> override = Optional.empty();
        JsonNode o = root.path("review").path("same_family_override");
        if (!o.isMissingNode() && !o.isNull()) {
            String op = o.path("operator").asText("");
            String reason = o.path("reason").asText("");
            if (op.isBlank() || reason.isBlank()) {
                throw new ConfigException(source + ": review.same_family_override needs a non-empty operator and reason");
            }
            override = Optional.of(new Override(op, reason));
        }
        return new R1Config(providers, routes, override, source);
    }

    private static Provider provider(String source, String name, JsonNode n) {
        String at = source + ": providers." + name;
        if (!n.isObject()) throw new ConfigException(at + ": must be a mapping with at least kind");
        for (Iterator<String> f = n.fieldNames(); f.hasNext(); ) {
            String field = f.next();
            if (field.equals("api_key") || field.equals("apikey") || field.equals("token")) {
                throw new ConfigException(at + "." + field + ": keys are never written in the config; use key_env (a variable's name) or key_file (a path)");
            }
            if (!PROVIDER_FIELDS.contains(field)) throw new ConfigException(at + "." + field + ": unknown field; one of " + PROVIDER_FIELDS);
        }
        String kind = n.path("kind").asText("");
        if (!Provider.KINDS.contains(kind)) throw new ConfigException(at + ".kind: one of " + Provider.KINDS);
        KeyRef key = KeyRef.NONE;
        JsonNode k = n.get("key");
        if (k != null) {
            if (!k.isObject()) throw new ConfigException(at + ".key: keys are never written in the config; write {env: NAME} or {file: PATH}");
            key = keyRef(at + ".key", k.path("env").asText(null), k.path("file").asText(null));
        } else {
            key = keyRef(at, n.path("key_env").asText(null), n.path("key_file").asText(null));
        }
        String tierName = n.path("tier").asText(kind.equals("claude-code") || kind.equals("codex") ? "subscription" : "api-key");
        Provider.Tier tier = Provider.Tier.of(tierName).orElseThrow(() -> new ConfigException(at + ".tier: one of subscription, api-key, managed"));
        List<ModelInfo> models = new ArrayList<>();
        for (JsonNode m : n.path("models")) {
            if (m.isTextual()) models.add(new ModelInfo(m.textValue(), null, 0, 0));
            else models.add(new ModelInfo(m.path("name").asText(), m.path("family").asText(null),
                    m.path("input_usd_per_mtok").asDouble(0), m.path("output_usd_per_mtok").asDouble(0)));
        }
        String baseUrl = n.path("base_url").asText(null);
        if (baseUrl == null) baseUrl = switch (kind) {
            case "openai" -> "https://api.openai.com/v1";
            case "anthropic" -> "https://api.anthropic.com/v1/";
            default -> null;
        };
        String command = n.path("command").asText(kind.equals("claude-code") ? "claude" : kind.equals("codex") ? "codex" : null);
        return new Provider(name, kind, tier, baseUrl, key, n.path("family").asText(null), models, command,
                Duration.ofSeconds(n.path("timeout_seconds").asLong(kind.equals("claude-code") || kind.equals("codex") ? 3600 : 300)),
                n.path("max_retries").asInt(0), n.path("max_tokens").asInt(4096));
    }

    private static KeyRef keyRef(String at, String env, String file) {
        if (env != null && file != null) throw new ConfigException(at + ": give the key as an environment variable or a file, not both");
        if (env != null && !env.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ConfigException(at + ": key_env must be the name of an environment variable (the key itself is never written in the config)");
        }
        if (file != null) {
            String f = file.startsWith("~/") ? System.getProperty("user.home") + file.substring(1) : file;
            return new KeyRef(null, Path.of(f));
        }
        return env == null ? KeyRef.NONE : new KeyRef(env, null);
    }

    /** The built-in provider of a kind, used when a task names a kind the config has no provider for. */
    public static Provider builtIn(String kind) {
        return switch (kind) {
            case "openai" -> new Provider("openai", kind, Provider.Tier.API_KEY, "https://api.openai.com/v1", new KeyRef("OPENAI_API_KEY", null),
                    Families.OPENAI, List.of(), null, Duration.ofMinutes(5), 0, 4096);
            case "anthropic" -> new Provider("anthropic", kind, Provider.Tier.API_KEY, "https://api.anthropic.com/v1/",
                    new KeyRef("ANTHROPIC_API_KEY", null), Families.ANTHROPIC, List.of(), null, Duration.ofMinutes(5), 0, 4096);
            case "claude-code" -> new Provider("claude-code", kind, Provider.Tier.SUBSCRIPTION, null, KeyRef.NONE, Families.ANTHROPIC, List.of(),
                    "claude", Duration.ofHours(1), 0, 0);
            case "codex" -> new Provider("codex", kind, Provider.Tier.SUBSCRIPTION, null, KeyRef.NONE, Families.OPENAI, List.of(), "codex",
                    Duration.ofHours(1), 0, 0);
            default -> throw new ConfigException("no engine of kind " + kind);
        };
    }
}
