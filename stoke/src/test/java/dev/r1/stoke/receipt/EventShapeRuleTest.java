package dev.r1.stoke.receipt;

import static dev.r1.stoke.Rule.EVENT_SHAPE;
import static dev.r1.stoke.testkit.ReceiptForge.canonicalOrder;
import static dev.r1.stoke.testkit.ReceiptForge.find;
import static dev.r1.stoke.testkit.ReceiptForge.id;
import static dev.r1.stoke.testkit.ReceiptForge.json;
import static dev.r1.stoke.testkit.ReceiptForge.rehash;
import static dev.r1.stoke.testkit.ReceiptForge.sign;
import static dev.r1.stoke.testkit.TestKeys.SIGNER;
import static dev.r1.stoke.testkit.TestKeys.VERIFIER;
import static dev.r1.stoke.testkit.Violations.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.testkit.ReceiptForge;
import dev.r1.stoke.testkit.SampleRun;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The "event shape" rule (STOKE v1.0 §2): each receipt below differs from a valid one in one
 * member of one event, with every id re-derived and the receipt signed again, so that the
 * shape is the only thing wrong. The verifier names that event.
 */
class EventShapeRuleTest {
    private final SampleRun run = new SampleRun();

    @Test
    void theUnbrokenReceiptIsValid() {
        assertThat(VERIFIER.verify(forged(run.planThought, e -> { })).violation()).isNull();
    }

    @Test
    void unknownMember() {
        assertShapeBroken(run.planThought, e -> e.put("colour", "red"), "unknown member colour");
    }

    @Test
    void tWithFourDecimals() {
        assertShapeBroken(run.toolCall, e -> e.put("t", 1.2345), "more than 3 decimals");
    }

    @Test
    void negativeT() {
        assertShapeBroken(run.toolCall, e -> e.put("t", -0.001), "t must be >= 0");
    }

    @Test
    void tThatIsNotANumber() {
        assertShapeBroken(run.toolCall, e -> e.put("t", "1.5"), "t must be a number");
    }

    @Test
    void causesNotAscending() {
        assertShapeBroken(run.done, e -> {
            List<String> causes = new ArrayList<>(ReceiptForge.strings(e.get("caused_by")));
            assertThat(causes).hasSizeGreaterThan(1);
            ArrayNode reversed = e.putArray("caused_by");
            for (int i = causes.size() - 1; i >= 0; i--) reversed.add(causes.get(i));
        }, "caused_by must be strictly ascending");
    }

    @Test
    void aCauseListedTwice() {
        assertShapeBroken(run.planThought, e -> ((ArrayNode) e.get("caused_by")).add(run.root.id()),
                "caused_by must be strictly ascending");
    }

    @Test
    void aCauseThatIsNotAnEventId() {
        assertShapeBroken(run.planThought, e -> e.putArray("caused_by").add(run.root.id().toUpperCase()),
                "caused_by must hold 64-hex event ids");
    }

    @Test
    void thoughtWithoutDetail() {
        assertShapeBroken(run.planThought, e -> e.remove("detail"), "THOUGHT needs detail");
    }

    @Test
    void memoryReadWithoutTier() {
        assertShapeBroken(run.planRead, e -> e.remove("tier"), "MEMORY_READ needs tier");
    }

    @Test
    void memoryWriteWithoutTier() {
        assertShapeBroken(run.memoryWrite, e -> e.remove("tier"), "MEMORY_WRITE needs tier");
    }

    @Test
    void storageNameInsteadOfTierLabel() {
        assertShapeBroken(run.planRead, e -> e.put("tier", "SEMANTIC"), "unknown tier SEMANTIC");
    }

    @Test
    void unknownType() {
        assertShapeBroken(run.planThought, e -> e.put("type", "THINKING"), "unknown type THINKING");
    }

    @Test
    void unknownPhase() {
        assertShapeBroken(run.planThought, e -> e.put("phase", "DONE"), "unknown phase DONE");
    }

    @Test
    void taskWithForbiddenCharacters() {
        assertShapeBroken(run.planThought, e -> e.put("task", "task one"), "task must be");
    }

    @Test
    void taskTooLong() {
        assertShapeBroken(run.planThought, e -> e.put("task", "t".repeat(129)), "task must be");
    }

    @Test
    void missingLabel() {
        assertShapeBroken(run.planThought, e -> e.remove("label"), "missing label");
    }

    @Test
    void toolCallWithoutResultHash() {
        assertShapeBroken(run.toolCall, e -> e.remove("result_hash"), "missing result_hash");
    }

