package dev.r1.pipeline.flow;

import dev.r1.stoke.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * A running phase's events and blobs: each is sent a {@code linger} after it is recorded, so an
 * observer follows a long phase while it works, and whatever is still unsent when the work ends
 * is {@link #drain drained} into the phase's closing transaction. A phase's last records (its
 * gate decisions come just before its transition) then wait for no acknowledgement of their own
 * on the task's critical path, and the records of a short phase travel in one transaction.
 *
 * <p>No record is written twice: compaction keeps the last record of a key, so once a first copy
 * is compacted away, a second one behind the transition would put an event after its effect,
 * and a rebuild would refuse the transition.
 */
public final class LingeringSink implements EventSink {
    private final Function<Message<byte[]>, CompletionStage<Void>> send;
    private final ScheduledExecutorService timer;
    private final Duration linger;
    private final List<Message<byte[]>> held = new ArrayList<>();
    private final List<CompletableFuture<Void>> sent = new ArrayList<>();
    private ScheduledFuture<?> release;
    private boolean drained;

    /** {@code send} writes one record and completes when Kafka has it; {@code timer} runs the delayed sends. */
    public LingeringSink(Function<Message<byte[]>, CompletionStage<Void>> send, ScheduledExecutorService timer, Duration linger) {
        this.send = send;
        this.timer = timer;
        this.linger = linger;
    }

    @Override
    public void event(Event event) {
        hold(Records.event(event));
    }

    @Override
    public void blob(String sha256, String mediaType, byte[] bytes) {
        hold(Records.blob(sha256, mediaType, bytes));
    }

    private synchronized void hold(Message<byte[]> record) {
        // After the drain a record could only be sent behind the transition it must precede.
        if (drained) throw new IllegalStateException("a record was made after the phase's records were drained");
        held.add(record);
        if (release == null) release = timer.schedule(this::sendHeld, linger.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void sendHeld() {
        release = null;
        for (Message<byte[]> record : held) sent.add(send.apply(record).toCompletableFuture());
        held.clear();
    }

    /**
     * Ends the sink: blocks until every record sent so far is on Kafka and returns those not sent
     * yet, in the order they were made, for the caller's transaction. A failed send fails this.
     */
    public List<Message<byte[]>> drain() {
        List<Message<byte[]>> rest;
        List<CompletableFuture<Void>> waiting;
        synchronized (this) {
            drained = true;
            if (release != null) release.cancel(false);
            release = null;
            rest = List.copyOf(held);
            held.clear();
            waiting = List.copyOf(sent);
            sent.clear();
        }
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).join();
        return rest;
    }
}
