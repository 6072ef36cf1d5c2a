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
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The causal graph of one task's events and the rules of STOKE v1.0 §3–4. Each check
 * throws a {@link StokeViolation} naming the rule and the first offending event.
 */
public final class TaskGraph {
    /*
     * Events are numbered by their position in the list given, and every cause is resolved to
     * that number once, in of(); the rules then work on int arrays instead of maps keyed by
     * 64-character ids, which for large receipts were mostly cache misses.
     */
    private final Event[] events;
    private final Map<String, Integer> index;
    /** causes[i]: the positions of events[i].causedBy(), in the same order. */
    private final int[][] causes;
    private final String task;

    private TaskGraph(Event[] events, Map<String, Integer> index, int[][] causes, String task) {
        this.events = events;
        this.index = index;
        this.causes = causes;
        this.task = task;
    }

    /** Indexes the events, refusing duplicates, events of other tasks and causes that are not here. */
    public static TaskGraph of(List<Event> events) {
        if (events.isEmpty()) throw new StokeViolation(ROOT, "no events");
        int n = events.size();
        Event[] array = new Event[n];
        Map<String, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            if (index.putIfAbsent(e.id(), i) != null) throw new StokeViolation(DUPLICATE, e.id(), "duplicate event");
            array[i] = e;
        }
        String task = array[0].task();
        int[][] causes = new int[n][];
        for (int i = 0; i < n; i++) {
            Event e = array[i];
            if (!e.task().equals(task)) {
                throw new StokeViolation(OPEN_GRAPH, e.id(), "event of task " + e.task() + " among events of task " + task);
            }
            List<String> causedBy = e.causedBy();
            int[] c = new int[causedBy.size()];
            for (int k = 0; k < c.length; k++) {
                Integer cause = index.get(causedBy.get(k));
                if (cause == null) throw new StokeViolation(OPEN_GRAPH, e.id(), "caused_by unknown " + causedBy.get(k));
                c[k] = cause;
            }
            causes[i] = c;
        }
        return new TaskGraph(array, index, causes, task);
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
        return events.length;
    }

    /** Kahn's sort taking the smallest ready id each time; a leftover means a cycle. */
    public List<Event> canonicalOrder() {
        int n = events.length;
        // effects of each event, as one array sliced by first[i] .. first[i + 1]
        int[] pending = new int[n];
        int[] first = new int[n + 1];
        for (int i = 0; i < n; i++) {
            pending[i] = causes[i].length;
            for (int cause : causes[i]) first[cause + 1]++;
        }
        for (int i = 0; i < n; i++) first[i + 1] += first[i];
        int[] effects = new int[first[n]];
        int[] next = Arrays.copyOf(first, n);
        for (int i = 0; i < n; i++) {
            for (int cause : causes[i]) effects[next[cause]++] = i;
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>((a, b) -> events[a].id().compareTo(events[b].id()));
        for (int i = 0; i < n; i++) {
            if (pending[i] == 0) ready.add(i);
        }
        List<Event> order = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int taken = ready.poll();
            order.add(events[taken]);
            for (int k = first[taken]; k < first[taken + 1]; k++) {
                if (--pending[effects[k]] == 0) ready.add(effects[k]);
            }
        }
        if (order.size() != n) {
            String stuck = null;
            for (int i = 0; i < n; i++) {
                if (pending[i] > 0 && (stuck == null || events[i].id().compareTo(stuck) < 0)) stuck = events[i].id();
            }
            throw new StokeViolation(CYCLE, stuck, "the causes of this event form a cycle");
        }
        return order;
    }

    /** Exactly one event without causes, and it is the START->PLAN transition. */
    public void checkRoot() {
        Event root = null;
        for (Event e : events) {
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
        boolean[] isCause = new boolean[events.length];
        int terminal = -1;
        for (int i = 0; i < events.length; i++) {
            for (int cause : causes[i]) isCause[cause] = true;
            if (events[i].isTerminal()) {
                if (terminal >= 0) {
                    throw new StokeViolation(SINK, events[i].id(),
                            "a second terminal transition besides " + events[terminal].id());
                }
                terminal = i;
            }
        }
        if (terminal < 0) throw new StokeViolation(SINK, "no terminal transition (to DONE or FAILED)");
        if (isCause[terminal]) {
            throw new StokeViolation(SINK, events[terminal].id(), "the terminal transition causes another event");
        }
        for (int i = 0; i < events.length; i++) {
            if (i != terminal && !isCause[i]) {
                throw new StokeViolation(SINK, events[i].id(),
                        "not a cause of anything: only the terminal transition may be a sink");
            }
        }
    }

    public void checkTransitions() {
        for (Event e : events) {
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
        for (int i = 0; i < events.length; i++) {
            Payload.PhaseTransition pt = events[i].asTransition();
            if (pt == null || pt.to() == Stage.FAILED) continue;
            checkGates(i, pt);
        }
    }

    private void checkGates(int at, Payload.PhaseTransition pt) {
        Event e = events[at];
        Transition transition = pt.transition();
        Map<String, Event> decisions = new HashMap<>();
        for (int causeAt : causes[at]) {
            Event cause = events[causeAt];
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
            Integer named = index.get(id);
            if (!decisions.containsValue(named == null ? null : events[named])) {
                throw new StokeViolation(GATE_INVARIANT, e.id(),
                        "override names " + id + ", which is not a required gate decision of this transition");
            }
        }
    }
}
