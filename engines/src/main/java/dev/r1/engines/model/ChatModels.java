package dev.r1.engines.model;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.r1.engines.EngineException;
import dev.r1.engines.Usage;
import dev.r1.engines.config.Provider;
import java.net.http.HttpTimeoutException;

/**
 * LangChain4j chat models for the two API kinds, and one call with failures turned into
 * {@link EngineException.ProviderFailure}s that say what happened (rate limit, HTTP status,
 * timeout, an answer that could not be read) without the key or the request.
 */
public final class ChatModels {
    private ChatModels() {}

    /** The model for a provider; {@code key} is the resolved API key ("" for servers that need none). */
    public static ChatModel of(Provider p, String model, String key) {
        return switch (p.kind()) {
            case "openai" -> OpenAiChatModel.builder()
                    .baseUrl(p.baseUrl())
                    .apiKey(key.isEmpty() ? "none" : key)
                    .modelName(model)
                    .timeout(p.timeout())
                    .maxRetries(p.maxRetries())
                    .logRequests(false)
                    .logResponses(false)
                    .build();
            case "anthropic" -> AnthropicChatModel.builder()
                    .baseUrl(p.baseUrl())
                    .apiKey(key.isEmpty() ? "none" : key)
                    .modelName(model)
                    .maxTokens(p.maxTokens())
                    .timeout(p.timeout())
                    .maxRetries(p.maxRetries())
                    .logRequests(false)
                    .logResponses(false)
                    .build();
            default -> throw new IllegalArgumentException("not a model API kind: " + p.kind());
        };
    }

    /** One call; every failure is a {@link EngineException.ProviderFailure} naming the provider. */
    public static ChatResponse call(ChatModel model, ChatRequest request, Provider p) {
        ChatResponse r;
        try {
            r = model.chat(request);
        } catch (RuntimeException e) {
            throw new EngineException.ProviderFailure(p.name(), "provider " + p.name() + " (" + p.kind() + "): " + describe(e, p), e);
        }
        if (r == null || r.aiMessage() == null
                || ((r.aiMessage().text() == null || r.aiMessage().text().isBlank()) && !r.aiMessage().hasToolExecutionRequests())) {
            throw new EngineException.ProviderFailure(p.name(), "provider " + p.name() + " (" + p.kind() + "): the answer had neither text nor tool calls");
        }
        return r;
    }

    public static Usage usage(ChatResponse r, Provider p, String model) {
        long in = 0;
        long out = 0;
        if (r.tokenUsage() != null) {
            in = r.tokenUsage().inputTokenCount() == null ? 0 : r.tokenUsage().inputTokenCount();
            out = r.tokenUsage().outputTokenCount() == null ? 0 : r.tokenUsage().outputTokenCount();
        }
        return new Usage(p.name(), model, in, out, p.cost(model, in, out));
    }

    static String describe(Throwable e, Provider p) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RateLimitException) return "rate limited (HTTP 429)";
            if (t instanceof TimeoutException || t instanceof HttpTimeoutException || t instanceof java.net.SocketTimeoutException) {
                return "no answer within " + p.timeout().toSeconds() + " s";
            }
            if (t instanceof HttpException h) return "HTTP " + h.statusCode() + ": " + firstLine(h.getMessage());
            if (t instanceof java.net.ConnectException) return "cannot connect to " + p.baseUrl();
            if (t instanceof com.fasterxml.jackson.core.JsonProcessingException) return "the answer is not valid JSON: " + firstLine(t.getMessage());
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getName().startsWith("dev.langchain4j.exception.")) {
                String name = t.getClass().getSimpleName();
                if (name.equals("InternalServerException")) return "server error: " + firstLine(t.getMessage());
                return name + ": " + firstLine(t.getMessage());
            }
        }
        return "the answer could not be read (" + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()) + ")";
    }

    static String firstLine(String s) {
        if (s == null) return "";
        String l = s.lines().findFirst().orElse("");
        return l.length() > 300 ? l.substring(0, 300) + "…" : l;
    }
}
