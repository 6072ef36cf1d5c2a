package dev.r1.stoke.receipt;

import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.graph.TaskGraph;
import dev.r1.stoke.keys.SigningKey;
import java.util.List;

/** Checks one task's events as the ledger does, puts them in canonical order and signs them. */
public final class ReceiptSealer {
    private final SigningKey key;

    public ReceiptSealer(SigningKey key) {
        this.key = key;
    }

    /** @throws dev.r1.stoke.StokeViolation when the events do not form a sealed, gated graph */
    public SealedReceipt seal(List<Event> events) {
        List<Event> ordered = TaskGraph.of(events).validate();
        String kid = key.keyId();
        // One pass: the events are written straight into the file, whose unsigned part is digested in place.
        ReceiptLayout.Sealed sealed = ReceiptLayout.seal(ordered, kid, key::sign);
        return new SealedReceipt(new Receipt(ordered, sealed.signature(), kid, Sha256.toHex(sealed.digest())),
                sealed.file());
    }
}
