package dev.r1.stoke.graph;

import static dev.r1.stoke.Rule.CYCLE;
import static dev.r1.stoke.Rule.DUPLICATE;
import static dev.r1.stoke.Rule.GATE_INVARIANT;
import static dev.r1.stoke.Rule.OPEN_GRAPH;
import static dev.r1.stoke.Rule.ORDER;
import static dev.r1.stoke.Rule.ROOT;
import static dev.r1.stoke.Rule.SINK;
import static dev.r1.stoke.Rule.TRANSITION;

import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.event.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The causal graph of one task's events and the rules of STOKE v1.0 §3–4. Each check
 * throws a {@link StokeViolation} naming the rule and the first offending event.
 */
public final class TaskGraph {
    private final Map<String, Event> byId;
    private final String task;

    private TaskGraph(Map<String, Event> byId, String task) {
        this.byId = byId;
        this.task = task;
    }

    /** Indexes the events, refusing duplicates, events of other tasks and causes that are not here. */
    public static TaskGraph of(List<Event> events) {
        if (events.isEmpty()) throw new StokeViolation(ROOT, "no events");
        Map<String, Event> byId = new LinkedHashMap<>(events.size() * 2);
        for (Event e : events) {
            if (byId.putIfAbsent(e.id(), e) != null) throw new StokeViolation(DUPLICATE, e.id(), "duplicate event");
        }
        String task = events.get(0).task();
        for (Event e : events) {
            if (!e.task().equals(task)) {
                throw new StokeViolation(OPEN_GRAPH, e.id(), "event of task " + e.task() + " among events of task " + task);
            }
            for (String cause : e.causedBy()) {
                if (!byId.containsKey(cause)) throw new StokeViolation(OPEN_GRAPH, e.id(), "caused_by unknown " + cause);
            }
        }
        return new TaskGraph(byId, task);
    }

    /** Every rule but canonical order, in the order a verifier reports them; returns the canonical order. */
    public List<Event> validate() {
        List<Event> order = canonicalOrder();
        checkRoot();
        checkSink();
        checkTransitions();
        checkGates();
        return order;
    }

    /** Checks the events as given against the canonical order. */
    public static void checkOrder(List<Event> given, List<Event> canonical) {
        for (int i = 0; i < given.size(); i++) {
            if (!given.get(i).id().equals(canonical.get(i).id())) {
                throw new StokeViolation(ORDER, given.get(i).id(),
                        "events not in canonical order: position " + i + " should hold " + canonical.get(i).id());
            }
        }
    }

    public String task() {
        return task;
    }

    public int size() {
        return byId.size();
    }

    /** Kahn's sort taking the smallest ready id each time; a leftover means a cycle. */
    public List<Event> canonicalOrder() {
        Map<String, Integer> pending = new HashMap<>(byId.size() * 2);
        Map<String, List<String>> effects = new HashMap<>(byId.size() * 2);
        PriorityQueue<String> ready = new PriorityQueue<>();
        for (Event e : byId.values()) {
            pending.put(e.id(), e.causedBy().size());
            if (e.causedBy().isEmpty()) ready.add(e.id());
            for (String cause : e.causedBy()) effects.computeIfAbsent(cause, k -> new ArrayList<>(2)).add(e.id());
        }
        List<Event> order = new ArrayList<>(byId.size());
        while (!ready.isEmpty()) {
            String id = ready.poll();
            order.add(byId.get(id));
            for (String effect : effects.getOrDefault(id, List.of())) {
                if (pending.merge(effect, -1, Integer::sum) == 0) ready.add(effect);
            }
        }
        if (order.size() != byId.size()) {
            String stuck = pending.entrySet().stream().filter(p -> p.getValue() > 0).map(Map.Entry::getKey)
                    .sorted().findFirst().orElseThrow();
            throw new StokeViolation(CYCLE, stuck, "the causes of this event form a cycle");
        }
        return order;
    }

