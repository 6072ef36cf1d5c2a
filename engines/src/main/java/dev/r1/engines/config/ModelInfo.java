package dev.r1.engines.config;

/** A model a provider serves: its family (when the provider's is not right for it) and its prices per million tokens. */
public record ModelInfo(String name, String family, double inputUsdPerMtok, double outputUsdPerMtok) {
    public double cost(long inputTokens, long outputTokens) {
        return inputTokens * inputUsdPerMtok / 1e6 + outputTokens * outputUsdPerMtok / 1e6;
    }
}
