package dev.r1.stoke.testkit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Tier;
import dev.r1.stoke.event.Verdict;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * Random but legal runs, as scripts a {@link RunBuilder} plays: work of every event type in
 * each phase, gated moves (allow, or block/escalate overridden by an operator), retries from
 * VERIFY back to EXECUTE, and an end in DONE or FAILED.
 */
public final class RunScripts {
    public static final List<String> GATE_NAMES =
            List.of("budget", "scope-fit", "secrets", "syntax", "tests", "lint", "cross-family-review", "policy");

    public enum Kind { THOUGHT, TOOL_CALL, MEMORY_READ, MEMORY_WRITE, ARTIFACT, SKILL, BEACON }

    public sealed interface Step permits Work, Advance, Retry {}

    /** One event of the current phase; {@code stepMillis} after the one before. */
    public record Work(Kind kind, String text, Tier tier, int stepMillis, ObjectNode args, ObjectNode x) implements Step {}

    /** The next move on the happy path, with its gates. */
    public record Advance(Map<String, Verdict> gates) implements Step {}

    /** VERIFY->EXECUTE when in VERIFY; nothing otherwise. */
    public record Retry(Map<String, Verdict> gates) implements Step {}

    /** The current phase -> FAILED, listing gates that FAILED does not need decided. */
    public record Fail(List<String> gates) {}

    /** Steps to play; with a {@code failure}, the run fails after {@code failAfter} steps (or at the end). */
    public record Script(String task, List<Step> steps, Fail failure, Integer failAfter) {}

    public record Played(List<Event> events, Stage end, int retries, int overrides) {}

    private RunScripts() {}

    public static Arbitrary<Script> scripts() {
        Arbitrary<Step> work = Combinators.combine(
                Arbitraries.of(Kind.class),
                JsonArbitraries.text(16),
                Arbitraries.of(Tier.class).injectNull(0.3),
                Arbitraries.integers().between(1, 90_000),
                JsonArbitraries.objects(2, false),
                JsonArbitraries.objects(1, false).injectNull(0.7))
                .as((kind, text, tier, step, args, x) -> (Step) new Work(kind, text, tier, step, args, x));
        Arbitrary<Map<String, Verdict>> gates = Arbitraries.maps(Arbitraries.of(GATE_NAMES),
                Arbitraries.frequency(Tuple.of(6, Verdict.ALLOW), Tuple.of(2, Verdict.BLOCK), Tuple.of(2, Verdict.ESCALATE)))
                .ofMaxSize(3);
        Arbitrary<Step> advance = gates.map(g -> (Step) new Advance(g));
        Arbitrary<Step> retry = gates.map(g -> (Step) new Retry(g));
        Arbitrary<Step> step = Arbitraries.frequencyOf(Tuple.of(20, work), Tuple.of(8, advance), Tuple.of(6, retry));
        Arbitrary<String> task = Arbitraries.frequencyOf(
                Tuple.of(9, Arbitraries.strings().withChars("abcXYZ0189._:-").ofMinLength(1).ofMaxLength(24)),
                Tuple.of(1, Arbitraries.strings().withChars("tT-").ofLength(128)));
        Arbitrary<List<Step>> steps = step.list().ofMinSize(4).ofMaxSize(40).withSizeDistribution(RandomDistribution.uniform());
        // a third of the runs fail after some step, listing gates FAILED does not need decided
        Arbitrary<Fail> failure = Arbitraries.of(GATE_NAMES).set().ofMaxSize(2)
                .map(g -> new Fail(g.stream().sorted().toList()))
                .injectNull(0.67);
        return Combinators.combine(task, steps, failure, Arbitraries.integers().between(0, 40))
                .as((t, s, f, after) -> new Script(t, s, f, f == null ? null : after));
    }

    public static Played play(Script script) {
        RunBuilder run = new RunBuilder(script.task());
        run.start();
        int retries = 0;
        int overrides = 0;
        int played = 0;
        for (Step step : script.steps()) {
            if (run.ended()) break;
            if (script.failure() != null && played++ == script.failAfter()) break;
            if (step instanceof Work w) {
                run.step(w.stepMillis());
                record(run, w);
            } else if (step instanceof Advance a) {
                if (a.gates().containsValue(Verdict.BLOCK) || a.gates().containsValue(Verdict.ESCALATE)) overrides++;
                run.advance(next(run.stage()), a.gates());
            } else if (step instanceof Retry r && run.stage() == Stage.VERIFY) {
                if (r.gates().containsValue(Verdict.BLOCK) || r.gates().containsValue(Verdict.ESCALATE)) overrides++;
                run.advance(Stage.EXECUTE, r.gates());
                retries++;
            }
        }
        if (!run.ended()) {
            if (script.failure() != null) {
                run.transition(Stage.FAILED, script.failure().gates(), null);
            } else {
                while (!run.ended()) run.advance(next(run.stage()));
            }
        }
        return new Played(run.events(), run.stage(), retries, overrides);
    }

    private static Stage next(Stage stage) {
        return switch (stage) {
            case PLAN -> Stage.EXECUTE;
            case EXECUTE -> Stage.VERIFY;
            case VERIFY -> Stage.COMMIT;
            case COMMIT -> Stage.DONE;
            default -> throw new IllegalStateException("no move on from " + stage);
        };
    }

    private static void record(RunBuilder run, Work w) {
        String key = w.text().isEmpty() ? "k" : w.text();
        Tier tier = w.tier();
        switch (w.kind()) {
            case THOUGHT -> run.record(w.text(), "thinking: " + w.text(), tier, w.x(), new Payload.Thought());
            case TOOL_CALL -> run.record("tool " + w.text(), null, tier, w.x(),
                    new Payload.ToolCall(w.args(), RunBuilder.hash("result" + w.text() + w.stepMillis()),
                            (long) (w.stepMillis() % 3) - 1));
            case MEMORY_READ -> run.record(key, null, tier == null ? Tier.WORKING : tier, w.x(),
                    new Payload.MemoryRead(key, RunBuilder.hash("value" + key)));
            case MEMORY_WRITE -> run.record(key, w.text(), tier == null ? Tier.PROCEDURAL : tier, w.x(),
                    new Payload.MemoryWrite(key, RunBuilder.hash("value" + key + w.stepMillis()), RunBuilder.hash("diff")));
            case ARTIFACT -> run.record("artifact", null, tier, w.x(),
                    new Payload.Artifact(RunBuilder.hash(w.text()), "application/json", w.stepMillis() % 2 == 0 ? null
                            : "blob:" + RunBuilder.hash(w.text())));
            case SKILL -> run.record("skill", null, tier, w.x(), new Payload.SkillAuthoringDecision("q-" + w.stepMillis(),
                    w.text(), w.args(), (w.stepMillis() % 1001) / 1000.0));
            case BEACON -> run.record("beacon", null, tier, w.x(), new Payload.BeaconLedgerEvent("command", "op", "dev",
                    "b", JsonNodeFactory.instance.arrayNode().add(w.text()).add(w.stepMillis())));
        }
    }
}
