package dev.r1.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows one task's event stream until its terminal transition, reconnecting with
 * {@code Last-Event-ID} when the connection breaks (the app restarting, a network blip), so
 * no event is shown twice and none is missed.
 */
public final class TaskFollower {
    private TaskFollower() {}

    /** How a followed task ended: {@code DONE} or {@code FAILED}, and how many events it had. */
    public record Outcome(String task, String terminal, int events) {
        public boolean done() {
            return "DONE".equals(terminal);
        }
    }

    /** Thrown when the task has not ended within the time allowed. */
    public static final class StillRunning extends IOException {
        StillRunning(String task, Duration timeout) {
            super("task " + task + " has not finished after " + timeout.toSeconds() + " s; follow it with r1 tail " + task);
        }
    }

    /** The server has no event stream for tasks (GET .../events answered 404). */
    public static final class StreamUnavailable extends IOException {
        StreamUnavailable(ApiClient api, String task, ApiClient.Refused cause) {
            super(api.base() + "/v1/tasks/" + task + "/events answered 404: no event stream at this address", cause);
        }
    }

    public static Outcome follow(ApiClient api, String task, String lastEventId, Duration timeout, Consumer<JsonNode> onEvent)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> seen = new HashSet<>();
        String[] terminal = {null};
        // The last SSE id seen, kept even when the stream breaks in the middle, so the next
        // connection resumes right after it.
        String[] last = {lastEventId};
        IOException lastError = null;
        while (System.nanoTime() < deadline) {
            boolean[] done = {false};
            try {
                api.follow(task, last[0], sse -> {
                    if (sse.id() != null) last[0] = sse.id();
                    JsonNode event = parse(sse.data());
                    if (event == null) return false;
                    String id = event.path("id").asText(sse.id());
                    if (id != null && !seen.add(id)) return false;
                    onEvent.accept(event);
                    String to = terminalStage(event);
                    if (to != null) {
                        terminal[0] = to;
                        return true;
                    }
                    return false;
                }, done);
                lastError = null;
            } catch (ApiClient.Refused e) {
                // The stream waits for a task the ledger does not know yet, so a 404 means the
                // route itself is missing: no ledger behind this address.
                if (e.status() == 404) throw new StreamUnavailable(api, task, e);
                if (e.status() < 500) throw e;
                lastError = e;
            } catch (IOException e) {
                lastError = e;
            }
            if (terminal[0] != null) return new Outcome(task, terminal[0], seen.size());
            Thread.sleep(500);
        }
        if (lastError != null) {
            throw new IOException("lost the event stream of task " + task + ": " + lastError.getMessage(), lastError);
        }
        throw new StillRunning(task, timeout);
    }

    /** The event in an SSE data field: the STOKE event itself, or an object holding it as {@code event}. */
    static JsonNode parse(String data) {
        if (data == null || data.isBlank()) return null;
        try {
            JsonNode node = ApiClient.JSON.readTree(data);
            if (node.has("type") || !node.path("event").isObject()) return node;
            return node.get("event");
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code DONE} or {@code FAILED} when the event is a terminal transition, else null. */
    public static String terminalStage(JsonNode event) {
        if (!"PHASE_TRANSITION".equals(event.path("type").asText())) return null;
        String to = event.path("to").asText();
        return "DONE".equals(to) || "FAILED".equals(to) ? to : null;
    }
}
