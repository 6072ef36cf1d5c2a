package dev.r1.stoke.testkit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records one task's events the way a ledger would, through {@link EventCodec#create}: every
 * event of a phase is caused by the phase's opening transition, and the next transition is
 * caused by the previous one and by every event recorded since, so the graph stays closed,
 * rooted and sealed. Tests that need a broken graph add or leave out events on purpose.
 */
public final class RunBuilder {
    public static final String OPERATOR = "operator-7";
    public static final String OVERRIDE_REASON = "accepted after review";

    private final String task;
    private final List<Event> events = new ArrayList<>();
    private final List<String> owed = new ArrayList<>();
    private Event lastTransition;
    private Stage stage = Stage.START;
    private long clockMillis;
    private long nextStepMillis = 137;
    private int serial;

    public RunBuilder(String task) {
        this.task = task;
    }

    /** A stand-in SHA-256 for hashes the tests do not care about. */
    public static String hash(String seed) {
        return Sha256.hex(seed.getBytes(StandardCharsets.UTF_8));
    }

    public String task() {
        return task;
    }

    public Stage stage() {
        return stage;
    }

    public boolean ended() {
        return stage.terminal();
    }

    public Event lastTransition() {
        return lastTransition;
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** Milliseconds between the previous event and the next one (at least 1, so that no two events coincide). */
    public RunBuilder step(long millis) {
        if (millis < 1) throw new IllegalArgumentException("step must be at least 1 ms");
        nextStepMillis = millis;
        return this;
    }

    private long tick() {
        clockMillis += nextStepMillis;
        nextStepMillis = 137;
        return clockMillis;
    }

    /** The phase the next event is recorded in. */
    public Phase phase() {
        return switch (stage) {
            case START, PLAN -> Phase.PLAN;
            case EXECUTE -> Phase.EXECUTE;
            case VERIFY -> Phase.VERIFY;
            case COMMIT -> Phase.COMMIT;
            case DONE, FAILED -> throw new IllegalStateException("the run has ended in " + stage);
        };
    }

    /** The root: START->PLAN at t = 0, without causes. */
    public Event start() {
        if (stage != Stage.START) throw new IllegalStateException("already started");
        Event root = EventCodec.create(task, Phase.PLAN, clockMillis, "start", null, null, List.of(), null,
                new Payload.PhaseTransition(Stage.START, Stage.PLAN, List.of(), null));
        events.add(root);
        lastTransition = root;
        stage = Stage.PLAN;
        return root;
    }

    /** An event of the current phase caused by the last transition; the next transition is caused by it. */
    public Event record(String label, String detail, Tier tier, ObjectNode x, Payload payload) {
        return recordCausedBy(List.of(lastTransition.id()), label, detail, tier, x, payload);
    }

    public Event recordCausedBy(List<String> causes, String label, String detail, Tier tier, ObjectNode x,
            Payload payload) {
        Event e = EventCodec.create(task, phase(), tick(), label, detail, tier, causes, x, payload);
        events.add(e);
        owed.add(e.id());
        return e;
    }

    /** Adds an event made elsewhere; it is not wired into the next transition. */
    public RunBuilder add(Event e) {
        events.add(e);
        return this;
    }

    /** Leaves an event out of the next transition's causes (to make a dangling event, or wire it elsewhere). */
    public RunBuilder disown(Event e) {
        owed.remove(e.id());
        return this;
    }

    public Event thought(String detail) {
        return record("think", detail, null, null, new Payload.Thought());
    }

    public Event toolCall(String tool, ObjectNode args) {
        return record(tool, null, null, null, new Payload.ToolCall(args, hash("result " + serial++), 0L));
    }

    public Event toolCall(String tool) {
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        args.put("call", serial);
        return toolCall(tool, args);
    }

    public Event memoryRead(Tier tier, String key) {
        return record(key, null, tier, null, new Payload.MemoryRead(key, hash("read " + key + serial++)));
    }

    public Event memoryWrite(Tier tier, String key) {
        return record(key, null, tier, null,
                new Payload.MemoryWrite(key, hash("write " + key + serial++), hash("diff " + serial++)));
    }

    public Event artifact(String mediaType) {
        return record("artifact", null, null, null, new Payload.Artifact(hash("artifact " + serial++), mediaType, null));
    }

    public Event skill(String question, String answer, double confidence) {
        ObjectNode interpretation = JsonNodeFactory.instance.objectNode();
        interpretation.put("question", question).put("means", answer);
        return record("skill " + question, null, Tier.EPISODIC, null,
                new Payload.SkillAuthoringDecision(question, answer, interpretation, confidence));
    }

    public Event beacon(String kind) {
        return record("beacon", null, null, null, new Payload.BeaconLedgerEvent(kind, OPERATOR, "device-3", "beacon-9",
                JsonNodeFactory.instance.arrayNode().add("ledger:" + serial++)));
    }

    /** A decision of {@code gate} on the move from the current stage to {@code to}. */
    public Event decision(String gate, Stage to, Verdict verdict) {
        return decision(gate, new Transition(stage, to), verdict);
    }

    public Event decision(String gate, Transition transition, Verdict verdict) {
        return record(gate, null, null, null, new Payload.GateDecision(gate, transition, verdict,
                verdict == Verdict.ALLOW ? "ok" : "not ok: " + gate));
    }

    /** Moves to {@code to}, caused by the last transition and every event recorded since. */
    public Event transition(Stage to, List<String> requiredGates, Payload.Override override) {
        List<String> causes = new ArrayList<>(owed);
        causes.add(lastTransition.id());
        Event t = EventCodec.create(task, phase(), tick(), stage + "->" + to, null, null, causes, null,
                new Payload.PhaseTransition(stage, to, requiredGates.stream().sorted().toList(), override));
        events.add(t);
        owed.clear();
        lastTransition = t;
        stage = to;
        return t;
    }

    /** Decides each gate, then moves on; non-allow decisions are overridden by {@link #OPERATOR}. */
    public Event advance(Stage to, Map<String, Verdict> gates) {
        Map<String, Verdict> sorted = new TreeMap<>(gates);
        List<String> overridden = new ArrayList<>();
        sorted.forEach((gate, verdict) -> {
            Event d = decision(gate, to, verdict);
            if (verdict != Verdict.ALLOW) overridden.add(d.id());
        });
        Payload.Override override = overridden.isEmpty() ? null
                : new Payload.Override(OPERATOR, OVERRIDE_REASON, overridden.stream().sorted().toList());
        return transition(to, List.copyOf(sorted.keySet()), override);
    }

    /** Moves on with every listed gate deciding allow. */
    public Event advance(Stage to, String... allowingGates) {
        Map<String, Verdict> gates = new TreeMap<>();
        for (String g : allowingGates) gates.put(g, Verdict.ALLOW);
        return advance(to, gates);
    }

    public Event fail() {
        return transition(Stage.FAILED, List.of(), null);
    }
}
