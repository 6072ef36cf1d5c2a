package dev.r1.gates.wasm;

import java.time.Duration;

/**
 * What a custom gate may use for one evaluation.
 *
 * @param fuel instructions it may execute (alloc and gate together)
 * @param memoryPages the most 64 KiB pages its memory may grow to
 * @param timeout wall time for instantiation, alloc and gate together
 * @param maxInputBytes the most input JSON it is given; a longer diff text is cut (and
 *     {@code diff.text_truncated} set)
 */
public record WasmLimits(long fuel, int memoryPages, Duration timeout, int maxInputBytes) {
    public static final WasmLimits DEFAULT = new WasmLimits(50_000_000L, 256, Duration.ofSeconds(2), 4 << 20);

    public WasmLimits {
        if (fuel < 1) throw new IllegalArgumentException("fuel must be positive");
        if (memoryPages < 1 || memoryPages > 65_536) throw new IllegalArgumentException("memory pages must be 1-65536");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        if (maxInputBytes < 1024) throw new IllegalArgumentException("input limit must be at least 1 KiB");
    }

    public long memoryBytes() {
        return (long) memoryPages * 65_536;
    }
}
