package dev.r1.stoke.sample;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Tier;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.json.StrictJson;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.SealedReceipt;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates one task's events as a real run would record them: a valid STOKE graph of exactly
 * {@code n} events (n ≥ 10) that a sealer accepts.
 *
 * <pre>
 * START->PLAN (root)
 *   → plan work (thoughts, memory reads), chained
 *   → gate decisions plan-review, budget (allow, PLAN->EXECUTE)
 *   → PLAN->EXECUTE [budget, plan-review]
 *   → execute work (tool calls, thoughts, memory reads/writes, artifacts), chained, with fan-in
 *   → gate decision tests (EXECUTE->VERIFY) → EXECUTE->VERIFY [tests]
 *   → verify work (test runs, thoughts) → gate decision review (VERIFY->COMMIT) → VERIFY->COMMIT [review]
 *   → COMMIT->DONE (the terminal transition, the only sink)
 * </pre>
 *
 * Nine events are structure; the other {@code n - 9} are work, a tenth each in PLAN and VERIFY
 * and the rest in EXECUTE. Each work event is caused by the one before it, and every seventh
 * also by the one before that, so the graph has one root, one sink and satisfies the gate
 * invariant. The output is deterministic for a given seed; events are listed in recording order.
 */
public final class RunGenerator {
    /** The smallest run the generator can build: the nine structural events and one tool call. */
    public static final int MIN_EVENTS = 10;

    private static final String[] FILES = {
        "src/main/java/dev/r1/core/Orchestrator.java", "src/main/java/dev/r1/core/PhaseMachine.java",
        "src/main/java/dev/r1/ledger/Ledger.java", "src/test/java/dev/r1/ledger/LedgerTest.java",
        "docs/architecture.md", "pom.xml", "src/main/resources/application.properties",
    };
    private static final String[] THOUGHTS = {
        "The failing assertion compares the canonical bytes; the ordering of members must be by UTF-16 code units, not by code points.",
        "Split the change in two: first the ledger index, then the verifier. Keep the receipt format untouched.",
        "The test timed out after 120 s; the embedded broker was still starting. Retry with a readiness probe instead of a sleep.",
        "Memory L2 has the module layout from the previous phase — reuse it rather than listing the tree again.",
        "Résumé of the plan: 3 files to touch, 1 migration, no API change → low risk.",
        "Exit code 1 from the linter is a warning about an unused import only; fix it before the gate runs.",
    };
    private static final String[] TOOLS = {"shell", "read_file", "edit_file", "search", "run_tests"};

    private final Random random;
    private final String task;
    private final List<Event> events;
    private long t;

    private RunGenerator(String task, int n, long seed) {
        this.random = new Random(seed);
        this.task = task;
        this.events = new ArrayList<>(n);
    }

    /** Exactly {@code n} events of task {@code task} forming a sealed, gated graph. */
    public static List<Event> events(String task, int n, long seed) {
        if (n < MIN_EVENTS) throw new IllegalArgumentException("at least " + MIN_EVENTS + " events, got " + n);
        return new RunGenerator(task, n, seed).run(n);
    }

    public static List<Event> events(int n) {
        return events("bench-task-" + n, n, 42L);
    }

