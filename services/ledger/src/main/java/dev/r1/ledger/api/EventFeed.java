package dev.r1.ledger.api;

import dev.r1.ledger.store.LedgerStore;
import io.vertx.core.Context;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One SSE stream of a task's events: sends the stored events after the client's last sequence,
 * then looks for new ones every {@code poll} until it has sent the terminal transition, then
 * closes. Runs on the request's Vert.x context (Hibernate Reactive needs it); the database is the
 * source, so the stream works whichever ledger instance stored the events.
 */
final class EventFeed {
    private static final Logger LOG = Logger.getLogger(EventFeed.class);
    private static final int BATCH = 500;

    private final LedgerStore store;
    private final String task;
    private final SseEventSink sink;
    private final Sse sse;
    private final Context context;
    private final long pollMillis;
    private long last;

    EventFeed(LedgerStore store, String task, long after, SseEventSink sink, Sse sse, Context context, Duration poll) {
        this.store = store;
        this.task = task;
        this.last = after;
        this.sink = sink;
        this.sse = sse;
        this.context = context;
        this.pollMillis = Math.max(10, poll.toMillis());
    }

    void start() {
        pump();
    }

    private void pump() {
        if (sink.isClosed()) return;
        store.events(task, last, BATCH).subscribe().with(this::send, failure -> {
            LOG.warnf("SSE stream of task %s stopped: %s", task, failure.getMessage());
            sink.close();
        });
    }

    private void send(List<LedgerStore.Row> rows) {
        if (sink.isClosed()) return;
        for (LedgerStore.Row row : rows) {
            OutboundSseEvent event = sse.newEventBuilder()
                    .id(Long.toString(row.seq()))
                    .data(String.class, new String(row.canonical(), StandardCharsets.UTF_8))
                    .build();
            sink.send(event);
            last = row.seq();
            if (row.terminal()) {
                sink.close();
                return;
            }
        }
        if (rows.size() == BATCH) {
            context.runOnContext(v -> pump());
        } else {
            context.owner().setTimer(pollMillis, t -> context.runOnContext(v -> pump()));
        }
    }
}
