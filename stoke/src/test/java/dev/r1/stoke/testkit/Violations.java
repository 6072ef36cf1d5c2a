package dev.r1.stoke.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.Rule;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.Verification;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the one rule a rejected receipt is reported under. */
public final class Violations {
    private Violations() {}

    /** The receipt is invalid under {@code rule}, names {@code eventId} (null: no event), and says so in its message. */
    public static StokeViolation assertRejected(Verification v, Rule rule, String eventId) {
        assertThat(v.valid()).as("the receipt must be rejected under %s", rule).isFalse();
        return assertViolation(v.violation(), rule, eventId);
    }

    public static StokeViolation assertViolation(StokeViolation violation, Rule rule, String eventId) {
        assertThat(violation).as("a violation of %s", rule).isNotNull();
        String message = violation.getMessage();
        assertThat(violation.rule()).as(message).isEqualTo(rule);
        assertThat(violation.eventId()).as(message).isEqualTo(eventId);
        assertThat(message).startsWith(rule.title() + ": ");
        if (eventId != null) assertThat(message).contains("(event " + eventId + ")");
        return violation;
    }

    /** The call throws a violation of {@code rule} naming {@code eventId}. */
    public static StokeViolation assertThrowsViolation(ThrowingCallable call, Rule rule, String eventId) {
        StokeViolation violation = catchThrowableOfType(StokeViolation.class, call);
        assertThat(violation).as("expected a violation of %s", rule).isNotNull();
        return assertViolation(violation, rule, eventId);
    }

    /**
     * The sealer, checking the events as the ledger does, and the verifier, reading the same
     * events signed into a receipt file at the JSON level, both refuse them under {@code rule}
     * and name {@code eventId}. The events are put in canonical order first, so both see them
     * in the same order. Returns the verifier's violation.
     */
    public static StokeViolation assertRefusedBySealerAndVerifier(List<ObjectNode> nodes, Rule rule, String eventId) {
        List<ObjectNode> ordered = ReceiptForge.canonicalOrder(nodes);
        List<Event> events = ordered.stream().map(EventCodec::decode).toList();
        assertThrowsViolation(() -> new ReceiptSealer(TestKeys.SIGNER).seal(events), rule, eventId);
        return assertRejected(TestKeys.VERIFIER.verify(ReceiptForge.sign(ordered, TestKeys.SIGNER)), rule, eventId);
    }
}
