package dev.r1.ledger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps the live consumers out of the tables while a rebuild wipes and replays them. A consumer
 * {@link #enter}s before it writes and {@link #exit}s after; {@link #close} stops new entries and
 * waits for those inside to leave; {@link #open} lets the waiting ones in again.
 */
@ApplicationScoped
public class WriteGate {
    private final AtomicInteger inside = new AtomicInteger();
    private volatile CompletableFuture<Void> opened = CompletableFuture.completedFuture(null);

    /** Completes once the caller is inside; resumes on the caller's Vert.x context if it waited. */
    public Uni<Void> enter() {
        return Uni.createFrom().deferred(() -> {
            inside.incrementAndGet();
            CompletableFuture<Void> gate = opened;
            if (gate.isDone()) return Uni.createFrom().voidItem();
            inside.decrementAndGet();
            Context context = Vertx.currentContext();
            Uni<Void> waited = Uni.createFrom().completionStage(gate).replaceWithVoid();
            if (context != null) waited = waited.emitOn(command -> context.runOnContext(v -> command.run()));
            return waited.chain(this::enter);
        });
    }

    public void exit() {
        inside.decrementAndGet();
    }

    /**
     * Closes the gate and waits until nobody is inside.
     *
     * @throws IllegalStateException (with the gate open again) if they do not leave in time
     */
    public synchronized void close(Duration timeout) {
        opened = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inside.get() > 0) {
            if (System.nanoTime() > deadline) {
                open();
                throw new IllegalStateException("the live consumers did not pause within " + timeout);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                open();
                throw new IllegalStateException("interrupted while pausing the live consumers", e);
            }
        }
    }

    public void open() {
        opened.complete(null);
    }
}
