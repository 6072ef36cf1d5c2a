package dev.r1.pipeline;

import java.util.List;
import java.util.Map;

/** The Kafka topics R1 uses, with the cleanup policy each one needs. */
public final class Topics {
    /** Task specs, keyed by task id: intake → planner. */
    public static final String TASKS = "r1.tasks";
    /** Hand-offs between phases, keyed by task id. */
    public static final String PHASE_EXECUTE = "r1.phase.execute";
    public static final String PHASE_VERIFY = "r1.phase.verify";
    public static final String PHASE_COMMIT = "r1.phase.commit";
    /** Every STOKE event, keyed {@code task/event-id} and partitioned by task: the durable WAL. */
    public static final String EVENTS = "r1.events";
    /** Signed receipts, keyed by task id. */
    public static final String RECEIPTS = "r1.receipts";
    /** Operator approvals, overrides and cancels, keyed by task id. */
    public static final String CONTROL = "r1.control";
    /** Poison records with the reason in headers. */
    public static final String DLQ = "r1.dlq";
    /** Content-addressed artifact bytes (plans, diffs, logs), keyed by SHA-256. */
    public static final String BLOBS = "r1.blobs";
    /** Claims on in-flight phase work, keyed {@code task/phase}; a tombstone releases one. */
    public static final String LEASES = "r1.leases";

    public record Spec(String name, boolean compacted) {}

    public static final List<Spec> ALL = List.of(
            new Spec(TASKS, true),
            new Spec(PHASE_EXECUTE, false),
            new Spec(PHASE_VERIFY, false),
            new Spec(PHASE_COMMIT, false),
            new Spec(EVENTS, true),
            new Spec(RECEIPTS, true),
            new Spec(CONTROL, true),
            new Spec(DLQ, false),
            new Spec(BLOBS, true),
            new Spec(LEASES, true));

    /**
     * Broker-side topic configs: compaction where a key's latest value is the truth. The DLQ
     * takes twice the size of any other topic, so a refused record still fits with its headers.
     */
    public static Map<String, String> config(Spec spec) {
        int maxBytes = spec.name().equals(DLQ) ? 2 * Limits.MAX_TOPIC_MESSAGE_BYTES : Limits.MAX_TOPIC_MESSAGE_BYTES;
        return Map.of("cleanup.policy", spec.compacted() ? "compact" : "delete", "max.message.bytes", String.valueOf(maxBytes));
    }

    private Topics() {}
}