    /**
     * Prints what the benchmarks' receipts hold: for each size given (default 10, 1000, 100000),
     * the events by type and the bytes of the receipt file.
     */
    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {10, 1000, 100_000}
                : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        SigningKey key = SigningKey.fromSeed(new byte[32]);
        for (int n : sizes) {
            List<Event> events = events(n);
            java.util.Map<EventType, Long> types = new java.util.EnumMap<>(EventType.class);
            long eventBytes = 0;
            for (Event e : events) {
                types.merge(e.type(), 1L, Long::sum);
                eventBytes += EventCodec.canonical(e).length;
            }
            SealedReceipt sealed = new ReceiptSealer(key).seal(events);
            System.out.printf("%d events: %s; canonical event bytes %d (%.0f per event); receipt file %d bytes%n",
                    n, types, eventBytes, (double) eventBytes / n, sealed.file().length);
        }
    }

    private List<Event> run(int n) {
        int work = n - 9;
        int planWork = work / 10;
        int verifyWork = work / 10;
        int executeWork = work - planWork - verifyWork;

        Event root = transition(Phase.PLAN, Stage.START, Stage.PLAN, List.of(), List.of());
        Event last = work(Phase.PLAN, root, planWork);
        Event review = gate(Phase.PLAN, "plan-review", Stage.PLAN, Stage.EXECUTE, last);
        Event budget = gate(Phase.PLAN, "budget", Stage.PLAN, Stage.EXECUTE, last);
        Event execute = transition(Phase.PLAN, Stage.PLAN, Stage.EXECUTE, List.of("budget", "plan-review"),
                List.of(review.id(), budget.id()));

        last = work(Phase.EXECUTE, execute, executeWork);
        Event tests = gate(Phase.EXECUTE, "tests", Stage.EXECUTE, Stage.VERIFY, last);
        Event verify = transition(Phase.EXECUTE, Stage.EXECUTE, Stage.VERIFY, List.of("tests"),
                List.of(tests.id(), last.id()));

        last = work(Phase.VERIFY, verify, verifyWork);
        Event approve = gate(Phase.VERIFY, "review", Stage.VERIFY, Stage.COMMIT, last);
        Event commit = transition(Phase.VERIFY, Stage.VERIFY, Stage.COMMIT, List.of("review"),
                List.of(approve.id(), last.id()));

        transition(Phase.COMMIT, Stage.COMMIT, Stage.DONE, List.of(), List.of(commit.id()));
        if (events.size() != n) throw new IllegalStateException("generated " + events.size() + " events, wanted " + n);
        return List.copyOf(events);
    }

    /** {@code count} work events chained after {@code after}; returns the last (or {@code after}). */
    private Event work(Phase phase, Event after, int count) {
        Event previous = after;
        Event beforePrevious = null;
        for (int i = 0; i < count; i++) {
            List<String> causes = new ArrayList<>(2);
            causes.add(previous.id());
            if (beforePrevious != null && i % 7 == 6) causes.add(beforePrevious.id());
            Event e = workEvent(phase, i, causes);
            beforePrevious = previous;
            previous = e;
        }
        return previous;
    }

    private Event workEvent(Phase phase, int i, List<String> causes) {
        int roll = random.nextInt(100);
        if (phase == Phase.PLAN) {
            return roll < 70 ? thought(phase, causes) : memoryRead(phase, causes);
        }
        if (phase == Phase.VERIFY) {
            return roll < 60 ? toolCall(phase, "run_tests", causes) : thought(phase, causes);
        }
        if (roll < 35) return thought(phase, causes);
        if (roll < 80) return toolCall(phase, TOOLS[random.nextInt(TOOLS.length)], causes);
        if (roll < 88) return memoryRead(phase, causes);
        if (roll < 94) return memoryWrite(phase, causes);
        return artifact(phase, causes);
    }

    private Event thought(Phase phase, List<String> causes) {
        ObjectNode x = null;
        if (random.nextInt(10) == 0) {
            x = StrictJson.mapper().createObjectNode();
            x.put("model", "r1-planner-2");
            x.put("tokens", 200 + random.nextInt(4000));
        }
        return add(phase, "think", THOUGHTS[random.nextInt(THOUGHTS.length)], null, causes, x, new Payload.Thought());
    }

    private Event toolCall(Phase phase, String tool, List<String> causes) {
        ObjectNode args = StrictJson.mapper().createObjectNode();
        String file = FILES[random.nextInt(FILES.length)];
        switch (tool) {
            case "shell" -> {
                args.put("cmd", "mvn -q -pl ledger test -Dtest=LedgerTest#" + "case" + random.nextInt(50));
                args.put("cwd", "/work/repo");
                args.put("timeout_ms", 120_000);
            }
            case "read_file" -> {
                args.put("path", file);
                args.put("offset", random.nextInt(400));
                args.put("limit", 200);
            }
            case "edit_file" -> {
                args.put("path", file);
                args.put("old", "return order;");
                args.put("new", "return List.copyOf(order);");
            }
            case "search" -> {
                args.put("query", "canonicalOrder");
                args.putArray("paths").add("src/main/java").add("src/test/java");
            }
            default -> {
                args.put("module", "ledger");
                args.put("filter", "*Test");
                args.put("parallel", false);
            }
        }
        Long exit = random.nextInt(8) == 0 ? 1L : 0L;
        return add(phase, tool, null, null, causes, null, new Payload.ToolCall(args, hash(), exit));
    }

    private Event memoryRead(Phase phase, List<String> causes) {
        return add(phase, "read", null, Tier.SEMANTIC, causes, null,
                new Payload.MemoryRead("layout/" + FILES[random.nextInt(FILES.length)], hash()));
    }

    private Event memoryWrite(Phase phase, List<String> causes) {
        return add(phase, "write", null, Tier.EPISODIC, causes, null,
                new Payload.MemoryWrite("decision/" + random.nextInt(1000), hash(), hash()));
    }

    private Event artifact(Phase phase, List<String> causes) {
        String h = hash();
        return add(phase, "patch", "the change so far as a unified diff", null, causes, null,
                new Payload.Artifact(h, "text/x-diff", "blob:sha256:" + h));
    }

    private Event gate(Phase phase, String gate, Stage from, Stage to, Event after) {
        return add(phase, gate, null, null, List.of(after.id()), null,
                new Payload.GateDecision(gate, Transition.of(from, to), Verdict.ALLOW, gate + " passed"));
    }

    private Event transition(Phase phase, Stage from, Stage to, List<String> gates, List<String> causes) {
        return add(phase, from + "->" + to, null, null, causes, null,
                new Payload.PhaseTransition(from, to, gates, null));
    }

    private Event add(Phase phase, String label, String detail, Tier tier, List<String> causes, ObjectNode x,
            Payload payload) {
        Event e = EventCodec.create(task, phase, t, label, detail, tier, causes, x, payload);
        events.add(e);
        t += 1 + random.nextInt(2500);
        return e;
    }

    private String hash() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Sha256.toHex(b);
    }
}
