package dev.r1.stoke.receipt;

import static dev.r1.stoke.Rule.PARSE;
import static dev.r1.stoke.Rule.SIGNATURE;
import static dev.r1.stoke.Rule.SPEC_VERSION;
import static dev.r1.stoke.Rule.UNKNOWN_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.graph.TaskGraph;
import dev.r1.stoke.json.InvalidJsonException;
import dev.r1.stoke.json.Jcs;
import dev.r1.stoke.json.StrictJson;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.keys.VerifyingKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies receipt files against a keyring, checking the rules in the order of
 * {@link dev.r1.stoke.Rule} and reporting the first one broken. The file must be the
 * exact JCS bytes of the receipt (one trailing newline allowed), so that every byte is
 * covered by either the signature or the canonical form.
 */
public final class ReceiptVerifier {
    private static final Set<String> MEMBERS = Set.of("events", "signature", "signing_key_id", "spec_version");
    private static final Pattern KID = Pattern.compile("kid:[0-9a-f]{64}");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");

    private final Keyring keyring;

    public ReceiptVerifier(Keyring keyring) {
        this.keyring = keyring;
    }

    public Verification verify(byte[] file) {
        Receipt[] read = new Receipt[1];
        try {
            check(file, read);
            return new Verification(read[0], null);
        } catch (StokeViolation v) {
            return new Verification(read[0], v);
        }
    }

    private void check(byte[] file, Receipt[] read) {
        byte[] body = file;
        if (body.length > 0 && body[body.length - 1] == '\n') body = Arrays.copyOf(body, body.length - 1);
        JsonNode root;
        try {
            root = StrictJson.parse(body);
        } catch (InvalidJsonException e) {
            throw new StokeViolation(PARSE, e.getMessage());
        }
        if (!Arrays.equals(body, Jcs.canonicalize(root))) {
            throw new StokeViolation(PARSE, "the file is not in canonical (JCS) form");
        }
        if (!root.isObject()) throw new StokeViolation(SPEC_VERSION, "a receipt is a JSON object");
        Iterator<String> names = root.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!MEMBERS.contains(name)) throw new StokeViolation(SPEC_VERSION, "unknown receipt member " + name);
        }
        JsonNode version = root.get("spec_version");
        if (version == null || !Receipt.SPEC_VERSION.equals(version.textValue())) {
            throw new StokeViolation(SPEC_VERSION, "spec_version must be \"1.0\", got " + version);
        }
        JsonNode eventsNode = root.get("events");
        JsonNode signatureNode = root.get("signature");
        JsonNode kidNode = root.get("signing_key_id");
        if (eventsNode == null || !eventsNode.isArray()) throw new StokeViolation(SPEC_VERSION, "events must be an array");
        if (signatureNode == null || !signatureNode.isTextual()) throw new StokeViolation(SPEC_VERSION, "signature must be a string");
        if (kidNode == null || !kidNode.isTextual()) throw new StokeViolation(SPEC_VERSION, "signing_key_id must be a string");

        List<Event> events = new ArrayList<>(eventsNode.size());
        for (JsonNode node : eventsNode) events.add(EventCodec.readShape(node));

        String kid = kidNode.textValue();
        String signature = signatureNode.textValue();
        List<byte[]> canonical = new ArrayList<>(events.size());
        for (JsonNode node : eventsNode) canonical.add(Jcs.canonicalize(node));
        byte[] digest = Sha256.digest(ReceiptLayout.unsigned(canonical, kid));
        // From here on the receipt can be shown, even if a later rule rejects it.
        if (!events.isEmpty()) read[0] = new Receipt(events, signature, kid, Sha256.toHex(digest));

        for (int i = 0; i < events.size(); i++) EventCodec.checkId(eventsNode.get(i), events.get(i));

        TaskGraph graph = TaskGraph.of(events);
        List<Event> order = graph.canonicalOrder();
        graph.checkRoot();
        graph.checkSink();
        graph.checkTransitions();
        TaskGraph.checkOrder(events, order);
        graph.checkGates();

        if (!KID.matcher(kid).matches()) throw new StokeViolation(UNKNOWN_KEY, "signing_key_id must be kid:<64 hex>");
        Optional<VerifyingKey> key = keyring.find(kid);
        if (key.isEmpty()) throw new StokeViolation(UNKNOWN_KEY, "untrusted signing key " + kid);
        byte[] raw = decodeSignature(signature);
        if (!key.get().verify(digest, raw)) throw new StokeViolation(SIGNATURE, "signature does not verify");
    }

    /** Strict: exactly {@code ed25519:} and the unpadded base64url of 64 bytes, re-encoding to itself. */
    private static byte[] decodeSignature(String signature) {
        if (!signature.startsWith(ReceiptLayout.SIGNATURE_PREFIX)) {
            throw new StokeViolation(SIGNATURE, "signature must start with ed25519:");
        }
        String encoded = signature.substring(ReceiptLayout.SIGNATURE_PREFIX.length());
        if (!BASE64URL.matcher(encoded).matches()) throw new StokeViolation(SIGNATURE, "signature is not unpadded base64url");
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new StokeViolation(SIGNATURE, "signature is not base64url: " + e.getMessage());
        }
        if (raw.length != 64 || !ReceiptLayout.encodeSignature(raw).equals(signature)) {
            throw new StokeViolation(SIGNATURE, "signature is not the canonical encoding of 64 bytes");
        }
        return raw;
    }
}
