package dev.r1.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The ledger's counters, on {@code /q/metrics} as {@code r1_ledger_events_stored_total},
 * {@code r1_ledger_events_refused_total{rule="..."}}, {@code r1_ledger_receipts_sealed_total},
 * {@code r1_ledger_blobs_stored_total} and {@code r1_ledger_blobs_refused_total{rule="..."}}.
 */
@ApplicationScoped
public class LedgerMetrics {
    private final MeterRegistry registry;
    private final Counter stored;
    private final Counter sealed;
    private final Counter blobs;

    public LedgerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.stored = Counter.builder("r1.ledger.events.stored").description("Events stored for the first time").register(registry);
        this.sealed = Counter.builder("r1.ledger.receipts.sealed").description("Receipts sealed (a rebuild seals again)").register(registry);
        this.blobs = Counter.builder("r1.ledger.blobs.stored").description("Blobs stored for the first time").register(registry);
    }

    public void stored() {
        stored.increment();
    }

    public void refused(String rule) {
        Counter.builder("r1.ledger.events.refused").description("Event records refused, by rule")
                .tag("rule", rule).register(registry).increment();
    }

    public void sealed() {
        sealed.increment();
    }

    public void blobStored() {
        blobs.increment();
    }

    public void blobRefused(String rule) {
        Counter.builder("r1.ledger.blobs.refused").description("Blob records refused, by rule")
                .tag("rule", rule).register(registry).increment();
    }
}
