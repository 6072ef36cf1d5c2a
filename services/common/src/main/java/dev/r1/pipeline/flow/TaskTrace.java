package dev.r1.pipeline.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Tier;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.event.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Records one phase of one task as STOKE events. Each event is caused by the current
 * frontier (the events nothing has followed yet), so the graph stays closed and the
 * transition that ends the phase is the only event left uncaused: the rules a receipt
 * needs hold by construction.
 */
public final class TaskTrace {
    private final String task;
    private final Phase phase;
    private final TaskClock clock;
    private final EventSink sink;
    private Set<String> frontier;
    private final List<Event> recorded = new ArrayList<>();

    public TaskTrace(String task, Phase phase, TaskClock clock, EventSink sink, String cause) {
        this.task = task;
        this.phase = phase;
        this.clock = clock;
        this.sink = sink;
        this.frontier = cause == null ? new TreeSet<>() : new TreeSet<>(Set.of(cause));
    }

    /** A trace that goes on from recorded events (a parked phase resuming): its first event is caused by {@code frontier}. */
    public static TaskTrace resumed(String task, Phase phase, TaskClock clock, EventSink sink, java.util.Collection<String> frontier) {
        TaskTrace t = new TaskTrace(task, phase, clock, sink, null);
        t.frontier = new TreeSet<>(frontier);
        return t;
    }

    /** The events nothing has followed yet: what the next event will be caused by. */
    public List<String> frontier() {
        return List.copyOf(frontier);
    }

    public String task() {
        return task;
    }

    public Phase phase() {
        return phase;
    }

    public long clock() {
        return clock.last();
    }

    public List<Event> recorded() {
        return List.copyOf(recorded);
    }

    public Event thought(String label, String text) {
        return record(label, text, null, new Payload.Thought());
    }

    /** A thought with implementation extensions in {@code x} (e.g. a model call's token use and cost). */
    public Event thought(String label, String text, ObjectNode x) {
        return record(label, text, null, x, new Payload.Thought());
    }

    public Event toolCall(String label, ObjectNode args, byte[] result, Long exitCode, String detail) {
        return record(label, detail, null, new Payload.ToolCall(args, Sha256.hex(result), exitCode));
    }

    /** A tool call with implementation extensions in {@code x}. */
    public Event toolCall(String label, ObjectNode args, byte[] result, Long exitCode, String detail, ObjectNode x) {
        return record(label, detail, null, x, new Payload.ToolCall(args, Sha256.hex(result), exitCode));
    }

    public Event memoryRead(Tier tier, String key, byte[] value) {
        return record(key, null, tier, new Payload.MemoryRead(key, Sha256.hex(value)));
    }

    public Event memoryWrite(Tier tier, String key, byte[] value, byte[] diff) {
        return record(key, null, tier, new Payload.MemoryWrite(key, Sha256.hex(value), Sha256.hex(diff)));
    }

    /** Stores the bytes as a blob and records the ARTIFACT that points at them. */
    public Event artifact(String label, String mediaType, byte[] bytes, String uri, String detail) {
        String hash = Sha256.hex(bytes);
        sink.blob(hash, mediaType, bytes);
        return record(label, detail, null, new Payload.Artifact(hash, mediaType, uri));
    }

    /** An artifact with implementation extensions in {@code x} (e.g. the token use of the model call that made it). */
    public Event artifact(String label, String mediaType, byte[] bytes, String uri, String detail, ObjectNode x) {
        String hash = Sha256.hex(bytes);
        sink.blob(hash, mediaType, bytes);
        return record(label, detail, null, x, new Payload.Artifact(hash, mediaType, uri));
    }

    /** Records gate verdicts side by side, all caused by the work before them; the transition then follows them. */
    public List<Event> decisions(Transition transition, List<GateResult> results) {
        Set<String> causes = frontier;
        List<Event> out = new ArrayList<>(results.size());
        Set<String> next = new TreeSet<>();
        for (GateResult r : results) {
            Event e = emit(r.gate(), null, null, new Payload.GateDecision(r.gate(), transition, r.verdict(), r.reason()), causes);
            out.add(e);
            next.add(e.id());
        }
        frontier = next;
        return out;
    }

    /**
     * Makes the next event caused by {@code ids} as well: a parked phase that does more work after
     * an operator's approval (the committer's merge) still ends in a transition whose direct
     * causes include the decisions recorded before it parked, as the gate invariant requires.
     */
    public void follow(java.util.Collection<String> ids) {
        frontier = new TreeSet<>(frontier);
        frontier.addAll(ids);
    }

    /** The root of a task's graph: START->PLAN, recorded and sent at once. */
    public Event start() {
        if (!frontier.isEmpty()) throw new IllegalStateException("a task starts only once");
        Event root = record("START->PLAN", null, null, new Payload.PhaseTransition(Stage.START, Stage.PLAN, List.of(), null));
        sink.event(root);
        return root;
    }

    /**
     * The transition that ends this phase. It is recorded but not sent: the phase worker
     * writes it together with the next hand-off in one Kafka transaction.
     */
    public Event transition(Stage to, List<String> requiredGates, Payload.Override override) {
        Stage from = phase.stage();
        return record(from + "->" + to, null, null,
                new Payload.PhaseTransition(from, to, requiredGates.stream().sorted().toList(), override));
    }

    private Event record(String label, String detail, Tier tier, Payload payload) {
        return record(label, detail, tier, null, payload);
    }

    private Event record(String label, String detail, Tier tier, ObjectNode x, Payload payload) {
        Event e = create(label, detail, tier, x, payload, frontier);
        frontier = new TreeSet<>(Set.of(e.id()));
        if (!(payload instanceof Payload.PhaseTransition)) sink.event(e);
        return e;
    }

    private Event emit(String label, String detail, Tier tier, Payload payload, Set<String> causes) {
        Event e = create(label, detail, tier, null, payload, causes);
        sink.event(e);
        return e;
    }

    private Event create(String label, String detail, Tier tier, ObjectNode x, Payload payload, Set<String> causes) {
        Event e = EventCodec.create(task, phase, clock.next(), label, detail, tier, List.copyOf(causes), x, payload);
        recorded.add(e);
        return e;
    }

    /** A gate's verdict before it is recorded. */
    public record GateResult(String gate, Verdict verdict, String reason) {
        public static GateResult allow(String gate, String reason) {
            return new GateResult(gate, Verdict.ALLOW, reason);
        }

        public static GateResult block(String gate, String reason) {
            return new GateResult(gate, Verdict.BLOCK, reason);
        }
    }
}
