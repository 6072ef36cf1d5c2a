package dev.r1.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;

/** One line per event: the phase, the task's clock and what happened, for people watching a run. */
public final class Progress {
    private final PrintWriter out;
    private final String prefix;

    public Progress(PrintWriter out, String taskPrefix) {
        this.out = out;
        this.prefix = taskPrefix == null ? "" : taskPrefix + "  ";
    }

    public void accept(JsonNode event) {
        String line = String.format(Locale.ROOT, "%s%-8s %8.3fs  %s", prefix, event.path("phase").asText("?"),
                event.path("t").asDouble(), describe(event));
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    public static String describe(JsonNode e) {
        String type = e.path("type").asText();
        String label = e.path("label").asText();
        switch (type) {
            case "PHASE_TRANSITION": {
                String from = e.path("from").asText();
                String to = e.path("to").asText();
                String s = "==> " + from + " -> " + to;
                if ("VERIFY".equals(from) && "EXECUTE".equals(to)) s += "  (retry)";
                JsonNode o = e.path("override");
                if (o.isObject()) s += "  (override by " + o.path("operator").asText() + ": " + o.path("reason").asText() + ")";
                return s;
            }
            case "GATE_DECISION":
                return String.format(Locale.ROOT, "gate %-14s %-8s %s: %s", e.path("gate").asText(),
                        e.path("verdict").asText().toUpperCase(Locale.ROOT), e.path("transition").asText(),
                        oneLine(e.path("reason").asText(), 140));
            case "TOOL_CALL": {
                String s = "tool " + label + " " + oneLine(e.path("args").toString(), 100);
                if (e.hasNonNull("exit_code")) s += "  exit " + e.path("exit_code").asText();
                if (e.hasNonNull("detail")) s += "  " + oneLine(e.path("detail").asText(), 80);
                return s;
            }
            case "THOUGHT":
                return "thought: " + oneLine(e.path("detail").asText(), 140);
            case "ARTIFACT":
                return "artifact " + label + " (" + e.path("media_type").asText() + ", "
                        + e.path("content_hash").asText().substring(0, Math.min(12, e.path("content_hash").asText().length())) + ")"
                        + (e.hasNonNull("detail") ? "  " + oneLine(e.path("detail").asText(), 80) : "");
            case "MEMORY_READ":
                return "memory read " + e.path("tier").asText() + " " + e.path("key").asText();
            case "MEMORY_WRITE":
                return "memory write " + e.path("tier").asText() + " " + e.path("key").asText();
            default:
                return type + " " + label;
        }
    }

    static String oneLine(String s, int max) {
        String flat = s.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 3) + "...";
    }
}
