package dev.r1.stoke.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.Conformance;
import dev.r1.stoke.Rule;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.json.Jcs;
import dev.r1.stoke.json.StrictJson;
import dev.r1.stoke.testkit.ReceiptForge;
import dev.r1.stoke.testkit.SampleRun;
import dev.r1.stoke.testkit.Violations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Events on the wire (STOKE v1.0 §2): the id is SHA-256 of JCS(event without id), and decoding loses nothing. */
class EventCodecTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String ROOT = "a".repeat(64);
    private static final String OTHER = "0123456789abcdef".repeat(4);

    @Test
    void theIdIsTheHashOfTheCanonicalEventWithoutIt() {
        Event e = EventCodec.create("task-1", Phase.PLAN, 1500, "think", "why \u2028 \ud83d\ude80", null,
                List.of(ROOT), null, new Payload.Thought());
        String withoutId = "{\"caused_by\":[\"" + ROOT + "\"],\"detail\":\"why \u2028 \ud83d\ude80\",\"label\":\"think\","
                + "\"phase\":\"PLAN\",\"t\":1.5,\"task\":\"task-1\",\"type\":\"THOUGHT\"}";
        assertThat(e.id()).isEqualTo(Sha256.hex(withoutId.getBytes(StandardCharsets.UTF_8)));
        String withId = withoutId.replace(",\"label\"", ",\"id\":\"" + e.id() + "\",\"label\"");
        assertThat(new String(EventCodec.canonical(e), StandardCharsets.UTF_8)).isEqualTo(withId);
    }

    @Test
    void aTransitionWithAnOverrideIsWrittenInJcsOrder() {
        Event e = EventCodec.create("t", Phase.VERIFY, 2000, "VERIFY->COMMIT", null, null, List.of(ROOT, OTHER), null,
                new Payload.PhaseTransition(Stage.VERIFY, Stage.COMMIT, List.of("lint", "tests"),
                        new Payload.Override("op", "why not", List.of(OTHER))));
        String withoutId = "{\"caused_by\":[\"" + OTHER + "\",\"" + ROOT + "\"],\"from\":\"VERIFY\","
                + "\"label\":\"VERIFY->COMMIT\",\"override\":{\"decisions\":[\"" + OTHER + "\"],\"operator\":\"op\","
                + "\"reason\":\"why not\"},\"phase\":\"VERIFY\",\"required_gates\":[\"lint\",\"tests\"],\"t\":2,"
                + "\"task\":\"t\",\"to\":\"COMMIT\",\"type\":\"PHASE_TRANSITION\"}";
        assertThat(e.id()).isEqualTo(Sha256.hex(withoutId.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0} ms -> t={1}")
    @CsvSource({"0, 0", "1, 0.001", "10, 0.01", "100, 0.1", "999, 0.999", "1000, 1", "1500, 1.5", "2070, 2.07",
            "123456789, 123456.789", "86400000, 86400", "31536000123, 31536000.123"})
    void tIsSecondsWithAtMostThreeDecimals(long millis, String wire) {
        Event e = EventCodec.create("t", Phase.PLAN, millis, "l", "d", null, List.of(ROOT), null, new Payload.Thought());
        assertThat(new String(EventCodec.canonical(e), StandardCharsets.UTF_8)).contains(",\"t\":" + wire + ",");
        assertThat(EventCodec.decode(EventCodec.canonical(e)).tMillis()).isEqualTo(millis);
    }

    @Test
    void causesAreSortedAndDeduplicated() {
        Event e = EventCodec.create("t", Phase.PLAN, 1, "l", "d", null, List.of(ROOT, OTHER, ROOT), null,
                new Payload.Thought());
        assertThat(e.causedBy()).containsExactly(OTHER, ROOT);
    }

    @Test
    void everyTypeSurvivesTheWire() {
        ObjectNode interpretation = NODES.objectNode().put("scope", "repo").put("n", 3);
        ArrayNode provenance = NODES.arrayNode().add("ledger:1").add(NODES.objectNode().put("at", 1.25));
        ObjectNode x = NODES.objectNode().put("vendor.trace", "abc");
        List<Event> events = List.of(
                EventCodec.create("t", Phase.PLAN, 1, "l", "d", Tier.WORKING, List.of(ROOT), x, new Payload.Thought()),
                EventCodec.create("t", Phase.EXECUTE, 2, "grep", null, null, List.of(ROOT), null,
                        new Payload.ToolCall(NODES.objectNode().put("q", "x"), OTHER, -1L)),
                EventCodec.create("t", Phase.EXECUTE, 3, "k", null, Tier.PROCEDURAL, List.of(ROOT), null,
                        new Payload.MemoryRead("k", OTHER)),
                EventCodec.create("t", Phase.EXECUTE, 4, "k", null, Tier.SEMANTIC, List.of(ROOT), null,
                        new Payload.MemoryWrite("k", OTHER, ROOT)),
                EventCodec.create("t", Phase.VERIFY, 5, "tests", null, null, List.of(ROOT), null,
                        new Payload.GateDecision("tests", Transition.of(Stage.VERIFY, Stage.COMMIT), Verdict.ESCALATE, "r")),
                EventCodec.create("t", Phase.COMMIT, 6, "a", null, null, List.of(ROOT), null,
                        new Payload.Artifact(OTHER, "text/plain", "blob:" + OTHER)),
                EventCodec.create("t", Phase.PLAN, 7, "q", null, Tier.EPISODIC, List.of(ROOT), null,
                        new Payload.SkillAuthoringDecision("q1", "yes", interpretation, 0.75)),
                EventCodec.create("t", Phase.PLAN, 8, "b", null, null, List.of(ROOT), null,
                        new Payload.BeaconLedgerEvent("claimed", "op", "dev-1", "b-9", provenance)));
        assertThat(events.stream().map(Event::type).distinct()).hasSize(8);
        for (Event e : events) {
            Event back = EventCodec.decode(EventCodec.canonical(e));
            assertThat(back).isEqualTo(e);
            assertThat(EventCodec.canonical(back)).isEqualTo(EventCodec.canonical(e));
        }
    }

    /** The direct writer and the Jackson tree must give the same bytes for every event. */
    @Test
    void canonicalBytesAreTheJcsOfTheJsonForm() throws IOException {
        List<Event> events = new ArrayList<>(new SampleRun().events);
        for (String line : conformanceEventLines().toList()) events.add(EventCodec.decode(line.getBytes(StandardCharsets.UTF_8)));
        for (Event e : events) {
            assertThat(EventCodec.canonical(e)).isEqualTo(Jcs.canonicalize(EventCodec.toJson(e, true)));
            assertThat(ReceiptForge.idOf(EventCodec.toJson(e, true))).isEqualTo(e.id());
        }
    }

    /** Decoding keeps every member as it was: re-encoding gives back the bytes the id was taken over. */
    @ParameterizedTest(name = "{index}")
    @MethodSource("conformanceEventLines")
    void conformanceEventsRoundTrip(String line) {
        JsonNode node = StrictJson.parse(line);
        Event e = EventCodec.decode(line.getBytes(StandardCharsets.UTF_8));
        assertThat(e.id()).isEqualTo(node.get("id").textValue());
        assertThat(EventCodec.canonical(e)).isEqualTo(Jcs.canonicalize(node));
    }

    /**
     * An {@code exit_code} the codec accepts must come back as the same JSON, or a sealed
     * receipt would hold an event whose id is not the hash of its bytes.
     */
    @ParameterizedTest(name = "exit_code {0}")
    @ValueSource(strings = {"0", "-1", "255", "3.0", "-0", "9007199254740992", "-9007199254740992", "1e21", "1e300",
            "-1.7976931348623157e308", "1e-300"})
    void anAcceptedExitCodeSurvivesReEncoding(String exitCode) {
        byte[] json = toolCallWithExitCode(exitCode);
        Event e;
        try {
            e = EventCodec.decode(json);
        } catch (StokeViolation refused) {
            assertThat(refused.rule()).isIn(Rule.EVENT_SHAPE, Rule.PARSE);
            return;
        }
        assertThat(new String(EventCodec.canonical(e), StandardCharsets.UTF_8))
                .isEqualTo(Jcs.canonicalString(StrictJson.parse(json)));
    }

    @ParameterizedTest(name = "exit_code {0}")
    @ValueSource(strings = {"2.5", "\"0\"", "true", "1e300", "-1e21"})
    void anExitCodeMustBeASafeInteger(String exitCode) {
        byte[] json = toolCallWithExitCode(exitCode);
        StokeViolation v = catchThrowableOfType(StokeViolation.class, () -> EventCodec.decode(json));
        Violations.assertViolation(v, Rule.EVENT_SHAPE, StrictJson.parse(json).get("id").textValue());
        assertThat(v.getMessage()).contains("exit_code");
    }

    @Test
    void aChangedMemberNoLongerMatchesTheId() {
        ObjectNode node = EventCodec.toJson(new SampleRun().planThought, true);
        String id = node.get("id").textValue();
        node.put("detail", "something else");
        StokeViolation v = catchThrowableOfType(StokeViolation.class, () -> EventCodec.decode(node));
        Violations.assertViolation(v, Rule.ID_MISMATCH, id);
        assertThat(v.getMessage()).contains(ReceiptForge.idOf(node));
    }

    @Test
    void anEventThatIsNotJsonIsAParseError() {
        StokeViolation v = catchThrowableOfType(StokeViolation.class,
                () -> EventCodec.decode("{\"id\":".getBytes(StandardCharsets.UTF_8)));
        Violations.assertViolation(v, Rule.PARSE, null);
    }

    private static byte[] toolCallWithExitCode(String exitCode) {
        String body = "{\"args\":{},\"caused_by\":[\"" + ROOT + "\"],\"exit_code\":" + exitCode + ",\"label\":\"run\","
                + "\"phase\":\"EXECUTE\",\"result_hash\":\"" + OTHER + "\",\"t\":1,\"task\":\"t\",\"type\":\"TOOL_CALL\"}";
        ObjectNode node = (ObjectNode) StrictJson.parse(body);
        node.put("id", ReceiptForge.idOf(node));
        // keep the exit_code spelled as given: splice the id into the text rather than re-serialising
        String withId = body.substring(0, body.length() - 1) + ",\"id\":\"" + node.get("id").textValue() + "\"}";
        return withId.getBytes(StandardCharsets.UTF_8);
    }

    static Stream<String> conformanceEventLines() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(Conformance.resolve("seal"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".events.jsonl")).sorted().toList()) {
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) lines.add(line);
                }
            }
        }
        return lines.stream();
    }
}
