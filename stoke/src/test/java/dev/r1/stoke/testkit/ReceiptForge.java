package dev.r1.stoke.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.json.Jcs;
import dev.r1.stoke.json.StrictJson;
import dev.r1.stoke.keys.SigningKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Writes receipts at the JSON level, without {@code ReceiptSealer}, so that tests can sign
 * receipts the sealer would refuse to make. Follows STOKE v1.0 §5 on its own: the digest is
 * SHA-256 of JCS(receipt without signature), the signature is Ed25519 over the digest.
 */
public final class ReceiptForge {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ReceiptForge() {}

    public static ObjectNode json(Event e) {
        return EventCodec.toJson(e, true).deepCopy();
    }

    public static List<ObjectNode> json(List<Event> events) {
        List<ObjectNode> out = new ArrayList<>(events.size());
        for (Event e : events) out.add(json(e));
        return out;
    }

    public static String id(JsonNode event) {
        return event.get("id").textValue();
    }

    /** SHA-256 of the JCS bytes of the event without {@code id}. */
    public static String idOf(JsonNode event) {
        ObjectNode copy = event.deepCopy();
        copy.remove("id");
        return Sha256.hex(Jcs.canonicalize(copy));
    }

    public static ObjectNode find(List<ObjectNode> events, String id) {
        return events.stream().filter(e -> id.equals(id(e))).findFirst()
                .orElseThrow(() -> new AssertionError("no event " + id));
    }

    /**
     * Re-derives ids in causal order after edits, rewriting each {@code caused_by} to the new ids.
     * A {@code caused_by} whose causes keep their ids is left exactly as it is (so an edit to its
     * order survives); one whose causes were renamed is re-sorted. {@code override.decisions} is
     * rewritten the same way. Events in a cycle keep their ids.
     */
    public static void rehash(List<ObjectNode> events) {
        Map<String, ObjectNode> byOldId = new HashMap<>();
        for (ObjectNode e : events) byOldId.put(id(e), e);
        Map<String, String> renamed = new HashMap<>();
        Set<ObjectNode> done = Collections.newSetFromMap(new IdentityHashMap<>());
        boolean progress = true;
        while (progress) {
            progress = false;
            for (ObjectNode e : events) {
                if (done.contains(e)) continue;
                List<String> causes = strings(e.get("caused_by"));
                JsonNode override = e.get("override");
                List<String> overridden = override != null && override.get("decisions") != null
                        ? strings(override.get("decisions")) : List.of();
                boolean waiting = false;
                for (String c : concat(causes, overridden)) {
                    if (byOldId.containsKey(c) && !renamed.containsKey(c) && byOldId.get(c) != e) waiting = true;
                }
                if (waiting) continue;
                List<String> fresh = causes.stream().map(c -> renamed.getOrDefault(c, c)).toList();
                if (!fresh.equals(causes)) {
                    ArrayNode array = e.putArray("caused_by");
                    fresh.stream().sorted().forEach(array::add);
                }
                List<String> freshOverridden = overridden.stream().map(c -> renamed.getOrDefault(c, c)).toList();
                if (!freshOverridden.equals(overridden)) {
                    ArrayNode array = ((ObjectNode) override).putArray("decisions");
                    freshOverridden.stream().sorted().forEach(array::add);
                }
                String old = id(e);
                e.put("id", idOf(e));
                renamed.put(old, id(e));
                done.add(e);
                progress = true;
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Kahn's sort taking the smallest ready id, written independently of {@code TaskGraph}; unknown causes are ignored. */
    public static List<ObjectNode> canonicalOrder(List<ObjectNode> events) {
        Map<String, ObjectNode> byId = new HashMap<>();
        for (ObjectNode e : events) {
            if (byId.put(id(e), e) != null) throw new IllegalArgumentException("duplicate " + id(e));
        }
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<String>> effects = new HashMap<>();
        PriorityQueue<String> ready = new PriorityQueue<>();
        for (ObjectNode e : events) {
            int n = 0;
            for (String c : strings(e.get("caused_by"))) {
                if (byId.containsKey(c)) {
                    n++;
                    effects.computeIfAbsent(c, k -> new ArrayList<>()).add(id(e));
                }
            }
            waiting.put(id(e), n);
            if (n == 0) ready.add(id(e));
        }
        List<ObjectNode> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            String next = ready.poll();
            out.add(byId.get(next));
            for (String effect : effects.getOrDefault(next, List.of())) {
                if (waiting.merge(effect, -1, Integer::sum) == 0) ready.add(effect);
            }
        }
        if (out.size() != events.size()) throw new IllegalArgumentException("cycle");
        return out;
    }

    /** The receipt file for these events, in the order given. */
    public static byte[] sign(List<? extends JsonNode> orderedEvents, SigningKey key) {
        return signReceipt(unsigned(orderedEvents, key.keyId()), key);
    }

    /** The receipt file for these events, put in canonical order first. */
    public static byte[] seal(List<ObjectNode> events, SigningKey key) {
        return sign(canonicalOrder(events), key);
    }

    public static ObjectNode unsigned(List<? extends JsonNode> orderedEvents, String kid) {
        ObjectNode receipt = NODES.objectNode();
        ArrayNode array = receipt.putArray("events");
        orderedEvents.forEach(array::add);
        receipt.put("signing_key_id", kid);
        receipt.put("spec_version", "1.0");
        return receipt;
    }

    /** Signs whatever members the receipt has: the digest covers all of them but {@code signature}. */
    public static byte[] signReceipt(ObjectNode receipt, SigningKey key) {
        ObjectNode signed = receipt.deepCopy();
        signed.remove("signature");
        byte[] digest = Sha256.digest(Jcs.canonicalize(signed));
        signed.put("signature", encodeSignature(key.sign(digest)));
        return Jcs.canonicalize(signed);
    }

    /** Parses a receipt file, lets {@code edit} change it, and signs the result again with {@code key}. */
    public static byte[] resign(byte[] file, Consumer<ObjectNode> edit, SigningKey key) {
        ObjectNode receipt = (ObjectNode) StrictJson.parse(file);
        edit.accept(receipt);
        return signReceipt(receipt, key);
    }

    /** Replaces the signature without signing: the digest does not cover it. */
    public static byte[] withSignature(byte[] file, String signature) {
        ObjectNode receipt = (ObjectNode) StrictJson.parse(file);
        receipt.put("signature", signature);
        return Jcs.canonicalize(receipt);
    }

    public static String signatureOf(byte[] file) {
        return StrictJson.parse(file).get("signature").textValue();
    }

    public static String encodeSignature(byte[] raw) {
        return "ed25519:" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** Adds a cause, keeping {@code caused_by} sorted. */
    public static void addCause(ObjectNode event, String cause) {
        List<String> causes = new ArrayList<>(strings(event.get("caused_by")));
        causes.add(cause);
        ArrayNode array = event.putArray("caused_by");
        causes.stream().sorted().forEach(array::add);
    }

    public static void removeCause(ObjectNode event, String cause) {
        List<String> causes = new ArrayList<>(strings(event.get("caused_by")));
        if (!causes.remove(cause)) throw new AssertionError(cause + " is not a cause of " + id(event));
        ArrayNode array = event.putArray("caused_by");
        causes.forEach(array::add);
    }

    public static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.textValue());
        return out;
    }
}
