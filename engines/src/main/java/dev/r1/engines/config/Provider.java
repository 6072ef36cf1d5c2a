package dev.r1.engines.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One place models come from, as the config file declares it.
 *
 * @param kind     {@code openai} (any OpenAI-compatible chat-completions server), {@code anthropic},
 *                 {@code claude-code} or {@code codex}
 * @param tier     subscription, api-key or managed: the order fallbacks are tried in
 * @param family   the family of its models unless a model says otherwise
 * @param command  the CLI to run (CLI kinds)
 */
public record Provider(String name, String kind, Tier tier, String baseUrl, KeyRef key, String family, List<ModelInfo> models,
        String command, Duration timeout, int maxRetries, int maxTokens) {
    public static final List<String> KINDS = List.of("openai", "anthropic", "claude-code", "codex");

    public Provider {
        models = List.copyOf(models);
    }

    public boolean isCli() {
        return kind.equals("claude-code") || kind.equals("codex");
    }

    public Optional<ModelInfo> model(String modelName) {
        return models.stream().filter(m -> m.name().equals(modelName)).findFirst();
    }

    /** The model used when a route or task names none: the first listed (null for CLIs that pick their own). */
    public String defaultModel() {
        return models.isEmpty() ? null : models.get(0).name();
    }

    /** The family of {@code modelName} here: the model's own, else the provider's, else a guess from the name. */
    public String familyOf(String modelName) {
        Optional<ModelInfo> m = model(modelName);
        if (m.isPresent() && m.get().family() != null) return m.get().family();
        if (family != null) return family;
        return Families.guess(kind, modelName);
    }

    public double cost(String modelName, long in, long out) {
        return model(modelName).map(m -> m.cost(in, out)).orElse(0.0);
    }

    /** How fallbacks are ordered: the user's own subscriptions, then API keys, then a managed pool. */
    public enum Tier {
        SUBSCRIPTION("subscription"), API_KEY("api-key"), MANAGED("managed");

        private final String key;

        Tier(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        public static Optional<Tier> of(String key) {
            for (Tier t : values()) if (t.key.equals(key)) return Optional.of(t);
            return Optional.empty();
        }
    }
}
