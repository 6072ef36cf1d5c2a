package dev.r1.pipeline.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.r1.stoke.event.Event;
import dev.r1.stoke.sample.RunGenerator;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LingeringSinkTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<Event> events = RunGenerator.events("t-sink", RunGenerator.MIN_EVENTS, 1);
    /** Every record handed to the producer, and the acknowledgement each waits for. */
    private final List<Message<byte[]>> sent = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> acks = new CopyOnWriteArrayList<>();
    private final Function<Message<byte[]>, CompletionStage<Void>> producer = r -> {
        sent.add(r);
        CompletableFuture<Void> ack = new CompletableFuture<>();
        acks.add(ack);
        return ack;
    };

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void recordsMadeWithinTheLingerGoToTheTransactionAndAreNeverSent() {
        LingeringSink sink = new LingeringSink(producer, timer, Duration.ofMinutes(1));
        sink.event(events.get(0));
        sink.blob("ab".repeat(32), "text/plain", "log".getBytes(StandardCharsets.UTF_8));
        sink.event(events.get(1));

        List<Message<byte[]>> unsent = sink.drain();

        assertThat(sent).isEmpty();
        assertThat(unsent).extracting(LingeringSinkTest::key)
                .containsExactly(key(Records.event(events.get(0))), "ab".repeat(32), key(Records.event(events.get(1))));
    }

    @Test
    void recordsOlderThanTheLingerAreSentOnceAndTheDrainWaitsForThem() throws Exception {
        LingeringSink sink = new LingeringSink(producer, timer, Duration.ofMillis(20));
        sink.event(events.get(0));
        sink.event(events.get(1));
        awaitSent(2);
        // Holds the timer, so the third record's send cannot run before the drain however slow
        // the drain is to start.
        CountDownLatch timerFree = new CountDownLatch(1);
        timer.execute(() -> {
            try {
                timerFree.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sink.event(events.get(2));

        CompletableFuture<List<Message<byte[]>>> drained = CompletableFuture.supplyAsync(sink::drain);
        Thread.sleep(200);
        assertThat(drained).as("the drain waits for Kafka to acknowledge what was sent").isNotDone();
        acks.forEach(a -> a.complete(null));

        List<Message<byte[]>> unsent = drained.get(10, TimeUnit.SECONDS);
        timerFree.countDown();
        assertThat(sent).extracting(LingeringSinkTest::key)
                .containsExactly(key(Records.event(events.get(0))), key(Records.event(events.get(1))));
        assertThat(unsent).extracting(LingeringSinkTest::key).containsExactly(key(Records.event(events.get(2))));
        Thread.sleep(100);
        assertThat(sent).as("nothing drained is sent later").hasSize(2);
    }

    @Test
    void aFailedSendFailsTheDrain() throws Exception {
        LingeringSink sink = new LingeringSink(producer, timer, Duration.ofMillis(10));
        sink.event(events.get(0));
        awaitSent(1);
        acks.get(0).completeExceptionally(new IllegalStateException("broker gone"));

        assertThatThrownBy(sink::drain).isInstanceOf(CompletionException.class).hasRootCauseMessage("broker gone");
    }

    @Test
    void aRecordMadeAfterTheDrainIsRefused() {
        LingeringSink sink = new LingeringSink(producer, timer, Duration.ofMillis(10));
        sink.drain();

        assertThatThrownBy(() -> sink.event(events.get(0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after the phase's records were drained");
        assertThat(sent).isEmpty();
    }

    private void awaitSent(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sent.size() < n && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(sent).hasSize(n);
    }

    private static String key(Message<byte[]> record) {
        return String.valueOf(record.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getKey());
    }
}