    /** Exactly one event without causes, and it is the START->PLAN transition. */
    public void checkRoot() {
        Event root = null;
        for (Event e : byId.values()) {
            Payload.PhaseTransition pt = e.asTransition();
            if (e.isRoot()) {
                if (root != null) throw new StokeViolation(ROOT, e.id(), "a second root besides " + root.id());
                root = e;
                if (pt == null || pt.from() != Stage.START || pt.to() != Stage.PLAN) {
                    throw new StokeViolation(ROOT, e.id(), "the root must be the START->PLAN transition");
                }
            } else if (pt != null && pt.from() == Stage.START) {
                throw new StokeViolation(ROOT, e.id(), "a START transition that is not the root");
            }
        }
        if (root == null) throw new StokeViolation(ROOT, "no event without causes");
    }

    /** Exactly one terminal transition, and every other event is the cause of some event. */
    public void checkSink() {
        Set<String> causes = new HashSet<>(byId.size() * 2);
        Event terminal = null;
        for (Event e : byId.values()) {
            causes.addAll(e.causedBy());
            if (e.isTerminal()) {
                if (terminal != null) {
                    throw new StokeViolation(SINK, e.id(), "a second terminal transition besides " + terminal.id());
                }
                terminal = e;
            }
        }
        if (terminal == null) throw new StokeViolation(SINK, "no terminal transition (to DONE or FAILED)");
        if (causes.contains(terminal.id())) {
            throw new StokeViolation(SINK, terminal.id(), "the terminal transition causes another event");
        }
        for (Event e : byId.values()) {
            if (e != terminal && !causes.contains(e.id())) {
                throw new StokeViolation(SINK, e.id(), "not a cause of anything: only the terminal transition may be a sink");
            }
        }
    }

    public void checkTransitions() {
        for (Event e : byId.values()) {
            Payload.PhaseTransition pt = e.asTransition();
            if (pt != null && !pt.transition().legal()) {
                throw new StokeViolation(TRANSITION, e.id(), "illegal move " + pt.transition());
            }
        }
    }

    /**
     * For each non-FAILED transition, every required gate has exactly one decision for that
     * transition among the direct causes, and each is an allow or is overridden by name.
     */
    public void checkGates() {
        for (Event e : byId.values()) {
            Payload.PhaseTransition pt = e.asTransition();
            if (pt == null || pt.to() == Stage.FAILED) continue;
            checkGates(e, pt);
        }
    }

    private void checkGates(Event e, Payload.PhaseTransition pt) {
        Transition transition = pt.transition();
        Map<String, Event> decisions = new HashMap<>();
        for (String causeId : e.causedBy()) {
            Event cause = byId.get(causeId);
            if (cause.payload() instanceof Payload.GateDecision gd && gd.transition().equals(transition)
                    && pt.requiredGates().contains(gd.gate())) {
                if (decisions.putIfAbsent(gd.gate(), cause) != null) {
                    throw new StokeViolation(GATE_INVARIANT, e.id(),
                            "transition " + transition + " has two decisions of gate " + gd.gate());
                }
            }
        }
        Payload.Override override = pt.override();
        Set<String> overridden = override == null ? Set.of() : new HashSet<>(override.decisions());
        if (override != null && (override.operator().isBlank() || override.reason().isBlank())) {
            throw new StokeViolation(GATE_INVARIANT, e.id(), "override without operator or reason");
        }
        for (String gate : pt.requiredGates()) {
            Event decision = decisions.get(gate);
            if (decision == null) {
                throw new StokeViolation(GATE_INVARIANT, e.id(),
                        "transition " + transition + " lacks a decision of required gate " + gate);
            }
            Payload.GateDecision gd = (Payload.GateDecision) decision.payload();
            if (gd.verdict() != Verdict.ALLOW && !overridden.contains(decision.id())) {
                throw new StokeViolation(GATE_INVARIANT, e.id(),
                        "transition " + transition + " recorded over " + gd.verdict().wire() + " of gate " + gate);
            }
        }
        for (String id : overridden) {
            if (!decisions.containsValue(byId.get(id))) {
                throw new StokeViolation(GATE_INVARIANT, e.id(),
                        "override names " + id + ", which is not a required gate decision of this transition");
            }
        }
    }
}
