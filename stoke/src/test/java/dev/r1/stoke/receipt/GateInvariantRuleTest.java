package dev.r1.stoke.receipt;

import static dev.r1.stoke.event.Stage.COMMIT;
import static dev.r1.stoke.event.Stage.DONE;
import static dev.r1.stoke.event.Stage.EXECUTE;
import static dev.r1.stoke.event.Stage.VERIFY;
import static dev.r1.stoke.event.Verdict.ALLOW;
import static dev.r1.stoke.event.Verdict.BLOCK;
import static dev.r1.stoke.event.Verdict.ESCALATE;
import static dev.r1.stoke.testkit.ReceiptForge.json;
import static dev.r1.stoke.testkit.TestKeys.SIGNER;
import static dev.r1.stoke.testkit.TestKeys.VERIFIER;
import static dev.r1.stoke.testkit.Violations.assertRefusedBySealerAndVerifier;
import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.stoke.Rule;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.testkit.RunBuilder;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The gate invariant (STOKE v1.0 §3): for a transition X->Y with Y ≠ FAILED, each required
 * gate has exactly one decision for "X->Y" among the direct causes, and each is an allow or is
 * named in an override with an operator and a reason. The violation names the transition.
 */
class GateInvariantRuleTest {
    private static final List<String> GATES = List.of("budget", "scope-fit");

    private final RunBuilder run = new RunBuilder("gated");
    private final Event root = run.start();
    private final Event plan = run.thought("plan the change");

    @Nested
    class Refused {
        @Test
        void aRequiredGateWithoutADecision() {
            run.decision("budget", EXECUTE, ALLOW);
            assertGateBroken(run.transition(EXECUTE, GATES, null), "lacks a decision of required gate scope-fit");
        }

        @Test
        void aDecisionForAnotherTransition() {
            run.decision("budget", EXECUTE, ALLOW);
            run.decision("scope-fit", Transition.of(EXECUTE, VERIFY), ALLOW);
            assertGateBroken(run.transition(EXECUTE, GATES, null), "lacks a decision of required gate scope-fit");
        }

        @Test
        void aDecisionThatIsOnlyAnIndirectCause() {
            run.decision("budget", EXECUTE, ALLOW);
            Event scopeFit = run.decision("scope-fit", EXECUTE, ALLOW);
            run.disown(scopeFit);
            run.recordCausedBy(List.of(scopeFit.id()), "noted", "scope-fit was fine", null, null, new Payload.Thought());
            assertGateBroken(run.transition(EXECUTE, GATES, null), "lacks a decision of required gate scope-fit");
        }

        @Test
        void twoDecisionsOfOneGate() {
            run.decision("budget", EXECUTE, ALLOW);
            run.decision("budget", EXECUTE, ALLOW);
            run.decision("scope-fit", EXECUTE, ALLOW);
            assertGateBroken(run.transition(EXECUTE, GATES, null), "two decisions of gate budget");
        }

        @Test
        void aBlockWithoutAnOverride() {
            run.decision("budget", EXECUTE, BLOCK);
            run.decision("scope-fit", EXECUTE, ALLOW);
            assertGateBroken(run.transition(EXECUTE, GATES, null), "recorded over block of gate budget");
        }

        @Test
        void anEscalationWithoutAnOverride() {
            run.decision("budget", EXECUTE, ALLOW);
            run.decision("scope-fit", EXECUTE, ESCALATE);
            assertGateBroken(run.transition(EXECUTE, GATES, null), "recorded over escalate of gate scope-fit");
        }

        @Test
        void anOverrideWithoutAnOperator() {
            Event block = run.decision("budget", EXECUTE, BLOCK);
            run.decision("scope-fit", EXECUTE, ALLOW);
            assertGateBroken(run.transition(EXECUTE, GATES, new Payload.Override("", "ship it", List.of(block.id()))),
                    "override without operator or reason");
        }

        @Test
        void anOverrideWithABlankReason() {
            Event block = run.decision("budget", EXECUTE, BLOCK);
            run.decision("scope-fit", EXECUTE, ALLOW);
            assertGateBroken(run.transition(EXECUTE, GATES, new Payload.Override("alice", "  ", List.of(block.id()))),
                    "override without operator or reason");
        }

