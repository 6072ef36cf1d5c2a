package dev.r1.stoke.receipt;

import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.graph.TaskGraph;
import dev.r1.stoke.keys.SigningKey;
import java.util.ArrayList;
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
        List<byte[]> canonical = new ArrayList<>(ordered.size());
        for (Event e : ordered) canonical.add(EventCodec.canonical(e));
        String kid = key.keyId();
        byte[] digest = Sha256.digest(ReceiptLayout.unsigned(canonical, kid));
        String signature = ReceiptLayout.encodeSignature(key.sign(digest));
        byte[] file = ReceiptLayout.signed(canonical, signature, kid);
        return new SealedReceipt(new Receipt(ordered, signature, kid, Sha256.toHex(digest)), file);
    }
}
