package dev.r1.stoke.testkit;

import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.receipt.ReceiptVerifier;

/** Fixed keys, so that every run of the tests signs the same bytes. */
public final class TestKeys {
    /** The key the tests seal with; the verifier below trusts it. */
    public static final SigningKey SIGNER = SigningKey.fromSeed(seed(1));
    /** A well-formed key that {@link #VERIFIER} does not trust. */
    public static final SigningKey STRANGER = SigningKey.fromSeed(seed(101));

    public static final ReceiptVerifier VERIFIER = new ReceiptVerifier(Keyring.of(SIGNER.verifyingKey()));

    private TestKeys() {}

    private static byte[] seed(int first) {
        byte[] seed = new byte[32];
        for (int i = 0; i < seed.length; i++) seed[i] = (byte) (first + i);
        return seed;
    }
}
