package dev.r1.engines.config;

import java.util.Locale;

/** Model families, for the cross-family review rule. */
public final class Families {
    public static final String ANTHROPIC = "anthropic";
    public static final String OPENAI = "openai";
    public static final String GOOGLE = "google";
    public static final String META = "meta";
    public static final String MISTRAL = "mistral";
    public static final String UNKNOWN = "unknown";

    private Families() {}

    /** The family a model name suggests, for providers that declare none: claude → anthropic, gpt/o1/o3/o4/codex → openai, … */
    public static String guess(String kind, String model) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        if (m.contains("claude")) return ANTHROPIC;
        if (m.startsWith("gpt") || m.matches("o[1-9].*") || m.contains("codex") || m.contains("/gpt")) return OPENAI;
        if (m.contains("gemini") || m.contains("gemma")) return GOOGLE;
        if (m.contains("llama")) return META;
        if (m.contains("mistral") || m.contains("mixtral") || m.contains("codestral") || m.contains("devstral")) return MISTRAL;
        if (m.contains("qwen")) return "alibaba";
        if (m.contains("deepseek")) return "deepseek";
        return switch (kind) {
            case "anthropic", "claude-code" -> ANTHROPIC;
            case "codex" -> OPENAI;
            default -> UNKNOWN;
        };
    }
}
