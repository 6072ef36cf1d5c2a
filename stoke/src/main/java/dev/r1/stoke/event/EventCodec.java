package dev.r1.stoke.event;

import static dev.r1.stoke.Rule.EVENT_SHAPE;
import static dev.r1.stoke.Rule.ID_MISMATCH;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.Rule;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.json.Jcs;
import dev.r1.stoke.json.StrictJson;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Converts events to and from their JSON form, enforcing the shape rules of STOKE v1.0 §2. */
public final class EventCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private EventCodec() {}

    /** Builds an event and derives its id from its content. */
    public static Event create(String task, Phase phase, long tMillis, String label, String detail, Tier tier,
            List<String> causedBy, ObjectNode x, Payload payload) {
        List<String> causes = causedBy.stream().distinct().sorted().toList();
        Event draft = new Event("0".repeat(64), task, phase, tMillis, label, detail, tier, causes, x, payload);
        String id = Sha256.hex(canonicalWithoutId(draft));
        Event event = new Event(id, task, phase, tMillis, label, detail, tier, causes, x, payload);
        return decode(toJson(event, true));
    }

    /** Parses and checks one event; the id must be the hash of the rest. */
    public static Event decode(byte[] json) {
        JsonNode node;
        try {
            node = StrictJson.parse(json);
        } catch (RuntimeException e) {
            throw new StokeViolation(Rule.PARSE, e.getMessage());
        }
        return decode(node);
    }

    /** Checks the shape of one event and that its id is the hash of its other members. */
    public static Event decode(JsonNode node) {
        Event event = readShape(node);
        checkId(node, event);
        return event;
    }

    /** Refuses an event whose id is not the hash of the JSON it was read from. */
    public static void checkId(JsonNode node, Event event) {
        String expected = idOf(node);
        if (!expected.equals(event.id())) {
            throw new StokeViolation(ID_MISMATCH, event.id(), "content hashes to " + expected);
        }
    }

    /** SHA-256 of the JCS bytes of the event without its {@code id} member. */
    public static String idOf(JsonNode eventJson) {
        return Sha256.hex(Jcs.canonicalizeWithout(eventJson, "id"));
    }

    /**
     * The JCS bytes of an event, written straight from the typed record: the same bytes as
     * {@code Jcs.canonicalize(toJson(event, true))} without building and sorting a Jackson tree.
     */
    public static byte[] canonical(Event event) {
        return CanonicalWriter.write(event, true);
    }

    /** Appends the JCS bytes of an event, those of {@link #canonical}, to {@code out}. */
    public static void writeCanonical(Event event, Jcs.Sink out) {
        CanonicalWriter.write(event, true, out);
    }

    /** The JCS bytes of an event without its {@code id}: what the id is the hash of. */
    public static byte[] canonicalWithoutId(Event event) {
        return CanonicalWriter.write(event, false);
    }

    public static ObjectNode toJson(Event e, boolean withId) {
        ObjectNode o = NODES.objectNode();
        if (withId) o.put("id", e.id());
        o.put("task", e.task());
        o.put("type", e.type().name());
        o.put("phase", e.phase().name());
        if (e.tMillis() % 1000 == 0) {
            o.put("t", e.tMillis() / 1000);
        } else {
            o.put("t", e.tMillis() / 1000.0);
        }
        o.put("label", e.label());
        if (e.detail() != null) o.put("detail", e.detail());
        if (e.tier() != null) o.put("tier", e.tier().wire());
        ArrayNode causes = o.putArray("caused_by");
        e.causedBy().forEach(causes::add);
        if (e.x() != null) o.set("x", e.x());
        Payload payload = e.payload();
        if (payload instanceof Payload.ToolCall p) {
            o.set("args", p.args());
            o.put("result_hash", p.resultHash());
            if (p.exitCode() != null) o.put("exit_code", p.exitCode());
        } else if (payload instanceof Payload.MemoryRead p) {
            o.put("key", p.key());
            o.put("fingerprint", p.fingerprint());
        } else if (payload instanceof Payload.MemoryWrite p) {
            o.put("key", p.key());
            o.put("fingerprint", p.fingerprint());
            o.put("diff_hash", p.diffHash());
        } else if (payload instanceof Payload.PhaseTransition p) {
            o.put("from", p.from().name());
            o.put("to", p.to().name());
            ArrayNode gates = o.putArray("required_gates");
            p.requiredGates().forEach(gates::add);
            if (p.override() != null) {
                ObjectNode ov = o.putObject("override");
                ov.put("operator", p.override().operator());
                ov.put("reason", p.override().reason());
                ArrayNode ds = ov.putArray("decisions");
                p.override().decisions().forEach(ds::add);
            }
        } else if (payload instanceof Payload.GateDecision p) {
            o.put("gate", p.gate());
            o.put("transition", p.transition().wire());
            o.put("verdict", p.verdict().wire());
            o.put("reason", p.reason());
        } else if (payload instanceof Payload.Artifact p) {
            o.put("content_hash", p.contentHash());
            o.put("media_type", p.mediaType());
            if (p.uri() != null) o.put("uri", p.uri());
        } else if (payload instanceof Payload.SkillAuthoringDecision p) {
            o.put("question_id", p.questionId());
            o.put("answer", p.answer());
            o.set("interpretation", p.interpretation());
            o.put("confidence", p.confidence());
        } else if (payload instanceof Payload.BeaconLedgerEvent p) {
            o.put("kind", p.kind());
            o.put("operator", p.operator());
            o.put("device", p.device());
            o.put("beacon", p.beacon());
            o.set("provenance", p.provenance());
        }
        return o;
    }

    /** Checks the members of one event, but not its id; {@link #checkId} does that. */
    public static Event readShape(JsonNode node) {
        if (!node.isObject()) {
            throw new StokeViolation(EVENT_SHAPE, "an event must be a JSON object, got " + node.getNodeType());
        }
        Members m = new Members((ObjectNode) node);
        String id = m.string("id");
        if (!Sha256.isHex(id)) m.fail("id must be 64 lowercase hex digits");
        String task = m.string("task");
        if (!TASK_ID.matcher(task).matches()) m.fail("task must be 1-128 characters of [A-Za-z0-9._:-]");
        String typeName = m.string("type");
        EventType type = EventType.fromWire(typeName).orElseThrow(() -> m.error("unknown type " + typeName));
        String phaseName = m.string("phase");
        Phase phase = switch (phaseName) {
            case "PLAN" -> Phase.PLAN;
            case "EXECUTE" -> Phase.EXECUTE;
            case "VERIFY" -> Phase.VERIFY;
            case "COMMIT" -> Phase.COMMIT;
            default -> throw m.error("unknown phase " + phaseName);
        };
        long tMillis = m.millis("t");
        String label = m.string("label");
        String detail = m.optionalString("detail");
        String tierName = m.optionalString("tier");
        Tier tier = tierName == null ? null
                : Tier.fromWire(tierName).orElseThrow(() -> m.error("unknown tier " + tierName));
        List<String> causedBy = m.ascendingStrings("caused_by", true);
        ObjectNode x = m.optionalObject("x");

        Payload payload = switch (type) {
            case THOUGHT -> {
                if (detail == null) m.fail("THOUGHT needs detail");
                yield new Payload.Thought();
            }
            case TOOL_CALL -> new Payload.ToolCall(m.object("args"), m.hash("result_hash"), m.optionalInteger("exit_code"));
            case MEMORY_READ -> {
                if (tier == null) m.fail("MEMORY_READ needs tier");
                yield new Payload.MemoryRead(m.string("key"), m.hash("fingerprint"));
            }
            case MEMORY_WRITE -> {
                if (tier == null) m.fail("MEMORY_WRITE needs tier");
                yield new Payload.MemoryWrite(m.string("key"), m.hash("fingerprint"), m.hash("diff_hash"));
            }
            case PHASE_TRANSITION -> {
                Stage from = m.stage("from");
                Stage to = m.stage("to");
                if (from.terminal()) m.fail("from must be START or a phase, not " + from);
                if (to == Stage.START) m.fail("to must be a phase, DONE or FAILED, not START");
                yield new Payload.PhaseTransition(from, to, m.ascendingStrings("required_gates", false), m.override());
            }
            case GATE_DECISION -> {
                String gate = m.string("gate");
                String tr = m.string("transition");
                Transition transition = Transition.fromWire(tr).orElseThrow(() -> m.error("transition must be FROM->TO, got " + tr));
                String v = m.string("verdict");
                Verdict verdict = Verdict.fromWire(v).orElseThrow(() -> m.error("verdict must be allow, block or escalate, got " + v));
                yield new Payload.GateDecision(gate, transition, verdict, m.string("reason"));
            }
            case ARTIFACT -> new Payload.Artifact(m.hash("content_hash"), m.string("media_type"), m.optionalString("uri"));
            case SKILL_AUTHORING_DECISION -> {
                String question = m.string("question_id");
                String answer = m.string("answer");
                ObjectNode interpretation = m.object("interpretation");
                double confidence = m.number("confidence");
                if (!(confidence >= 0 && confidence <= 1)) m.fail("confidence must be between 0 and 1");
                yield new Payload.SkillAuthoringDecision(question, answer, interpretation, confidence);
            }
            case BEACON_LEDGER_EVENT -> new Payload.BeaconLedgerEvent(m.string("kind"), m.string("operator"),
                    m.string("device"), m.string("beacon"), m.array("provenance"));
        };
        m.requireNoOthers();
        return new Event(id, task, phase, tMillis, label, detail, tier, causedBy, x, payload);
    }

    /** Reads members of one event object and remembers which were read, so leftovers can be refused. */
    private static final class Members {
        private final ObjectNode node;
        private final Set<String> seen = new HashSet<>();
        private final String id;

        Members(ObjectNode node) {
            this.node = node;
            JsonNode idNode = node.get("id");
            this.id = idNode != null && idNode.isTextual() ? idNode.textValue() : null;
        }

        StokeViolation error(String message) {
            return new StokeViolation(EVENT_SHAPE, id, message);
        }

        void fail(String message) {
            throw error(message);
        }

        private JsonNode get(String name, boolean required) {
            seen.add(name);
            JsonNode v = node.get(name);
            if (v == null && required) fail("missing " + name);
            return v;
        }

        String string(String name) {
            JsonNode v = get(name, true);
            if (!v.isTextual()) fail(name + " must be a string");
            return v.textValue();
        }

        String optionalString(String name) {
            JsonNode v = get(name, false);
            if (v == null) return null;
            if (!v.isTextual()) fail(name + " must be a string");
            return v.textValue();
        }

        String hash(String name) {
            String s = string(name);
            if (!Sha256.isHex(s)) fail(name + " must be 64 lowercase hex digits");
            return s;
        }

        double number(String name) {
            JsonNode v = get(name, true);
            if (!v.isNumber()) fail(name + " must be a number");
            return v.doubleValue();
        }

        long millis(String name) {
            double t = number(name);
            if (t < 0) fail(name + " must be >= 0");
            long ms = Math.round(t * 1000);
            if (ms / 1000.0 != t) fail(name + " has more than 3 decimals: " + node.get(name));
            return ms;
        }

        Long optionalInteger(String name) {
            JsonNode v = get(name, false);
            if (v == null) return null;
            // within ±2^53, where a long and a double agree, so that the value is written back as it was read
            double d = v.doubleValue();
            boolean integer = v.isIntegralNumber()
                    ? v.canConvertToLong() && v.longValue() <= StrictJson.MAX_SAFE_INTEGER
                            && v.longValue() >= -StrictJson.MAX_SAFE_INTEGER
                    : v.isNumber() && d == Math.rint(d) && Math.abs(d) <= StrictJson.MAX_SAFE_INTEGER;
            if (!integer) fail(name + " must be an integer within ±2^53");
            return v.longValue();
        }

        ObjectNode object(String name) {
            JsonNode v = get(name, true);
            if (!v.isObject()) fail(name + " must be an object");
            return (ObjectNode) v;
        }

        ObjectNode optionalObject(String name) {
            JsonNode v = get(name, false);
            if (v == null) return null;
            if (!v.isObject()) fail(name + " must be an object");
            return (ObjectNode) v;
        }

        ArrayNode array(String name) {
            JsonNode v = get(name, true);
            if (!v.isArray()) fail(name + " must be an array");
            return (ArrayNode) v;
        }

        Stage stage(String name) {
            String s = string(name);
            return Stage.fromWire(s).orElseThrow(() -> error(name + " is not a stage: " + s));
        }

        List<String> ascendingStrings(String name, boolean hashes) {
            return ascending(array(name), name, hashes);
        }

        private List<String> ascending(ArrayNode array, String name, boolean hashes) {
            List<String> out = new ArrayList<>(array.size());
            String previous = null;
            for (JsonNode item : array) {
                if (!item.isTextual()) fail(name + " must hold strings");
                String s = item.textValue();
                if (hashes && !Sha256.isHex(s)) fail(name + " must hold 64-hex event ids, got " + s);
                if (previous != null && previous.compareTo(s) >= 0) {
                    fail(name + " must be strictly ascending: " + previous + " then " + s);
                }
                out.add(s);
                previous = s;
            }
            return out;
        }

        Payload.Override override() {
            JsonNode v = get("override", false);
            if (v == null) return null;
            if (!v.isObject()) fail("override must be an object");
            Iterator<String> names = v.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!Set.of("operator", "reason", "decisions").contains(n)) fail("override has unknown member " + n);
            }
            JsonNode operator = v.get("operator");
            JsonNode reason = v.get("reason");
            JsonNode decisions = v.get("decisions");
            if (operator == null || !operator.isTextual()) fail("override.operator must be a string");
            if (reason == null || !reason.isTextual()) fail("override.reason must be a string");
            if (decisions == null || !decisions.isArray()) fail("override.decisions must be an array");
            return new Payload.Override(operator.textValue(), reason.textValue(),
                    ascending((ArrayNode) decisions, "override.decisions", true));
        }

        void requireNoOthers() {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!seen.contains(n)) fail("unknown member " + n);
            }
        }
    }
}
