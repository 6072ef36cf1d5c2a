package dev.r1.ledger;

import dev.r1.pipeline.Limits;
import dev.r1.pipeline.TaskPartitioner;
import dev.r1.stoke.Rule;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.graph.TaskGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks the ledger makes on one event record, in the order it makes them. The ones here
 * need nothing but the record (and, for {@link #checkAgainstCauses}, the event's direct causes);
 * the rest (causes stored, one root, one terminal) need the database and live in {@link Ledger}.
 * Every refusal is a {@link Refusal} naming the rule.
 */
public final class Admission {
    private Admission() {}

    /**
     * Size, shape and id, key, legal move and root form: everything that can be judged from the
     * record alone.
     */
    public static Event admit(String key, byte[] value) {
        if (value == null || value.length == 0) throw new Refusal(Refusal.EMPTY, "the record has no value");
        if (value.length > Limits.MAX_RECORD_BYTES) {
            throw new Refusal(Refusal.OVERSIZED,
                    "record of " + value.length + " bytes is over the limit of " + Limits.MAX_RECORD_BYTES);
        }
        Event event;
        try {
            event = EventCodec.decode(value);
        } catch (StokeViolation v) {
            throw Refusal.of(v);
        }
        String expected = TaskPartitioner.eventKey(event.task(), event.id());
        if (!expected.equals(key)) {
            throw new Refusal(Refusal.KEY, "record key " + (key == null ? "null" : "'" + key + "'")
                    + " is not " + expected + " (task/id of the event)");
        }
        Payload.PhaseTransition pt = event.asTransition();
        if (pt != null && !pt.transition().legal()) {
            throw Refusal.of(Rule.TRANSITION, event.id(), "illegal move " + pt.transition());
        }
        boolean start = pt != null && pt.from() == Stage.START;
        if (event.isRoot() && !start) {
            throw Refusal.of(Rule.ROOT, event.id(), "only the START->PLAN transition may have no causes");
        }
        if (!event.isRoot() && start) {
            throw Refusal.of(Rule.ROOT, event.id(), "a START transition must be the root, without causes");
        }
        return event;
    }

    /**
     * Checks an event against its direct causes (all of them, all already stored for its task):
     * nothing may follow a terminal transition, and a transition must satisfy the gate invariant.
     */
    public static void checkAgainstCauses(Event event, List<Event> causes) {
        for (Event cause : causes) {
            if (cause.isTerminal()) {
                throw Refusal.of(Rule.SINK, event.id(), "caused by the terminal transition " + cause.id());
            }
        }
        try {
            checkGates(event, causes);
        } catch (StokeViolation v) {
            throw Refusal.of(v);
        }
    }

    /**
     * The gate invariant for one transition, judged by stoke's own {@link TaskGraph#checkGates} on
     * the smallest graph that holds the transition and its direct causes. The invariant reads
     * nothing but the transition, the ids of its causes and the causes that are gate decisions, so
     * each cause enters without causes of its own, and a cause that is not a gate decision enters
     * as a neutral THOUGHT (a cause that is itself a transition was checked when it was stored).
     */
    public static void checkGates(Event transition, List<Event> causes) {
        Payload.PhaseTransition pt = transition.asTransition();
        if (pt == null || pt.to() == Stage.FAILED) return;
        Map<String, Event> byId = new HashMap<>();
        for (Event c : causes) byId.put(c.id(), c);
        List<Event> graph = new ArrayList<>(causes.size() + 1);
        Set<String> seen = new HashSet<>();
        for (String id : transition.causedBy()) {
            Event c = byId.get(id);
            if (c == null) throw new StokeViolation(Rule.OPEN_GRAPH, transition.id(), "caused_by unknown " + id);
            if (!seen.add(id)) continue;
            boolean decision = c.payload() instanceof Payload.GateDecision;
            graph.add(new Event(c.id(), c.task(), c.phase(), c.tMillis(), c.label(),
                    decision ? c.detail() : "cause", c.tier(), List.of(), null,
                    decision ? c.payload() : new Payload.Thought()));
        }
        graph.add(transition);
        TaskGraph.of(graph).checkGates();
    }

    /** The events reachable from {@code terminal} through caused_by, the terminal included. */
    public static List<Event> closure(Event terminal, Map<String, Event> byId) {
        List<Event> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        ArrayList<Event> stack = new ArrayList<>();
        stack.add(terminal);
        seen.add(terminal.id());
        while (!stack.isEmpty()) {
            Event e = stack.remove(stack.size() - 1);
            out.add(e);
            for (String cause : e.causedBy()) {
                if (!seen.add(cause)) continue;
                Event c = byId.get(cause);
                if (c == null) throw Refusal.of(Rule.OPEN_GRAPH, e.id(), "caused_by unknown " + cause);
                stack.add(c);
            }
        }
        return out;
    }
}
