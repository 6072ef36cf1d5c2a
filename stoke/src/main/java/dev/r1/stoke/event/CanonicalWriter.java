package dev.r1.stoke.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1.stoke.json.Jcs;
import dev.r1.stoke.json.StrictJson;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the JCS bytes of a typed {@link Event} directly, member by member, in the order JCS
 * sorts them. It produces exactly the bytes of {@code Jcs.canonicalize(EventCodec.toJson(e, withId))}
 * (same members, same number and string serialisation, nested objects through {@link Jcs#write}),
 * without building a Jackson tree and sorting its member names for every event: that tree was
 * most of the time of sealing a receipt.
 */
final class CanonicalWriter {
    /** Every member an event can have; sorted below by UTF-16 code units, as JCS orders them. */
    private static final String[] NAMES = {
        "id", "task", "type", "phase", "t", "label", "detail", "tier", "caused_by", "x",
        "args", "result_hash", "exit_code",
        "key", "fingerprint", "diff_hash",
        "from", "to", "required_gates", "override",
        "gate", "transition", "verdict", "reason",
        "content_hash", "media_type", "uri",
        "question_id", "answer", "interpretation", "confidence",
        "kind", "operator", "device", "beacon", "provenance",
    };
    /** The member names in JCS order, each already written as a JSON string and a colon. */
    private static final byte[][] KEYS;

    private static final int ID, TASK, TYPE, PHASE, T, LABEL, DETAIL, TIER, CAUSED_BY, X;
    private static final int ARGS, RESULT_HASH, EXIT_CODE, KEY, FINGERPRINT, DIFF_HASH;
    private static final int FROM, TO, REQUIRED_GATES, OVERRIDE, GATE, TRANSITION, VERDICT, REASON;
    private static final int CONTENT_HASH, MEDIA_TYPE, URI, QUESTION_ID, ANSWER, INTERPRETATION, CONFIDENCE;
    private static final int KIND, OPERATOR, DEVICE, BEACON, PROVENANCE;

    static {
        String[] sorted = NAMES.clone();
        Arrays.sort(sorted); // String order is UTF-16 code unit order, the order of JCS
        KEYS = new byte[sorted.length][];
        for (int i = 0; i < sorted.length; i++) {
            Jcs.Sink key = new Jcs.Sink(sorted[i].length() + 3);
            Jcs.writeString(sorted[i], key);
            key.write(':');
            KEYS[i] = key.toByteArray();
        }
        List<String> order = List.of(sorted);
        ID = order.indexOf("id");
        TASK = order.indexOf("task");
        TYPE = order.indexOf("type");
        PHASE = order.indexOf("phase");
        T = order.indexOf("t");
        LABEL = order.indexOf("label");
        DETAIL = order.indexOf("detail");
        TIER = order.indexOf("tier");
        CAUSED_BY = order.indexOf("caused_by");
        X = order.indexOf("x");
        ARGS = order.indexOf("args");
        RESULT_HASH = order.indexOf("result_hash");
        EXIT_CODE = order.indexOf("exit_code");
        KEY = order.indexOf("key");
        FINGERPRINT = order.indexOf("fingerprint");
        DIFF_HASH = order.indexOf("diff_hash");
        FROM = order.indexOf("from");
        TO = order.indexOf("to");
        REQUIRED_GATES = order.indexOf("required_gates");
        OVERRIDE = order.indexOf("override");
        GATE = order.indexOf("gate");
        TRANSITION = order.indexOf("transition");
        VERDICT = order.indexOf("verdict");
        REASON = order.indexOf("reason");
        CONTENT_HASH = order.indexOf("content_hash");
        MEDIA_TYPE = order.indexOf("media_type");
        URI = order.indexOf("uri");
        QUESTION_ID = order.indexOf("question_id");
        ANSWER = order.indexOf("answer");
        INTERPRETATION = order.indexOf("interpretation");
        CONFIDENCE = order.indexOf("confidence");
        KIND = order.indexOf("kind");
        OPERATOR = order.indexOf("operator");
        DEVICE = order.indexOf("device");
        BEACON = order.indexOf("beacon");
        PROVENANCE = order.indexOf("provenance");
    }

    private CanonicalWriter() {}

    static byte[] write(Event e, boolean withId) {
        Object[] v = members(e, withId);
        int size = 2;
        for (int i = 0; i < v.length; i++) {
            if (v[i] instanceof String s) size += KEYS[i].length + s.length() + 3;
            else if (v[i] instanceof List<?> l) size += KEYS[i].length + 67 * l.size() + 2;
            else if (v[i] != null) size += KEYS[i].length + 32;
        }
        Jcs.Sink out = new Jcs.Sink(size);
        write(v, out);
        return out.toByteArray();
    }

    /** Appends the event's JCS bytes to {@code out}. */
    static void write(Event e, boolean withId, Jcs.Sink out) {
        write(members(e, withId), out);
    }

    private static void write(Object[] v, Jcs.Sink out) {
        out.write('{');
        boolean first = true;
        for (int i = 0; i < v.length; i++) {
            Object value = v[i];
            if (value == null) continue;
            if (!first) out.write(',');
            first = false;
            out.write(KEYS[i]);
            writeValue(value, out);
        }
        out.write('}');
    }

    /**
     * The event's member values by their JCS position, null where absent, as toJson puts them:
     * String, Millis, Long, Double, JsonNode, List of String or Payload.Override.
     */
    private static Object[] members(Event e, boolean withId) {
        Object[] v = new Object[KEYS.length];
        if (withId) v[ID] = e.id();
        v[TASK] = e.task();
        v[TYPE] = e.type().name();
        v[PHASE] = e.phase().name();
        v[T] = new Millis(e.tMillis());
        v[LABEL] = e.label();
        v[DETAIL] = e.detail();
        if (e.tier() != null) v[TIER] = e.tier().wire();
        v[CAUSED_BY] = e.causedBy();
        v[X] = e.x();
        Payload payload = e.payload();
        if (payload instanceof Payload.ToolCall p) {
            v[ARGS] = p.args();
            v[RESULT_HASH] = p.resultHash();
            v[EXIT_CODE] = p.exitCode();
        } else if (payload instanceof Payload.MemoryRead p) {
            v[KEY] = p.key();
            v[FINGERPRINT] = p.fingerprint();
        } else if (payload instanceof Payload.MemoryWrite p) {
            v[KEY] = p.key();
            v[FINGERPRINT] = p.fingerprint();
            v[DIFF_HASH] = p.diffHash();
        } else if (payload instanceof Payload.PhaseTransition p) {
            v[FROM] = p.from().name();
            v[TO] = p.to().name();
            v[REQUIRED_GATES] = p.requiredGates();
            v[OVERRIDE] = p.override();
        } else if (payload instanceof Payload.GateDecision p) {
            v[GATE] = p.gate();
            v[TRANSITION] = p.transition().wire();
            v[VERDICT] = p.verdict().wire();
            v[REASON] = p.reason();
        } else if (payload instanceof Payload.Artifact p) {
            v[CONTENT_HASH] = p.contentHash();
            v[MEDIA_TYPE] = p.mediaType();
            v[URI] = p.uri();
        } else if (payload instanceof Payload.SkillAuthoringDecision p) {
            v[QUESTION_ID] = p.questionId();
            v[ANSWER] = p.answer();
            v[INTERPRETATION] = p.interpretation();
            v[CONFIDENCE] = p.confidence();
        } else if (payload instanceof Payload.BeaconLedgerEvent p) {
            v[KIND] = p.kind();
            v[OPERATOR] = p.operator();
            v[DEVICE] = p.device();
            v[BEACON] = p.beacon();
            v[PROVENANCE] = p.provenance();
        }
        return v;
    }

    private static void writeValue(Object value, Jcs.Sink out) {
        if (value instanceof String s) {
            Jcs.writeString(s, out);
        } else if (value instanceof Millis t) {
            writeSeconds(t.millis(), out);
        } else if (value instanceof Long n) {
            writeLong(n, out);
        } else if (value instanceof Double d) {
            Jcs.writeDouble(d, out);
        } else if (value instanceof JsonNode node) {
            Jcs.write(node, out);
        } else if (value instanceof List<?> strings) {
            writeStrings(strings, out);
        } else if (value instanceof Payload.Override o) {
            // {"decisions":[...],"operator":"...","reason":"..."}: already in JCS order
            out.ascii("{\"decisions\":");
            writeStrings(o.decisions(), out);
            out.ascii(",\"operator\":");
            Jcs.writeString(o.operator(), out);
            out.ascii(",\"reason\":");
            Jcs.writeString(o.reason(), out);
            out.write('}');
        } else {
            throw new IllegalStateException("no JSON form for " + value.getClass());
        }
    }

    private static void writeStrings(List<?> strings, Jcs.Sink out) {
        out.write('[');
        for (int i = 0; i < strings.size(); i++) {
            if (i > 0) out.write(',');
            Jcs.writeString((String) strings.get(i), out);
        }
        out.write(']');
    }

    /** The member {@code t}: a time in milliseconds, written in seconds. */
    private record Millis(long millis) {}

    /** Below this many milliseconds (about 35,700 years) {@link #writeSeconds} writes the digits itself. */
    private static final long EXACT_MILLIS = 1L << 50;

    /**
     * {@code t} as toJson puts it: whole seconds as an integer, otherwise the double
     * {@code millis / 1000.0} in its ES6 form. Below 2^50 ms (2^40 s) that form is the decimal
     * {@code millis / 1000} itself, trailing zeros dropped, so it is written here without the
     * general shortest-decimal algorithm. Why: the double is the one nearest that decimal D; any
     * decimal with fewer significant digits differs from D by at least 0.001, while two decimals
     * that round to the same double differ by at most its spacing, under 2^-11 s there; so D is
     * the shortest, and the only one of its length. ES6 writes numbers from 10^-7 to 10^21 in
     * plain positional notation ({@code 12.5}, {@code 0.005}).
     */
    private static void writeSeconds(long millis, Jcs.Sink out) {
        if (millis % 1000 == 0) {
            writeLong(millis / 1000, out);
        } else if (millis > 0 && millis < EXACT_MILLIS) {
            out.ascii(Long.toString(millis / 1000));
            int fraction = (int) (millis % 1000);
            out.write('.');
            out.write('0' + fraction / 100);
            if (fraction % 100 != 0) {
                out.write('0' + fraction / 10 % 10);
                if (fraction % 10 != 0) out.write('0' + fraction % 10);
            }
        } else {
            Jcs.writeDouble(millis / 1000.0, out);
        }
    }

    /** As {@link Jcs#writeNumber} writes an integral node: exact up to 2^53, the ES6 double form beyond. */
    private static void writeLong(long n, Jcs.Sink out) {
        if (Math.abs(n) <= StrictJson.MAX_SAFE_INTEGER) {
            out.ascii(Long.toString(n));
        } else {
            Jcs.writeDouble((double) n, out);
        }
    }
}
