package dev.r1.stoke;

import static dev.r1.stoke.testkit.ReceiptForge.addCause;
import static dev.r1.stoke.testkit.ReceiptForge.canonicalOrder;
import static dev.r1.stoke.testkit.ReceiptForge.find;
import static dev.r1.stoke.testkit.ReceiptForge.json;
import static dev.r1.stoke.testkit.ReceiptForge.rehash;
import static dev.r1.stoke.testkit.ReceiptForge.resign;
import static dev.r1.stoke.testkit.ReceiptForge.sign;
import static dev.r1.stoke.testkit.ReceiptForge.withSignature;
import static dev.r1.stoke.testkit.TestKeys.SIGNER;
import static dev.r1.stoke.testkit.TestKeys.STRANGER;
import static dev.r1.stoke.testkit.TestKeys.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.graph.TaskGraph;
import dev.r1.stoke.receipt.Verification;
import dev.r1.stoke.testkit.ReceiptForge;
import dev.r1.stoke.testkit.SampleRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every rule of STOKE v1.0 §6 has a receipt that breaks it and only it, reported under the
 * rule's own name; a receipt that breaks several is reported under the first in the spec's order.
 */
class EveryRuleIsReportedTest {
    private final SampleRun run = new SampleRun();

    @ParameterizedTest(name = "{0}")
    @EnumSource(Rule.class)
    void eachRuleHasItsOwnNamedError(Rule rule) {
        StokeViolation v = exemplar(rule);
        assertThat(v).as("no violation for %s", rule).isNotNull();
        assertThat(v.rule()).as(v.getMessage()).isEqualTo(rule);
        assertThat(v.getMessage()).startsWith(rule.title() + ": ");
    }

    @Test
    void rulesAreCheckedInTheOrderOfTheSpec() {
        // §6 lists them in this order; "transition" (an illegal move, §3) comes between sink and order
        assertThat(Arrays.stream(Rule.values()).map(Rule::title)).containsExactly("parse", "spec_version", "event shape",
                "id mismatch", "duplicate", "open graph", "cycle", "root", "sink", "transition", "order",
                "gate invariant", "unknown key", "signature");
    }

    @Test
    void theFirstBrokenRuleIsTheOneReported() {
        // an event-shape fault and a bad signature: event shape
        byte[] shapeAndSignature = withSignature(broken(e -> find(e, run.planThought.id()).put("colour", "red")),
                "ed25519:AAAA");
        assertThat(verify(shapeAndSignature).violation().rule()).isEqualTo(Rule.EVENT_SHAPE);
        // an id mismatch under an untrusted key: id mismatch
        byte[] idAndKey = resign(sign(canonicalOrder(edited(e -> find(e, run.planThought.id()).put("detail", "x"))),
                SIGNER), r -> r.put("signing_key_id", STRANGER.keyId()), STRANGER);
        assertThat(verify(idAndKey).violation().rule()).isEqualTo(Rule.ID_MISMATCH);
        // the wrong spec_version over an id mismatch: spec_version
        byte[] versionAndId = resign(idAndKey, r -> r.put("spec_version", "2.0"), STRANGER);
        assertThat(verify(versionAndId).violation().rule()).isEqualTo(Rule.SPEC_VERSION);
        // a gate bypassed, and the events out of order: order
        List<ObjectNode> bypassed = edited(e -> find(e, run.scopeFit.id()).put("verdict", "block"));
        rehash(bypassed);
        assertThat(verify(sign(canonicalOrder(bypassed), SIGNER)).violation().rule()).isEqualTo(Rule.GATE_INVARIANT);
        List<ObjectNode> reversed = new ArrayList<>(canonicalOrder(bypassed));
        java.util.Collections.swap(reversed, 1, 2);
        assertThat(verify(sign(reversed, SIGNER)).violation().rule()).isEqualTo(Rule.ORDER);
    }

    private StokeViolation exemplar(Rule rule) {
        return switch (rule) {
            case PARSE -> verify((new String(run.file(), java.nio.charset.StandardCharsets.UTF_8) + "\n\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)).violation();
            case SPEC_VERSION -> verify(resign(run.file(), r -> r.put("spec_version", "1.1"), SIGNER)).violation();
            case EVENT_SHAPE -> verify(broken(e -> find(e, run.planRead.id()).remove("tier"))).violation();
            case ID_MISMATCH -> verify(sign(canonicalOrder(edited(e -> { })).stream()
                    .peek(n -> { if (n.get("type").textValue().equals("THOUGHT")) n.put("detail", "changed"); })
                    .toList(), SIGNER)).violation();
            case DUPLICATE -> {
                List<ObjectNode> nodes = new ArrayList<>(canonicalOrder(json(run.events)));
                nodes.add(2, nodes.get(1).deepCopy());
                yield verify(sign(nodes, SIGNER)).violation();
            }
            case OPEN_GRAPH -> verify(sign(canonicalOrder(edited(e -> e.remove(find(e, run.planRead.id())))), SIGNER))
                    .violation();
            case CYCLE -> {
                String a = "a".repeat(64);
                String b = "b".repeat(64);
                Event root = new Event("0".repeat(64), "t", Phase.PLAN, 0, "s", null, null, List.of(), null,
                        new Payload.PhaseTransition(Stage.START, Stage.PLAN, List.of(), null));
                Event ea = new Event(a, "t", Phase.PLAN, 1, "a", "d", null, List.of(root.id(), b), null, new Payload.Thought());
                Event eb = new Event(b, "t", Phase.PLAN, 2, "b", "d", null, List.of(a), null, new Payload.Thought());
                yield catchThrowableOfType(StokeViolation.class, () -> TaskGraph.of(List.of(root, ea, eb)).validate());
            }
            case ROOT -> verify(broken(e -> {
                Event stray = EventCodec.create(SampleRun.TASK, Phase.PLAN, 1, "stray", "d", null, List.of(), null,
                        new Payload.Thought());
                e.add(json(stray));
                addCause(find(e, run.planToExecute.id()), stray.id());
            })).violation();
            case SINK -> verify(broken(e -> e.remove(find(e, run.done.id())))).violation();
            case TRANSITION -> verify(broken(e -> find(e, run.retry.id()).put("to", "PLAN"))).violation();
            case ORDER -> verify(resign(run.file(), r -> {
                ArrayNode events = (ArrayNode) r.get("events");
                events.insert(1, events.remove(2));
            }, SIGNER)).violation();
            case GATE_INVARIANT -> verify(broken(e -> find(e, run.planToExecute.id()).putArray("required_gates")
                    .add("budget").add("scope-fit").add("security"))).violation();
            case UNKNOWN_KEY -> verify(resign(run.file(), r -> r.put("signing_key_id", STRANGER.keyId()), STRANGER))
                    .violation();
            case SIGNATURE -> verify(resign(run.file(), r -> { }, STRANGER)).violation();
        };
    }

    private List<ObjectNode> edited(Consumer<List<ObjectNode>> edit) {
        List<ObjectNode> nodes = new ArrayList<>(json(run.events));
        edit.accept(nodes);
        return nodes;
    }

    /** Edits the events, re-derives every id, and signs them in canonical order. */
    private byte[] broken(Consumer<List<ObjectNode>> edit) {
        List<ObjectNode> nodes = edited(edit);
        rehash(nodes);
        return sign(canonicalOrder(nodes), SIGNER);
    }

    private static Verification verify(byte[] file) {
        return VERIFIER.verify(file);
    }
}
