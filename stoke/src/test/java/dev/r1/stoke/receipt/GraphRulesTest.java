package dev.r1.stoke.receipt;

import static dev.r1.stoke.testkit.ReceiptForge.addCause;
import static dev.r1.stoke.testkit.ReceiptForge.canonicalOrder;
import static dev.r1.stoke.testkit.ReceiptForge.find;
import static dev.r1.stoke.testkit.ReceiptForge.id;
import static dev.r1.stoke.testkit.ReceiptForge.json;
import static dev.r1.stoke.testkit.ReceiptForge.rehash;
import static dev.r1.stoke.testkit.ReceiptForge.sign;
import static dev.r1.stoke.testkit.TestKeys.SIGNER;
import static dev.r1.stoke.testkit.TestKeys.VERIFIER;
import static dev.r1.stoke.testkit.Violations.assertRefusedBySealerAndVerifier;
import static dev.r1.stoke.testkit.Violations.assertRejected;
import static dev.r1.stoke.testkit.Violations.assertThrowsViolation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.Rule;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.graph.TaskGraph;
import dev.r1.stoke.testkit.ReceiptForge;
import dev.r1.stoke.testkit.RunBuilder;
import dev.r1.stoke.testkit.SampleRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The graph rules of STOKE v1.0 §3–4, one broken receipt each. Graphs the ledger would refuse
 * are refused by the sealer too, with the same rule and event; the receipts are written and
 * signed at the JSON level, as a faulty or hostile implementation could.
 */
class GraphRulesTest {
    private final SampleRun run = new SampleRun();

    @Nested
    class IdMismatch {
        @Test
        void aMemberChangedAfterTheIdWasTaken() {
            List<ObjectNode> nodes = canonicalOrder(json(run.events));
            ObjectNode thought = find(nodes, run.planThought.id());
            thought.put("detail", "edited afterwards");
            StokeViolation v = assertRejected(VERIFIER.verify(sign(nodes, SIGNER)), Rule.ID_MISMATCH, run.planThought.id());
            assertThat(v.getMessage()).contains("content hashes to " + ReceiptForge.idOf(thought));
        }

        @Test
        void anIdCopiedFromAnotherEvent() {
            List<ObjectNode> nodes = canonicalOrder(json(run.events));
            find(nodes, run.planRead.id()).put("id", run.planThought.id());
            // the copy comes first or second; either way the event holding the wrong id is named
            StokeViolation v = VERIFIER.verify(sign(nodes, SIGNER)).violation();
            assertThat(v.rule()).isEqualTo(Rule.ID_MISMATCH);
            assertThat(v.eventId()).isEqualTo(run.planThought.id());
            assertThat(v.getMessage()).contains("content hashes to " + run.planRead.id());
        }
    }

    @Nested
    class Duplicate {
        @Test
        void anEventListedTwice() {
            List<JsonNode> nodes = new ArrayList<>(canonicalOrder(json(run.events)));
            int at = indexOf(nodes, run.planThought.id());
            nodes.add(at + 1, nodes.get(at).deepCopy());
            assertRejected(VERIFIER.verify(sign(nodes, SIGNER)), Rule.DUPLICATE, run.planThought.id());
        }

        @Test
        void theSealerRefusesItToo() {
            List<Event> events = new ArrayList<>(run.events);
            events.add(run.toolCall);
            assertThrowsViolation(() -> new ReceiptSealer(SIGNER).seal(events), Rule.DUPLICATE, run.toolCall.id());
        }
    }

    @Nested
    class OpenGraph {
        @Test
        void aCauseLeftOut() {
            List<ObjectNode> nodes = json(run.events);
            nodes.remove(find(nodes, run.planThought.id()));
            StokeViolation v = assertRefusedBySealerAndVerifier(nodes, Rule.OPEN_GRAPH, run.planToExecute.id());
            assertThat(v.getMessage()).contains("caused_by unknown " + run.planThought.id());
        }

        @Test
        void anEventOfAnotherTask() {
            List<ObjectNode> nodes = json(run.events);
            ObjectNode foreign = find(nodes, run.planThought.id()).deepCopy();
            foreign.put("task", "another-task");
            foreign.put("id", ReceiptForge.idOf(foreign));
            nodes.add(foreign);
            addCause(find(nodes, run.planToExecute.id()), id(foreign));
            rehash(nodes);
            StokeViolation v = assertRefusedBySealerAndVerifier(nodes, Rule.OPEN_GRAPH, id(foreign));
            assertThat(v.getMessage()).contains("another-task");
        }
    }

    @Nested
    class Cycle {
        private final String task = "cyclic";

