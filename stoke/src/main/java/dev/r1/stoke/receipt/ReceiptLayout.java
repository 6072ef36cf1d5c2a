package dev.r1.stoke.receipt;

import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.json.Jcs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * The JCS bytes of a receipt, written directly: its four member names are ASCII and
 * sort as events, signature, signing_key_id, spec_version, so the canonical form is a
 * fixed frame around the events' own canonical bytes.
 */
final class ReceiptLayout {
    static final String SIGNATURE_PREFIX = "ed25519:";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    /** Holds the place of the signature while a file is sealed: as long as every encoded Ed25519 signature. */
    private static final String PLACEHOLDER = encodeSignature(new byte[64]);

    /** {@code {"events":[} + {@code ]} + {@code ,"signing_key_id":""} + {@code ,"spec_version":"1.0"}}. */
    private static final int FRAME = 11 + 1 + 20 + 22;
    /** {@code ,"signature":""}. */
    private static final int SIGNATURE_MEMBER = 15;

    private ReceiptLayout() {}

    /** The receipt without {@code signature}: what the digest is taken over. */
    static byte[] unsigned(List<byte[]> canonicalEvents, String kid) {
        return write(canonicalEvents, null, kid);
    }

    static String encodeSignature(byte[] signature) {
        return SIGNATURE_PREFIX + BASE64URL.encodeToString(signature);
    }

    /** A sealed receipt file, its receipt digest and the signature written in it. */
    record Sealed(byte[] file, byte[] digest, String signature) {}

    /**
     * Seals events already in canonical order in one pass: each event's JCS bytes are written
     * straight into the file, with the signature's place held by a placeholder of its length;
     * the receipt digest is taken over the file less its {@code signature} member (exactly the
     * bytes of {@link #unsigned}, fed to SHA-256 in two ranges), signed, and the signature
     * written into its place.
     */
    static Sealed seal(List<Event> ordered, String kid, Function<byte[], byte[]> sign) {
        Jcs.Sink out = new Jcs.Sink(512 * ordered.size() + 256);
        out.ascii("{\"events\":[");
        for (int i = 0; i < ordered.size(); i++) {
            if (i > 0) out.write(',');
            EventCodec.writeCanonical(ordered.get(i), out);
        }
        out.write(']');
        int signatureFrom = out.size();
        out.ascii(",\"signature\":");
        Jcs.writeString(PLACEHOLDER, out);
        int signatureTo = out.size();
        writeTail(kid, out);
        byte[] file = out.toByteArray();

        MessageDigest sha256 = Sha256.newDigest();
        sha256.update(file, 0, signatureFrom);
        sha256.update(file, signatureTo, file.length - signatureTo);
        byte[] digest = sha256.digest();
        String signature = encodeSignature(sign.apply(digest));
        if (signature.length() != PLACEHOLDER.length()) {
            throw new IllegalStateException("an Ed25519 signature is 64 bytes, got " + signature);
        }
        // "ed25519:" and base64url are plain ASCII, which JCS writes as they are, a byte each
        int at = signatureFrom + ",\"signature\":\"".length();
        for (int i = 0; i < signature.length(); i++) file[at + i] = (byte) signature.charAt(i);
        return new Sealed(file, digest, signature);
    }

    private static byte[] write(List<byte[]> events, String signature, String kid) {
        // The exact size when kid and signature need no escaping (always, for valid receipts),
        // so the buffer is never grown and is handed out without a copy.
        int size = FRAME + kid.length() + (signature == null ? 0 : SIGNATURE_MEMBER + signature.length());
        for (byte[] e : events) size += e.length;
        size += Math.max(0, events.size() - 1);
        Jcs.Sink out = new Jcs.Sink(size);
        out.ascii("{\"events\":[");
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) out.write(',');
            out.write(events.get(i));
        }
        out.write(']');
        if (signature != null) {
            out.ascii(",\"signature\":");
            Jcs.writeString(signature, out);
        }
        writeTail(kid, out);
        return out.toByteArray();
    }

    private static void writeTail(String kid, Jcs.Sink out) {
        out.ascii(",\"signing_key_id\":");
        Jcs.writeString(kid, out);
        out.ascii(",\"spec_version\":\"" + Receipt.SPEC_VERSION + "\"}");
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
