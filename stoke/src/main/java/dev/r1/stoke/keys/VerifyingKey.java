package dev.r1.stoke.keys;

import dev.r1.stoke.Sha256;
import java.io.IOException;
import java.util.Arrays;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/** An Ed25519 public key; its kid is derived from the raw 32 bytes, never taken from a file name. */
public final class VerifyingKey {
    private final Ed25519PublicKeyParameters key;
    private final String kid;

    VerifyingKey(Ed25519PublicKeyParameters key) {
        this.key = key;
        this.kid = "kid:" + Sha256.hex(key.getEncoded());
    }

    public static VerifyingKey fromRaw(byte[] raw) {
        if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            throw new KeyFormatException("an Ed25519 public key is 32 bytes, got " + raw.length);
        }
        return new VerifyingKey(new Ed25519PublicKeyParameters(raw, 0));
    }

    /** Reads an SPKI {@code BEGIN PUBLIC KEY} PEM. */
    public static VerifyingKey fromPem(String pem) {
        byte[] der = Pem.read(pem, "PUBLIC KEY");
        AsymmetricKeyParameter parameter;
        try {
            parameter = PublicKeyFactory.createKey(SubjectPublicKeyInfo.getInstance(der));
        } catch (IOException | RuntimeException e) {
            throw new KeyFormatException("not an SPKI public key: " + e.getMessage(), e);
        }
        if (!(parameter instanceof Ed25519PublicKeyParameters ed)) {
            throw new KeyFormatException("not an Ed25519 public key: " + parameter.getClass().getSimpleName());
        }
        return new VerifyingKey(ed);
    }

    public String toPem() {
        try {
            return Pem.write("PUBLIC KEY", SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded());
        } catch (IOException e) {
            throw new KeyFormatException("cannot encode public key", e);
        }
    }

    /** {@code kid:} followed by the hex SHA-256 of the raw public key. */
    public String keyId() {
        return kid;
    }

    public byte[] raw() {
        return key.getEncoded();
    }

    /** Pure Ed25519 (RFC 8032) verification of {@code signature} over {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) return false;
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifyingKey other && Arrays.equals(raw(), other.raw());
    }

    @Override
    public int hashCode() {
        return kid.hashCode();
    }

    @Override
    public String toString() {
        return kid;
    }
}
