package dev.r1.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1.stoke.receipt.Verification;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** A finished task as the CLI reports it: how it ended, its receipt file and whether that verifies. */
public record TaskResult(String task, String terminal, int events, Path receipt, Verification verification) {
    /** How long a command waits for one task to end, unless told otherwise. */
    public static final Duration DEFAULT_WAIT = Duration.ofMinutes(30);

    public boolean done() {
        return "DONE".equals(terminal);
    }

    public boolean verifies() {
        return verification != null && verification.valid();
    }

    /** Follows the task to its end, then fetches, writes and verifies its receipt. */
    public static TaskResult await(Stack stack, ApiClient api, String task, Duration wait, Consumer<JsonNode> onEvent,
            Consumer<String> warn) throws IOException, InterruptedException {
        TaskFollower.Outcome outcome;
        try {
            outcome = TaskFollower.follow(api, task, null, wait, onEvent);
        } catch (TaskFollower.StreamUnavailable e) {
            // No live stream: wait for the receipt instead, then show its events (canonical order).
            warn.accept("r1: " + e.getMessage() + "; no live progress, waiting for the receipt of " + task);
            byte[] receipt = Receipts.await(api, task, wait);
            JsonNode events = ApiClient.JSON.readTree(receipt).path("events");
            String terminal = null;
            for (JsonNode event : events) {
                onEvent.accept(event);
                if (TaskFollower.terminalStage(event) != null) terminal = TaskFollower.terminalStage(event);
            }
            outcome = new TaskFollower.Outcome(task, terminal, events.size());
        }
        return seal(stack, api, task, outcome.terminal(), outcome.events());
    }

    static TaskResult seal(Stack stack, ApiClient api, String task, String terminal, int events)
            throws IOException, InterruptedException {
        byte[] receipt = Receipts.await(api, task, Receipts.WAIT);
        Path file = Receipts.write(stack.dir(), task, receipt);
        List<Path> keys = Receipts.ensureKeys(stack.dir(), api);
        Verification v = Receipts.verify(keys, receipt);
        String end = terminal;
        int count = events;
        if (v.receipt() != null) {
            // The receipt is the authority: its terminal transition and its event count.
            end = v.receipt().terminal().asTransition().to().name();
            count = v.receipt().events().size();
        }
        return new TaskResult(task, end, count, file, v);
    }
}
