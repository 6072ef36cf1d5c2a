package dev.r1.stoke.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.r1.stoke.Conformance;
import dev.r1.stoke.Rule;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Tier;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.json.StrictJson;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.keys.VerifyingKey;
import dev.r1.stoke.receipt.ReceiptVerifier;
import dev.r1.stoke.receipt.Verification;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The JSON Schemas of docs/schema against the conformance vectors: every event of every valid
 * receipt and every seal input matches the event schema, every valid receipt matches the receipt
 * schema, and events the codec refuses for their shape are refused by the schema too.
 */
class JsonSchemaTest {
    private static final String BASE = "https://r1.dev/schema/";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String ZEROS = "0".repeat(64);

    private static JsonSchemaFactory factory;
    private static JsonSchema eventSchema;
    private static JsonSchema receiptSchema;

    /** docs/schema of the project, whichever directory Maven runs the tests from. */
    static Path schemaDir() {
        Path base = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        for (Path dir = base; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs").resolve("schema");
            if (Files.isRegularFile(candidate.resolve("stoke-event.schema.json"))) return candidate;
        }
        throw new IllegalStateException("docs/schema not found above " + base);
    }

    @BeforeAll
    static void loadSchemas() {
        String local = schemaDir().toUri().toString();
        factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(BASE, local)));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().build();
        eventSchema = factory.getSchema(SchemaLocation.of(BASE + "stoke-event.schema.json"), config);
        receiptSchema = factory.getSchema(SchemaLocation.of(BASE + "stoke-receipt.schema.json"), config);
    }

    @Test
    void schemasAreValidDraft202012Schemas() throws IOException {
        JsonSchema meta = factory.getSchema(SchemaLocation.of(SchemaId.V202012));
        for (String name : List.of("stoke-event.schema.json", "stoke-receipt.schema.json")) {
            JsonNode schema = StrictJson.parse(Files.readAllBytes(schemaDir().resolve(name)));
            assertThat(messages(meta.validate(schema))).as(name).isEmpty();
            assertThat(schema.path("$schema").textValue()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(schema.path("$id").textValue()).isEqualTo(BASE + name);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyValidReceiptAndEachOfItsEventsMatch() throws IOException {
        List<Path> files = list("valid", ".json");
        assertThat(files).isNotEmpty();
        return files.stream().map(file -> DynamicTest.dynamicTest("valid/" + file.getFileName(), () -> {
            JsonNode receipt = StrictJson.parse(Files.readAllBytes(file));
            assertThat(messages(receiptSchema.validate(receipt))).as(file.toString()).isEmpty();
            JsonNode events = receipt.get("events");
            assertThat(events.size()).isGreaterThanOrEqualTo(2);
            for (int i = 0; i < events.size(); i++) {
                assertThat(messages(eventSchema.validate(events.get(i)))).as(file + " event " + i).isEmpty();
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everySealInputLineAndSealedReceiptMatch() throws IOException {
        List<Path> inputs = list("seal", ".events.jsonl");
        assertThat(inputs).isNotEmpty();
        List<DynamicTest> tests = new ArrayList<>();
        for (Path input : inputs) {
            tests.add(DynamicTest.dynamicTest("seal/" + input.getFileName(), () -> {
                List<String> lines = Files.readAllLines(input, StandardCharsets.UTF_8);
                int checked = 0;
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).isBlank()) continue;
                    JsonNode event = StrictJson.parse(lines.get(i));
                    assertThat(messages(eventSchema.validate(event))).as(input.getFileName() + ":" + (i + 1)).isEmpty();
                    checked++;
                }
                assertThat(checked).isGreaterThan(0);
            }));
            String name = input.getFileName().toString().replace(".events.jsonl", ".receipt.json");
            Path receipt = input.resolveSibling(name);
            if (Files.exists(receipt)) {
                tests.add(DynamicTest.dynamicTest("seal/" + name, () -> assertThat(
                        messages(receiptSchema.validate(StrictJson.parse(Files.readAllBytes(receipt))))).isEmpty()));
            }
        }
        return tests.stream();
    }

    /** One event of each of the nine types, with every optional member, as the codec writes them. */
    @TestFactory
    Stream<DynamicTest> eventsOfAllNineTypesFromTheCodecMatch() {
        Map<EventType, Event> built = allTypes();
        assertThat(built.keySet()).containsExactlyInAnyOrder(EventType.values());
        return built.values().stream().map(e -> DynamicTest.dynamicTest(e.type().name(), () -> {
            ObjectNode json = EventCodec.toJson(e, true);
            assertThat(messages(eventSchema.validate(json))).as(json.toString()).isEmpty();
        }));
    }

    /** Both the schema and the codec take an exit code written as 2.0: JSON Schema's integer is "no fraction". */
    @Test
    void integralExitCodeWithADecimalPointIsAnInteger() {
        ObjectNode event = EventCodec.toJson(allTypes().get(EventType.TOOL_CALL), true);
        event.put("exit_code", 2.0);
        assertThat(messages(eventSchema.validate(event))).isEmpty();
        assertThat(EventCodec.readShape(event).payload()).isInstanceOfSatisfying(Payload.ToolCall.class,
                p -> assertThat(p.exitCode()).isEqualTo(2L));
    }

    /**
     * Broken events: the schema refuses each, and so does {@link EventCodec#readShape}, with the
     * event-shape rule; so the schema and the codec agree on these cases.
     */
    @TestFactory
    Stream<DynamicTest> brokenEventsAreRejected() throws IOException {
        Map<String, ObjectNode> samples = samplesByType();
        Map<EventType, Event> built = allTypes();
        Map<String, Broken> cases = new LinkedHashMap<>();
        cases.put("unknown member", new Broken("THOUGHT", e -> e.put("colour", "red")));
        cases.put("member of another type", new Broken("THOUGHT", e -> e.putObject("args")));
        cases.put("unknown type", new Broken("THOUGHT", e -> e.put("type", "THINKING")));
        cases.put("type in lower case", new Broken("GATE_DECISION", e -> e.put("type", "gate_decision")));
        cases.put("no type", new Broken("THOUGHT", e -> e.remove("type")));
        cases.put("upper-case hex result_hash", new Broken("TOOL_CALL",
                e -> e.put("result_hash", e.get("result_hash").textValue().toUpperCase())));
        cases.put("63-digit fingerprint", new Broken("MEMORY_READ",
                e -> e.put("fingerprint", e.get("fingerprint").textValue().substring(1))));
        cases.put("hash with a trailing newline", new Broken("ARTIFACT",
                e -> e.put("content_hash", e.get("content_hash").textValue() + "\n")));
        cases.put("id not hex", new Broken("THOUGHT", e -> e.put("id", "z".repeat(64))));
        cases.put("caused_by holds a non-id", new Broken("THOUGHT", e -> e.putArray("caused_by").add("root")));
        cases.put("caused_by twice the same id", new Broken("THOUGHT",
                e -> e.putArray("caused_by").add(ZEROS).add(ZEROS)));
        cases.put("THOUGHT without detail", new Broken("THOUGHT", e -> e.remove("detail")));
        cases.put("MEMORY_READ without tier", new Broken("MEMORY_READ", e -> e.remove("tier")));
        cases.put("unknown tier", new Broken("MEMORY_WRITE", e -> e.put("tier", "L4")));
        cases.put("unknown phase", new Broken("THOUGHT", e -> e.put("phase", "DONE")));
        cases.put("negative t", new Broken("THOUGHT", e -> e.put("t", -1)));
        cases.put("t as a string", new Broken("THOUGHT", e -> e.put("t", "1.5")));
        cases.put("task with a space", new Broken("THOUGHT", e -> e.put("task", "task 1")));
        cases.put("task with a trailing newline", new Broken("THOUGHT", e -> e.put("task", "task-1\n")));
        cases.put("empty task", new Broken("THOUGHT", e -> e.put("task", "")));
        cases.put("task of 129 characters", new Broken("THOUGHT", e -> e.put("task", "t".repeat(129))));
        cases.put("verdict in upper case", new Broken("GATE_DECISION", e -> e.put("verdict", "ALLOW")));
        cases.put("transition not FROM->TO", new Broken("GATE_DECISION", e -> e.put("transition", "PLAN=>EXECUTE")));
        cases.put("transition with a trailing newline", new Broken("GATE_DECISION",
                e -> e.put("transition", "PLAN->EXECUTE\n")));
        cases.put("transition from DONE", new Broken("PHASE_TRANSITION", e -> e.put("from", "DONE")));
        cases.put("transition to START", new Broken("PHASE_TRANSITION", e -> e.put("to", "START")));
        cases.put("override with an unknown member", new Broken("PHASE_TRANSITION", e -> e.putObject("override")
                .put("operator", "op").put("reason", "why").put("by", "me").putArray("decisions")));
        cases.put("override without decisions", new Broken("PHASE_TRANSITION",
                e -> e.putObject("override").put("operator", "op").put("reason", "why")));
        cases.put("confidence above 1", new Broken("SKILL_AUTHORING_DECISION", e -> e.put("confidence", 1.5)));
        cases.put("provenance not an array", new Broken("BEACON_LEDGER_EVENT", e -> e.put("provenance", "cli")));
        cases.put("exit_code with a fraction", new Broken("TOOL_CALL", e -> e.put("exit_code", 1.5)));
        cases.put("x not an object", new Broken("ARTIFACT", e -> e.put("x", "ext")));

        return cases.entrySet().stream().map(c -> DynamicTest.dynamicTest(c.getKey(), () -> {
            Broken broken = c.getValue();
            ObjectNode base = samples.containsKey(broken.type()) ? samples.get(broken.type()).deepCopy()
                    : EventCodec.toJson(built.get(EventType.valueOf(broken.type())), true);
            assertThat(messages(eventSchema.validate(base))).as("the unbroken " + broken.type()).isEmpty();
            ObjectNode event = base.deepCopy();
            broken.change().accept(event);
            assertThat(messages(eventSchema.validate(event))).as(event.toString()).isNotEmpty();
            assertThatThrownBy(() -> EventCodec.readShape(event)).as(event.toString())
                    .isInstanceOfSatisfying(StokeViolation.class, v -> assertThat(v.rule()).isEqualTo(Rule.EVENT_SHAPE));
        }));
    }

    /** The schema refuses what the receipt schema should: wrong frame, bad signature text, unknown members. */
    @TestFactory
    Stream<DynamicTest> brokenReceiptsAreRejected() throws IOException {
        ObjectNode valid = (ObjectNode) StrictJson.parse(Files.readAllBytes(list("valid", ".json").get(0)));
        Map<String, Consumer<ObjectNode>> cases = new LinkedHashMap<>();
        cases.put("unknown member", r -> r.put("comment", "hi"));
        cases.put("spec_version 1.1", r -> r.put("spec_version", "1.1"));
        cases.put("spec_version as a number", r -> r.put("spec_version", 1.0));
        cases.put("no signature", r -> r.remove("signature"));
        cases.put("padded signature", r -> r.put("signature", r.get("signature").textValue() + "=="));
        cases.put("signature with stray bits", r -> {
            String s = r.get("signature").textValue();
            r.put("signature", s.substring(0, s.length() - 1) + "B");
        });
        cases.put("signature in standard base64", r -> r.put("signature", "ed25519:+" + r.get("signature").textValue().substring(9)));
        cases.put("kid in upper case", r -> r.put("signing_key_id", r.get("signing_key_id").textValue().toUpperCase()));
        cases.put("one event only", r -> r.putArray("events").add(r.get("events").get(0)));
        cases.put("an event with an unknown member", r -> ((ObjectNode) r.get("events").get(1)).put("colour", "red"));
        assertThat(messages(receiptSchema.validate(valid))).isEmpty();
        return cases.entrySet().stream().map(c -> DynamicTest.dynamicTest(c.getKey(), () -> {
            ObjectNode receipt = valid.deepCopy();
            c.getValue().accept(receipt);
            assertThat(messages(receiptSchema.validate(receipt))).isNotEmpty();
        }));
    }

    /**
     * Every invalid vector the verifier refuses for its frame or an event's shape is refused by the
     * receipt schema too (e.g. an unknown event type); the others are well-formed and the schema
     * cannot tell them from valid receipts.
     */
    @Test
    void invalidVectorsBrokenInShapeAreRejected() throws IOException {
        ReceiptVerifier verifier = new ReceiptVerifier(Keyring.of(VerifyingKey.fromPem(
                Files.readString(Conformance.resolve("keys/signer.pub.pem"), StandardCharsets.US_ASCII))));
        int shapeBroken = 0;
        for (Path file : list("invalid", ".json")) {
            byte[] bytes = Files.readAllBytes(file);
            Verification v = verifier.verify(bytes);
            assertThat(v.valid()).as(file.toString()).isFalse();
            Rule rule = v.violation().rule();
            if (rule == Rule.PARSE) continue;
            Set<ValidationMessage> errors = receiptSchema.validate(StrictJson.parse(bytes));
            if (rule == Rule.SPEC_VERSION || rule == Rule.EVENT_SHAPE) {
                assertThat(messages(errors)).as(file + " (" + rule.title() + ")").isNotEmpty();
                shapeBroken++;
            }
        }
        assertThat(shapeBroken).as("the vectors include an unknown event type").isGreaterThan(0);
    }

    private record Broken(String type, Consumer<ObjectNode> change) {}

    private static List<String> messages(Set<ValidationMessage> errors) {
        return errors.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.toList());
    }

    private static List<Path> list(String dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(Conformance.resolve(dir))) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** The first event of each type found in the valid receipts. */
    private static Map<String, ObjectNode> samplesByType() throws IOException {
        Map<String, ObjectNode> samples = new LinkedHashMap<>();
        for (Path file : list("valid", ".json")) {
            for (JsonNode event : StrictJson.parse(Files.readAllBytes(file)).get("events")) {
                samples.putIfAbsent(event.get("type").textValue(), (ObjectNode) event);
            }
        }
        return samples;
    }

    private static Map<EventType, Event> allTypes() {
        String task = "schema-test:1";
        Event root = EventCodec.create(task, Phase.PLAN, 0, "start", null, null, List.of(), null,
                new Payload.PhaseTransition(Stage.START, Stage.PLAN, List.of(), null));
        List<String> causes = List.of(root.id());
        ObjectNode x = NODES.objectNode().put("vendor", "r1");
        ObjectNode args = NODES.objectNode().put("path", "/src").put("n", 3);
        Map<EventType, Event> out = new LinkedHashMap<>();
        out.put(EventType.PHASE_TRANSITION, EventCodec.create(task, Phase.VERIFY, 12_345, "VERIFY->COMMIT", null, null,
                List.of(ZEROS, root.id()), x, new Payload.PhaseTransition(Stage.VERIFY, Stage.COMMIT, List.of("review", "tests"),
                        new Payload.Override("op-alice", "accepted risk", List.of(ZEROS)))));
        out.put(EventType.THOUGHT, EventCodec.create(task, Phase.PLAN, 1, "plan", "think", null, causes, null,
                new Payload.Thought()));
        out.put(EventType.TOOL_CALL, EventCodec.create(task, Phase.EXECUTE, 2_500, "bash", "ran it", Tier.SEMANTIC, causes, x,
                new Payload.ToolCall(args, ZEROS, -1L)));
        out.put(EventType.MEMORY_READ, EventCodec.create(task, Phase.PLAN, 3, "cache", null, Tier.WORKING, causes, null,
                new Payload.MemoryRead("k", ZEROS)));
        out.put(EventType.MEMORY_WRITE, EventCodec.create(task, Phase.COMMIT, 4, "cache", null, Tier.PROCEDURAL, causes, null,
                new Payload.MemoryWrite("k", ZEROS, ZEROS)));
        out.put(EventType.GATE_DECISION, EventCodec.create(task, Phase.VERIFY, 5, "tests", null, null, causes, null,
                new Payload.GateDecision("tests", Transition.of(Stage.VERIFY, Stage.COMMIT), Verdict.ESCALATE, "flaky")));
        out.put(EventType.ARTIFACT, EventCodec.create(task, Phase.EXECUTE, 6, "patch", null, null, causes, null,
                new Payload.Artifact(ZEROS, "text/x-diff", "blob:sha256:" + ZEROS)));
        out.put(EventType.SKILL_AUTHORING_DECISION, EventCodec.create(task, Phase.PLAN, 7, "skill", null, Tier.EPISODIC, causes, null,
                new Payload.SkillAuthoringDecision("q-1", "yes", NODES.objectNode().put("intent", "confirm"), 0.75)));
        out.put(EventType.BEACON_LEDGER_EVENT, EventCodec.create(task, Phase.EXECUTE, 8, "beacon", null, null, causes, null,
                new Payload.BeaconLedgerEvent("session_opened", "op-alice", "laptop-7", "beacon-3",
                        NODES.arrayNode().add("cli").add(NODES.objectNode().put("via", "ssh")))));
        return out;
    }
}
