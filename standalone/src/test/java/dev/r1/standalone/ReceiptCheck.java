package dev.r1.standalone;

import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.receipt.ReceiptVerifier;
import dev.r1.stoke.receipt.Verification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Verifies receipts offline with the ledger's public key, as `r1 receipt verify` does. */
final class ReceiptCheck {
    private ReceiptCheck() {}

    static Verification verify(Path keyDir, byte[] receipt) {
        try {
            return new ReceiptVerifier(Keyring.load(List.of(keyDir))).verify(receipt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The receipt's decisions of {@code gate} on {@code transition}, in the receipt's (canonical) order. */
    static List<Event> decisions(Verification v, String gate, Transition transition) {
        return v.receipt().events().stream()
                .filter(e -> e.payload() instanceof Payload.GateDecision d && d.gate().equals(gate) && d.transition().equals(transition))
                .toList();
    }

    static Payload.GateDecision decision(Event e) {
        return (Payload.GateDecision) e.payload();
    }

    /** The receipt's transitions {@code from->to}. */
    static List<Event> transitions(Verification v, Stage from, Stage to) {
        return v.receipt().events().stream()
                .filter(e -> e.asTransition() != null && e.asTransition().from() == from && e.asTransition().to() == to).toList();
    }

    /** DONE or FAILED, from a receipt that verifies. */
    static String terminal(Verification v) {
        if (!v.valid()) throw new AssertionError("receipt does not verify: " + v.violation().getMessage());
        return v.receipt().terminal().asTransition().to().name();
    }
}
