package dev.r1.stoke.receipt;

import dev.r1.stoke.json.Jcs;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The JCS bytes of a receipt, written directly: its four member names are ASCII and
 * sort as events, signature, signing_key_id, spec_version, so the canonical form is a
 * fixed frame around the events' own canonical bytes.
 */
final class ReceiptLayout {
    static final String SIGNATURE_PREFIX = "ed25519:";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private ReceiptLayout() {}

    /** The receipt without {@code signature}: what the digest is taken over. */
    static byte[] unsigned(List<byte[]> canonicalEvents, String kid) {
        return write(canonicalEvents, null, kid);
    }

    static byte[] signed(List<byte[]> canonicalEvents, String signature, String kid) {
        return write(canonicalEvents, signature, kid);
    }

    static String encodeSignature(byte[] signature) {
        return SIGNATURE_PREFIX + BASE64URL.encodeToString(signature);
    }

    private static byte[] write(List<byte[]> events, String signature, String kid) {
        int size = 64 + kid.length() + (signature == null ? 0 : signature.length());
        for (byte[] e : events) size += e.length + 1;
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
        out.ascii(",\"signing_key_id\":");
        Jcs.writeString(kid, out);
        out.ascii(",\"spec_version\":\"" + Receipt.SPEC_VERSION + "\"}");
        return out.toByteArray();
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
