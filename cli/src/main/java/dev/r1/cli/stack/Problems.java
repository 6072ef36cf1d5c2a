package dev.r1.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** Renders a problem+json answer (RFC 9457) as lines a person can act on. */
final class Problems {
    private Problems() {}

    static String describe(String body) {
        JsonNode p;
        try {
            p = ApiClient.JSON.readTree(body);
        } catch (IOException e) {
            return "  " + body.strip();
        }
        if (p == null || !p.isObject()) return "  " + body.strip();
        StringBuilder s = new StringBuilder();
        String title = p.path("title").asText(p.path("detail").asText(""));
        if (!title.isEmpty()) s.append("  ").append(title);
        for (String list : new String[] {"problems", "errors", "violations"}) {
            for (JsonNode item : p.path(list)) {
                if (!s.isEmpty()) s.append('\n');
                String field = item.path("field").asText(item.path("path").asText(""));
                String message = item.path("message").asText(item.isTextual() ? item.asText() : item.toString());
                s.append("  - ").append(field.isEmpty() ? "" : field + ": ").append(message);
            }
        }
        return s.isEmpty() ? "  " + body.strip() : s.toString();
    }
}
