package dev.r1.pipeline.flow;

import java.util.function.LongSupplier;

/**
 * The {@code t} of a task's events, in milliseconds since the task started. Deterministic
 * runs count progress (one millisecond an event), so a re-run or a resumed run stamps the
 * same times; live runs read the wall clock, never going backwards.
 */
public final class TaskClock {
    private final boolean logical;
    private final long startedAtMillis;
    private final LongSupplier wallClock;
    private long last;

    private TaskClock(boolean logical, long startedAtMillis, long last, LongSupplier wallClock) {
        this.logical = logical;
        this.startedAtMillis = startedAtMillis;
        this.last = last;
        this.wallClock = wallClock;
    }

    public static TaskClock resume(Handoff handoff, boolean deterministic) {
        return new TaskClock(deterministic, handoff.startedAtMillis(), handoff.clockMillis(), System::currentTimeMillis);
    }

    public static TaskClock logical(long last) {
        return new TaskClock(true, 0, last, () -> 0);
    }

    public long next() {
        last = logical ? last + 1 : Math.max(last, wallClock.getAsLong() - startedAtMillis);
        return last;
    }

    public long last() {
        return last;
    }
}
