package dev.r1.pipeline;

/** Kafka header names R1 writes. */
public final class Headers {
    /** On DLQ records: the rule or reason a record was refused for. */
    public static final String DLQ_REASON = "dead-letter-reason";
    /** On DLQ records: the topic the record was read from. */
    public static final String DLQ_TOPIC = "dead-letter-topic";
    /**
     * On the transition record that ends a phase: how long the phase's own work took (engine,
     * git, tests, gates), in microseconds, so end-to-end latency can be split into work and
     * harness overhead.
     */
    public static final String PHASE_WORK_MICROS = "r1-phase-work-micros";
    /** On blob records: the artifact's media type. */
    public static final String MEDIA_TYPE = "r1-media-type";

    private Headers() {}
}
