package dev.r1.standalone;

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

    /** DONE or FAILED, from a receipt that verifies. */
    static String terminal(Verification v) {
        if (!v.valid()) throw new AssertionError("receipt does not verify: " + v.violation().getMessage());
        return v.receipt().terminal().asTransition().to().name();
    }
}
