package dev.r1.standalone;

import java.time.Duration;
import java.util.function.Supplier;

/** Bounded polling: every wait in these tests ends, with a message saying what never happened. */
final class Wait {
    private Wait() {}

    static <T> T until(String what, Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null && !(value instanceof Boolean b && !b)) return value;
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