        /** Ids are hashes of content that includes the causes, so a cycle needs made-up ids: the graph itself must still catch it. */
        @Test
        void causesThatLoopBack() {
            Event root = event(hex('0'), List.of(), new Payload.PhaseTransition(Stage.START, Stage.PLAN, List.of(), null));
            Event a = event(hex('a'), List.of(hex('0'), hex('c')), new Payload.Thought());
            Event b = event(hex('b'), List.of(hex('a')), new Payload.Thought());
            Event c = event(hex('c'), List.of(hex('b')), new Payload.Thought());
            Event end = event(hex('e'), List.of(hex('0')),
                    new Payload.PhaseTransition(Stage.PLAN, Stage.FAILED, List.of(), null));
            StokeViolation v = assertThrowsViolation(() -> TaskGraph.of(List.of(end, c, b, a, root)).validate(),
                    Rule.CYCLE, hex('a'));
            assertThat(v.getMessage()).contains("cycle");
        }

        @Test
        void anEventThatCausesItself() {
            Event root = event(hex('0'), List.of(), new Payload.PhaseTransition(Stage.START, Stage.PLAN, List.of(), null));
            Event self = event(hex('5'), List.of(hex('0'), hex('5')), new Payload.Thought());
            assertThrowsViolation(() -> TaskGraph.of(List.of(root, self)).canonicalOrder(), Rule.CYCLE, hex('5'));
        }

        @Test
        void inAReceiptTheIdsGiveACycleAwayFirst() {
            Event root = event(hex('0'), List.of(), new Payload.PhaseTransition(Stage.START, Stage.PLAN, List.of(), null));
            Event a = event(hex('a'), List.of(hex('0'), hex('b')), new Payload.Thought());
            Event b = event(hex('b'), List.of(hex('a')), new Payload.Thought());
            List<ObjectNode> nodes = List.of(json(root), json(a), json(b));
            assertRejected(VERIFIER.verify(sign(nodes, SIGNER)), Rule.ID_MISMATCH, hex('0'));
        }

        private Event event(String id, List<String> causes, Payload payload) {
            return new Event(id, task, Phase.PLAN, 0, "e", "d", null, causes, null, payload);
        }

        private String hex(char c) {
            return String.valueOf(c).repeat(64);
        }
    }

    @Nested
    class Root {
        @Test
        void twoEventsWithoutCauses() {
            Event stray = EventCodec.create(SampleRun.TASK, Phase.PLAN, 5, "stray", "no cause", null, List.of(), null,
                    new Payload.Thought());
            List<ObjectNode> nodes = json(run.events);
            nodes.add(json(stray));
            addCause(find(nodes, run.planToExecute.id()), stray.id());
            rehash(nodes);
            assertRefusedBySealerAndVerifier(nodes, Rule.ROOT, stray.id());
        }

        @Test
        void aRootThatIsNotStartToPlan() {
            List<ObjectNode> nodes = json(run.events);
            ObjectNode root = find(nodes, run.root.id());
            root.put("type", "THOUGHT").put("detail", "began without a START");
            root.remove(List.of("from", "to", "required_gates"));
            rehash(nodes);
            StokeViolation v = assertRefusedBySealerAndVerifier(nodes, Rule.ROOT, id(root));
            assertThat(v.getMessage()).contains("the root must be the START->PLAN transition");
        }

        @Test
        void aStartTransitionThatHasACause() {
            RunBuilder b = new RunBuilder("restart");
            b.start();
            Event second = b.transition(Stage.PLAN, List.of(), null); // PLAN->PLAN: relabel as START->PLAN
            List<ObjectNode> nodes = json(b.events());
            ObjectNode restart = find(nodes, second.id());
            restart.put("from", "START");
            rehash(nodes);
            ObjectNode end = json(EventCodec.create("restart", Phase.PLAN, 9000, "fail", null, null, List.of(id(restart)),
                    null, new Payload.PhaseTransition(Stage.PLAN, Stage.FAILED, List.of(), null)));
            nodes.add(end);
            StokeViolation v = assertRefusedBySealerAndVerifier(nodes, Rule.ROOT, id(restart));
            assertThat(v.getMessage()).contains("a START transition that is not the root");
        }
    }

    @Nested
    class Sink {
        @Test
        void anEventNothingFollowsFrom() {
            Event dangling = EventCodec.create(SampleRun.TASK, Phase.PLAN, 5, "aside", "never used", null,
                    List.of(run.root.id()), null, new Payload.Thought());
            List<ObjectNode> nodes = json(run.events);
            nodes.add(json(dangling));
            StokeViolation v = assertRefusedBySealerAndVerifier(nodes, Rule.SINK, dangling.id());
            assertThat(v.getMessage()).contains("only the terminal transition may be a sink");
        }

        @Test
        void twoTerminalTransitions() {
            Event failed = EventCodec.create(SampleRun.TASK, Phase.PLAN, 5, "PLAN->FAILED", null, null,
                    List.of(run.root.id()), null, new Payload.PhaseTransition(Stage.PLAN, Stage.FAILED, List.of(), null));
            List<ObjectNode> nodes = json(run.events);
            nodes.add(json(failed));
            List<String> order = canonicalOrder(nodes).stream().map(ReceiptForge::id).toList();
            String second = order.indexOf(failed.id()) > order.indexOf(run.done.id()) ? failed.id() : run.done.id();
            StokeViolation v = assertRefusedBySealerAndVerifier(nodes, Rule.SINK, second);
            assertThat(v.getMessage()).contains("a second terminal transition");
        }