        @Test
        void anOverrideNamingAnEventThatIsNotADecision() {
            Event block = run.decision("budget", EXECUTE, BLOCK);
            run.decision("scope-fit", EXECUTE, ALLOW);
            Event override = run.transition(EXECUTE, GATES,
                    new Payload.Override("alice", "ship it", sorted(block.id(), plan.id())));
            assertGateBroken(override, "override names " + plan.id());
        }

        @Test
        void anOverrideNamingADecisionOfAnotherTransition() {
            Event block = run.decision("budget", EXECUTE, BLOCK);
            run.decision("scope-fit", EXECUTE, ALLOW);
            Event elsewhere = run.decision("tests", Transition.of(VERIFY, COMMIT), BLOCK);
            Event override = run.transition(EXECUTE, GATES,
                    new Payload.Override("alice", "ship it", sorted(block.id(), elsewhere.id())));
            assertGateBroken(override, "override names " + elsewhere.id());
        }

        @Test
        void anOverrideOfTheWrongDecision() {
            run.decision("budget", EXECUTE, BLOCK);
            Event allow = run.decision("scope-fit", EXECUTE, ALLOW);
            assertGateBroken(run.transition(EXECUTE, GATES, new Payload.Override("alice", "ship it", List.of(allow.id()))),
                    "recorded over block of gate budget");
        }

        @Test
        void theLastMoveIsCheckedToo() {
            run.advance(EXECUTE);
            run.advance(VERIFY);
            run.advance(COMMIT, "tests");
            run.decision("policy", DONE, BLOCK);
            assertGateBroken(run.transition(DONE, List.of("policy"), null), "recorded over block of gate policy");
        }

        /** Finishes the run from wherever it is and expects the gate invariant to name {@code transition}. */
        private void assertGateBroken(Event transition, String message) {
            while (!run.ended()) run.fail();
            StokeViolation v = assertRefusedBySealerAndVerifier(json(run.events()), Rule.GATE_INVARIANT, transition.id());
            assertThat(v.getMessage()).contains(message);
        }
    }

    @Nested
    class Accepted {
        @Test
        void everyGateAllows() {
            run.decision("budget", EXECUTE, ALLOW);
            run.decision("scope-fit", EXECUTE, ALLOW);
            run.transition(EXECUTE, GATES, null);
            assertValid();
        }

        @Test
        void aBlockOverriddenByAnOperator() {
            Event block = run.decision("budget", EXECUTE, BLOCK);
            run.decision("scope-fit", EXECUTE, ALLOW);
            run.transition(EXECUTE, GATES, new Payload.Override("alice", "budget raised", List.of(block.id())));
            assertValid();
        }

        @Test
        void everyGateOverridden() {
            Event block = run.decision("budget", EXECUTE, BLOCK);
            Event escalate = run.decision("scope-fit", EXECUTE, ESCALATE);
            run.transition(EXECUTE, GATES, new Payload.Override("alice", "accepted", sorted(block.id(), escalate.id())));
            assertValid();
        }

        @Test
        void anOverrideMayAlsoNameAnAllow() {
            Event allow = run.decision("budget", EXECUTE, ALLOW);
            Event block = run.decision("scope-fit", EXECUTE, BLOCK);
            run.transition(EXECUTE, GATES, new Payload.Override("alice", "accepted", sorted(allow.id(), block.id())));
            assertValid();
        }

        @Test
        void decisionsOfGatesThatAreNotRequiredAreIgnored() {
            run.decision("budget", EXECUTE, ALLOW);
            run.decision("advisory", EXECUTE, BLOCK);
            run.transition(EXECUTE, List.of("budget"), null);
            assertValid();
        }

        @Test
        void failingNeedsNoDecisions() {
            run.transition(Stage.FAILED, GATES, null);
            assertValid();
        }

        @Test
        void failingOverABlock() {
            run.decision("budget", EXECUTE, BLOCK);
            run.transition(Stage.FAILED, GATES, null);
            assertValid();
        }

        private void assertValid() {
            while (!run.ended()) run.fail();
            SealedReceipt sealed = new ReceiptSealer(SIGNER).seal(run.events());
            assertThat(VERIFIER.verify(sealed.file()).violation()).isNull();
            assertThat(sealed.receipt().events()).hasSize(run.events().size()).first().isEqualTo(root);
        }
    }

    private static List<String> sorted(String... ids) {
        return java.util.Arrays.stream(ids).sorted().toList();
    }
}
