package dev.r1.pipeline.flow;

import dev.r1.stoke.event.Event;

/** Where a phase's events and artifact bytes go as they are recorded. */
public interface EventSink {
    void event(Event event);

    /** Stores artifact bytes under their SHA-256, readable later through the ledger. */
    void blob(String sha256, String mediaType, byte[] bytes);
}
