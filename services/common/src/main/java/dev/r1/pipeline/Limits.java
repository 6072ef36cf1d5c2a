package dev.r1.pipeline;

/** Size limits enforced before anything is parsed, so an oversized record cannot stall a partition. */
public final class Limits {
    /** The largest record a service parses: a task spec, a hand-off or an event. Larger ones go to the DLQ. */
    public static final int MAX_RECORD_BYTES = 256 * 1024;
    /** What the topics themselves accept, so an oversized record still arrives and can be refused with a reason. */
    public static final int MAX_TOPIC_MESSAGE_BYTES = 1024 * 1024;

    private Limits() {}
}
