package dev.r1.stoke.receipt;

import dev.r1.stoke.event.Event;
import java.util.List;

/**
 * A signed receipt: the task's events in canonical order, the signer's kid and the
 * {@code ed25519:} signature. {@code digest} is the hex receipt digest, the receipt's id.
 */
public record Receipt(List<Event> events, String signature, String signingKeyId, String digest) {
    public static final String SPEC_VERSION = "1.0";

    public Receipt {
        events = List.copyOf(events);
    }

    public String task() {
        return events.get(0).task();
    }

    public Event terminal() {
        return events.stream().filter(Event::isTerminal).findFirst().orElseThrow();
    }
}
