package dev.r1.ledger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.event.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A small valid task: START->PLAN through COMMIT->DONE with a gate decision before every move. */
final class SampleTask {
    final String task;
    final List<Event> events = new ArrayList<>();
    /** An event from an abandoned attempt: stored, but not in the receipt. */
    final Event leftover;
    final Event root;
    final Event terminal;
    private long t;

    SampleTask(String task) {
        this.task = task;
        root = add(Phase.PLAN, "start", null, List.of(), transition(Stage.START, Stage.PLAN));
        Event thought = add(Phase.PLAN, "plan", "draft the plan", List.of(root.id()), new Payload.Thought());
        Event toPlanExec = gated(Phase.PLAN, thought, Stage.PLAN, Stage.EXECUTE, "plan.review");
        leftover = add(Phase.EXECUTE, "crashed", "an attempt that crashed", List.of(toPlanExec.id()), new Payload.Thought());
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("cmd", "mvn verify");
        Event tool = add(Phase.EXECUTE, "run", null, List.of(toPlanExec.id()),
                new Payload.ToolCall(args, Sha256.hex("ok".getBytes(StandardCharsets.UTF_8)), 0L));
        Event toVerify = gated(Phase.EXECUTE, tool, Stage.EXECUTE, Stage.VERIFY, "tests");
        Event toCommit = gated(Phase.VERIFY, toVerify, Stage.VERIFY, Stage.COMMIT, "review");
        terminal = gated(Phase.COMMIT, toCommit, Stage.COMMIT, Stage.DONE, "merge");
    }

    /** A gate decision caused by {@code before}, then the transition it allows. */
    private Event gated(Phase phase, Event before, Stage from, Stage to, String gate) {
        Event decision = add(phase, gate, null, List.of(before.id()),
                new Payload.GateDecision(gate, Transition.of(from, to), Verdict.ALLOW, "fine"));
        return add(phase, from + "->" + to, null, List.of(decision.id()),
                new Payload.PhaseTransition(from, to, List.of(gate), null));
    }

    Event add(Phase phase, String label, String detail, List<String> causes, Payload payload) {
        Event e = EventCodec.create(task, phase, t, label, detail, null, causes, null, payload);
        t += 250;
        events.add(e);
        return e;
    }

    static Payload transition(Stage from, Stage to) {
        return new Payload.PhaseTransition(from, to, List.of(), null);
    }
}
