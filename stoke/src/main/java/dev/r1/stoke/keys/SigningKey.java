package dev.r1.stoke.keys;

import java.io.IOException;
import java.security.SecureRandom;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;

/** An Ed25519 private key. Ed25519 is deterministic: the same key and message give the same signature. */
public final class SigningKey {
    private final Ed25519PrivateKeyParameters key;
    private final VerifyingKey verifyingKey;

    private SigningKey(Ed25519PrivateKeyParameters key) {
        this.key = key;
        this.verifyingKey = new VerifyingKey(key.generatePublicKey());
    }

    public static SigningKey generate() {
        return new SigningKey(new Ed25519PrivateKeyParameters(new SecureRandom()));
    }

    /** The 32-byte seed of RFC 8032. */
    public static SigningKey fromSeed(byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new KeyFormatException("an Ed25519 private key is 32 bytes, got " + seed.length);
        }
        return new SigningKey(new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** Reads a PKCS#8 {@code BEGIN PRIVATE KEY} PEM. */
    public static SigningKey fromPem(String pem) {
        byte[] der = Pem.read(pem, "PRIVATE KEY");
        AsymmetricKeyParameter parameter;
        try {
            parameter = PrivateKeyFactory.createKey(PrivateKeyInfo.getInstance(der));
        } catch (IOException | RuntimeException e) {
            throw new KeyFormatException("not a PKCS#8 private key: " + e.getMessage(), e);
        }
        if (!(parameter instanceof Ed25519PrivateKeyParameters ed)) {
            throw new KeyFormatException("not an Ed25519 private key: " + parameter.getClass().getSimpleName());
        }
        return new SigningKey(ed);
    }

    public String toPem() {
        try {
            return Pem.write("PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(key).getEncoded());
        } catch (IOException e) {
            throw new KeyFormatException("cannot encode private key", e);
        }
    }

    public VerifyingKey verifyingKey() {
        return verifyingKey;
    }

    public String keyId() {
        return verifyingKey.keyId();
    }

    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId() + "]";
    }
}