        @Test
        void noTerminalTransition() {
            List<ObjectNode> nodes = json(run.events);
            nodes.remove(find(nodes, run.done.id()));
            StokeViolation v = assertRefusedBySealerAndVerifier(nodes, Rule.SINK, null);
            assertThat(v.getMessage()).contains("no terminal transition");
        }

        @Test
        void anEventAfterTheTerminalTransition() {
            Event after = EventCodec.create(SampleRun.TASK, Phase.COMMIT, 99_000, "afterthought", "too late", null,
                    List.of(run.done.id()), null, new Payload.Thought());
            List<ObjectNode> nodes = json(run.events);
            nodes.add(json(after));
            StokeViolation v = assertRefusedBySealerAndVerifier(nodes, Rule.SINK, run.done.id());
            assertThat(v.getMessage()).contains("the terminal transition causes another event");
        }
    }

    @Nested
    class IllegalTransition {
        @ParameterizedTest(name = "{0}->{1}")
        @CsvSource({"PLAN, COMMIT", "PLAN, VERIFY", "PLAN, DONE", "PLAN, PLAN", "EXECUTE, COMMIT", "EXECUTE, DONE",
                "EXECUTE, PLAN", "VERIFY, PLAN", "VERIFY, DONE", "VERIFY, VERIFY", "COMMIT, EXECUTE", "COMMIT, VERIFY",
                "COMMIT, PLAN", "COMMIT, COMMIT"})
        void isRefused(Stage from, Stage to) {
            RunBuilder b = runReaching(from);
            Event illegal = b.transition(to, List.of(), null);
            if (!b.ended()) b.fail();
            StokeViolation v = assertRefusedBySealerAndVerifier(json(b.events()), Rule.TRANSITION, illegal.id());
            assertThat(v.getMessage()).contains("illegal move " + from + "->" + to);
        }

        @ParameterizedTest(name = "{0}->{1}")
        @CsvSource({"PLAN, EXECUTE", "EXECUTE, VERIFY", "VERIFY, COMMIT", "VERIFY, EXECUTE", "COMMIT, DONE",
                "PLAN, FAILED", "EXECUTE, FAILED", "VERIFY, FAILED", "COMMIT, FAILED"})
        void legalMovesAreAccepted(Stage from, Stage to) {
            RunBuilder b = runReaching(from);
            b.transition(to, List.of(), null);
            while (!b.ended()) b.fail();
            SealedReceipt sealed = new ReceiptSealer(SIGNER).seal(b.events());
            assertThat(VERIFIER.verify(sealed.file()).violation()).isNull();
        }

        private RunBuilder runReaching(Stage from) {
            RunBuilder b = new RunBuilder("moves");
            b.start();
            for (Stage next : List.of(Stage.EXECUTE, Stage.VERIFY, Stage.COMMIT)) {
                if (b.stage() == from) break;
                b.thought("working in " + b.stage());
                b.transition(next, List.of(), null);
            }
            assertThat(b.stage()).isEqualTo(from);
            return b;
        }
    }

    @Nested
    class Order {
        @Test
        void twoNeighboursSwapped() {
            byte[] file = run.file();
            byte[] swapped = ReceiptForge.resign(file, r -> {
                ArrayNode events = (ArrayNode) r.get("events");
                JsonNode third = events.get(3);
                events.set(3, events.get(4));
                events.set(4, third);
            }, SIGNER);
            String movedForward = dev.r1.stoke.json.StrictJson.parse(file).get("events").get(4).get("id").textValue();
            StokeViolation v = assertRejected(VERIFIER.verify(swapped), Rule.ORDER, movedForward);
            assertThat(v.getMessage()).contains("position 3");
        }

        @Test
        void sortedByIdInsteadOfByCauses() {
            List<ObjectNode> byId = new ArrayList<>(json(run.events));
            byId.sort(Comparator.comparing(ReceiptForge::id));
            List<ObjectNode> canonical = canonicalOrder(json(run.events));
            int first = 0;
            while (id(byId.get(first)).equals(id(canonical.get(first)))) first++;
            assertRejected(VERIFIER.verify(sign(byId, SIGNER)), Rule.ORDER, id(byId.get(first)));
        }

        @Test
        void theOrderInWhichTheyHappened() {
            // time order is a topological order too, but not the canonical one
            List<ObjectNode> byTime = new ArrayList<>(json(run.events));
            assertThat(byTime).isNotEqualTo(canonicalOrder(json(run.events)));
            assertThat(VERIFIER.verify(sign(byTime, SIGNER)).violation().rule()).isEqualTo(Rule.ORDER);
        }
    }

    private static int indexOf(List<JsonNode> nodes, String id) {
        for (int i = 0; i < nodes.size(); i++) {
            if (id.equals(nodes.get(i).get("id").textValue())) return i;
        }
        throw new AssertionError("no event " + id);
    }
}