    @Test
    void hashInUpperCase() {
        assertShapeBroken(run.toolCall, e -> e.put("result_hash", e.get("result_hash").textValue().toUpperCase()),
                "result_hash must be 64 lowercase hex digits");
    }

    @Test
    void argsThatAreNotAnObject() {
        assertShapeBroken(run.toolCall, e -> e.putArray("args"), "args must be an object");
    }

    @Test
    void exitCodeThatIsNotAnInteger() {
        assertShapeBroken(run.toolCall, e -> e.put("exit_code", 1.5), "exit_code must be an integer");
    }

    @Test
    void verdictOutsideAllowBlockEscalate() {
        assertShapeBroken(run.budget, e -> e.put("verdict", "ALLOW"), "verdict must be allow, block or escalate");
    }

    @Test
    void gateTransitionNotWrittenFromArrowTo() {
        assertShapeBroken(run.budget, e -> e.put("transition", "PLAN=>EXECUTE"), "transition must be FROM->TO");
    }

    @Test
    void requiredGatesNotSorted() {
        assertShapeBroken(run.verifyToCommit, e -> e.putArray("required_gates").add("tests").add("lint"),
                "required_gates must be strictly ascending");
    }

    @Test
    void transitionBackToStart() {
        assertShapeBroken(run.retry, e -> e.put("to", "START"), "to must be a phase, DONE or FAILED");
    }

    @Test
    void transitionOutOfATerminal() {
        assertShapeBroken(run.retry, e -> e.put("from", "DONE"), "from must be START or a phase");
    }

    @Test
    void transitionToAnUnknownStage() {
        assertShapeBroken(run.retry, e -> e.put("to", "REVIEW"), "to is not a stage: REVIEW");
    }

    @Test
    void overrideWithAnUnknownMember() {
        assertShapeBroken(run.verifyToCommit, e -> ((ObjectNode) e.get("override")).put("ticket", "OPS-1"),
                "override has unknown member ticket");
    }

    @Test
    void overrideWithoutOperator() {
        assertShapeBroken(run.verifyToCommit, e -> ((ObjectNode) e.get("override")).remove("operator"),
                "override.operator must be a string");
    }

    @Test
    void extensionsThatAreNotAnObject() {
        assertShapeBroken(run.planThought, e -> e.put("x", "extension"), "x must be an object");
    }

    @Test
    void confidenceAboveOne() {
        assertShapeBroken(run.planSkill, e -> e.put("confidence", 1.5), "confidence must be between 0 and 1");
    }

    @Test
    void beaconEventWithoutProvenance() {
        assertShapeBroken(run.planBeacon, e -> e.remove("provenance"), "missing provenance");
    }

    @Test
    void idInUpperCase() {
        List<ObjectNode> nodes = json(run.events);
        ObjectNode target = find(nodes, run.planThought.id());
        String upper = run.planThought.id().toUpperCase();
        target.put("id", upper);
        StokeViolation v = assertRejected(VERIFIER.verify(sign(nodes, SIGNER)), EVENT_SHAPE, upper);
        assertThat(v.getMessage()).contains("id must be 64 lowercase hex digits");
    }

    @Test
    void anEventThatIsNotAnObject() {
        List<ObjectNode> nodes = canonicalOrder(json(run.events));
        ObjectNode receipt = ReceiptForge.unsigned(nodes, SIGNER.keyId());
        ((ArrayNode) receipt.get("events")).set(3, JsonNodeFactory.instance.textNode("an event"));
        StokeViolation v = assertRejected(VERIFIER.verify(ReceiptForge.signReceipt(receipt, SIGNER)), EVENT_SHAPE, null);
        assertThat(v.getMessage()).contains("an event must be a JSON object");
    }

    /** Edits one event, re-derives every id so that the edit is the only fault, and signs the result. */
    private byte[] forged(Event target, Consumer<ObjectNode> edit) {
        List<ObjectNode> nodes = json(run.events);
        edit.accept(find(nodes, target.id()));
        rehash(nodes);
        return sign(canonicalOrder(nodes), SIGNER);
    }

    private void assertShapeBroken(Event target, Consumer<ObjectNode> edit, String message) {
        List<ObjectNode> nodes = json(run.events);
        ObjectNode node = find(nodes, target.id());
        edit.accept(node);
        rehash(nodes);
        assertThat(id(node)).as("the edit changes the event").isNotEqualTo(target.id());
        byte[] file = sign(canonicalOrder(nodes), SIGNER);
        StokeViolation v = assertRejected(VERIFIER.verify(file), EVENT_SHAPE, id(node));
        assertThat(v.getMessage()).contains(message);
    }
}
