package dev.r1.engines;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What one model call cost: tokens in and out and US dollars (from the provider's own report
 * where it gives one, as the CLIs do, else from the model's prices in the config; 0 when
 * neither is known). Recorded in the event's {@code x.usage}.
 */
public record Usage(String provider, String model, long inputTokens, long outputTokens, double costUsd) {
    public Usage {
        costUsd = BigDecimal.valueOf(costUsd).setScale(6, RoundingMode.HALF_UP).doubleValue();
    }

    /** {@code {"usage": {provider, model, input_tokens, output_tokens, cost_usd}}}, the event's {@code x}. */
    public ObjectNode toX() {
        ObjectNode x = JsonNodeFactory.instance.objectNode();
        ObjectNode u = x.putObject("usage");
        u.put("provider", provider);
        u.put("model", model);
        u.put("input_tokens", inputTokens);
        u.put("output_tokens", outputTokens);
        u.put("cost_usd", costUsd);
        return x;
    }
}
