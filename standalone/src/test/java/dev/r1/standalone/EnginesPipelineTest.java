package dev.r1.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.r1.engines.standins.Recorded;
import dev.r1.standalone.StandInProviders.Case;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.receipt.Verification;
import dev.r1.testing.EmbeddedStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every engine through PLAN, EXECUTE, VERIFY and COMMIT of the all-in-one app, on the real
 * broker and database, against its local stand-in ({@link StandInProviders}: recorded OpenAI and
 * Anthropic exchanges, stand-in {@code claude} and {@code codex} executables). Each task ends in
 * a receipt that verifies with the ledger's key: the work of the four engines merged, with the
 * TOOL_CALLs the recordings asked for; malformed, truncated, rate-limited and failing providers
 * and a CLI exiting non-zero each recorded as a failure or a fallback; parallel plan items merged
 * or, on the same lines, a recorded conflict and repair; a same-family reviewer refused.
 *
 * <p>Every task is submitted when the first test runs, so they all go through the pipeline at
 * once; each test then waits for the receipt of its own.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedStack.class)
@QuarkusTestResource(value = StandInProviders.class, restrictToAnnotatedClass = true)
class EnginesPipelineTest {
    /** Generous: a dozen tasks through four phases on a shared two-core machine. */
    static final Duration ALL_RECEIPTS = Duration.ofMinutes(8);
    static final String API_GOAL = "Add hello.txt and greet from R1 in the README ";
    static final String API_TEST = "grep -qx 'hello, world' hello.txt && grep -qx 'Hello from R1.' README.md";
    static final String CLI_TEST = "grep -qx 'hello, world' hello.txt";

    /** What a case submits: the engine it asks for first, its goal and the test VERIFY runs. */
    record Submission(Case c, String kind, String provider, String goal, String testCommand) {}

    static final List<Submission> SUBMISSIONS = List.of(
            new Submission(Case.OPENAI, "openai", "oa", API_GOAL, API_TEST),
            new Submission(Case.ANTHROPIC, "anthropic", "ant", API_GOAL, API_TEST),
            new Submission(Case.CLAUDE_CODE, "claude-code", "cc", API_GOAL, CLI_TEST),
            new Submission(Case.CODEX, "codex", "cx", API_GOAL, CLI_TEST),
            new Submission(Case.MALFORMED, "openai", "oa", API_GOAL, API_TEST),
            new Submission(Case.TRUNCATED, "anthropic", "ant", API_GOAL, API_TEST),
            new Submission(Case.RATE_LIMITED, "openai", "llama", API_GOAL, API_TEST),
            new Submission(Case.SERVER_ERROR, "anthropic", "ant", API_GOAL, API_TEST),
            new Submission(Case.CLI_EXIT, "claude-code", "cc-broken", API_GOAL, API_TEST),
            new Submission(Case.PARALLEL, "openai", "oa", "Add a.txt and b.txt ", "grep -qx a a.txt && grep -qx b b.txt"),
            new Submission(Case.CONFLICT, "openai", "oa", "Greet from A and from B in the README ", "grep -qx 'Hello from A and B.' README.md"),
            new Submission(Case.SAME_FAMILY, "openai", "llama", API_GOAL, API_TEST));

    /** The origin of each case's task, once submitted; each task has its own, so their merges never meet. */
    private static Map<Case, Path> origins;
    private static long deadline;

    @TestHTTPResource("/")
    URL url;

    @Test
    void openAiEngine() {
        Verification v = receipt(Case.OPENAI, "DONE");
        assertThat(ToolCalls.executed(v)).isEqualTo(ToolCalls.fromOpenAi(Recorded.OPENAI_1, Recorded.OPENAI_2, Recorded.OPENAI_3));
        assertModelCallsBy(v, "oa");
        assertReviewedAcrossFamilies(v, "oa/gpt-4o (openai)");
        assertApiWorkMerged(Case.OPENAI);
    }

    @Test
    void anthropicEngine() {
        Verification v = receipt(Case.ANTHROPIC, "DONE");
        assertThat(ToolCalls.executed(v)).isEqualTo(ToolCalls.fromAnthropic(Recorded.ANTHROPIC_1, Recorded.ANTHROPIC_2, Recorded.ANTHROPIC_3));
        assertModelCallsBy(v, "ant");
        assertReviewedAcrossFamilies(v, "ant/claude-sonnet-4-5 (anthropic)");
        assertApiWorkMerged(Case.ANTHROPIC);
    }

    @Test
    void claudeCodeEngine() {
        Verification v = receipt(Case.CLAUDE_CODE, "DONE");
        assertThat(ToolCalls.executed(v)).isEqualTo(ToolCalls.fromClaudeStream(Recorded.CLAUDE_STREAM));
        Event result = thoughts(v, "model").stream().filter(t -> t.x() != null).findFirst().orElseThrow();
        assertThat(result.x().path("usage").path("provider").asText()).isEqualTo("cc");
        assertThat(result.x().path("usage").path("cost_usd").asDouble())
                .isEqualTo(ToolCalls.line(Recorded.CLAUDE_STREAM, "result").path("total_cost_usd").asDouble());
        assertReviewedAcrossFamilies(v, "cc/default (anthropic)");
        assertThat(Repos.show(origin(Case.CLAUDE_CODE), "main", "hello.txt")).isEqualTo("hello, world\n");
    }

    @Test
    void codexEngine() {
        Verification v = receipt(Case.CODEX, "DONE");
        assertThat(ToolCalls.executed(v)).isEqualTo(ToolCalls.fromCodexStream(Recorded.CODEX_STREAM));
        assertReviewedAcrossFamilies(v, "cx/gpt-5-codex (openai)");
        assertThat(Repos.show(origin(Case.CODEX), "main", "hello.txt")).isEqualTo("hello, world\n");
    }

    @Test
    void aMalformedAnswerFailsTheTaskWithTheReasonRecorded() {
        Verification v = receipt(Case.MALFORMED, "FAILED");
        assertThat(ToolCalls.executed(v)).isEmpty();
        assertThat(engineError(v)).contains("every provider failed").contains("provider oa (openai)");
        assertNothingMerged(Case.MALFORMED);
    }

    @Test
    void aTruncatedAnswerFallsBackToTheNextProvider() {
        Verification v = receipt(Case.TRUNCATED, "DONE");
        assertThat(switchReason(v)).startsWith("provider ant/claude-sonnet-4-5 failed, going on with oa/gpt-4o: provider ant (anthropic): ");
        assertThat(ToolCalls.executed(v)).isEqualTo(ToolCalls.fromOpenAi(Recorded.OPENAI_1, Recorded.OPENAI_2, Recorded.OPENAI_3));
        assertApiWorkMerged(Case.TRUNCATED);
    }

    @Test
    void aRateLimitFallsBackToTheNextProvider() {
        Verification v = receipt(Case.RATE_LIMITED, "DONE");
        assertThat(switchReason(v)).startsWith("provider llama/llama-3.1-8b failed, going on with oa/gpt-4o")
                .contains("rate limited (HTTP 429)");
        assertThat(ToolCalls.executed(v)).isEqualTo(ToolCalls.fromOpenAi(Recorded.OPENAI_1, Recorded.OPENAI_2, Recorded.OPENAI_3));
        assertModelCallsBy(v, "oa");
        assertApiWorkMerged(Case.RATE_LIMITED);
    }

    @Test
    void serverErrorsFromEveryProviderFailTheTaskWithEachReason() {
        Verification v = receipt(Case.SERVER_ERROR, "FAILED");
        assertThat(switchReason(v)).startsWith("provider ant/claude-sonnet-4-5 failed, going on with oa/gpt-4o");
        assertThat(ToolCalls.executed(v)).isEmpty();
        assertThat(engineError(v)).contains("provider ant (anthropic)").contains("provider oa (openai)").contains("500");
        assertNothingMerged(Case.SERVER_ERROR);
    }

    @Test
    void aCliExitingNonZeroFallsBackToTheNextProvider() {
        Verification v = receipt(Case.CLI_EXIT, "DONE");
        assertThat(switchReason(v)).startsWith("provider cc-broken failed, going on with oa/gpt-4o").contains("exited with 2")
                .contains("credit balance too low");
        assertThat(ToolCalls.executed(v)).isEqualTo(ToolCalls.fromOpenAi(Recorded.OPENAI_1, Recorded.OPENAI_2, Recorded.OPENAI_3));
        assertApiWorkMerged(Case.CLI_EXIT);
    }

    @Test
    void planItemsOnDifferentFilesRunInParallelAndMerge() {
        Verification v = receipt(Case.PARALLEL, "DONE");
        // The items are the planner's, from the model the planner route names.
        List<Event> plans = events(v, EventType.ARTIFACT, "plan");
        assertThat(plans).hasSize(1);
        assertThat(plans.get(0).x().path("planner").path("provider").asText()).isEqualTo("planner");
        assertThat(thoughts(v, "plan-error")).isEmpty();
        assertThat(thoughts(v, "plan-item")).extracting(Event::detail).containsExactly("item a: Add a.txt", "item b: Add b.txt");
        assertThat(ToolCalls.executed(v)).extracting(ToolCalls.Call::label).containsExactly("write", "write");
        assertThat(events(v, EventType.ARTIFACT, "merge-conflict")).isEmpty();
        Path origin = origin(Case.PARALLEL);
        assertThat(Repos.show(origin, "main", "a.txt")).isEqualTo("a\n");
        assertThat(Repos.show(origin, "main", "b.txt")).isEqualTo("b\n");
        assertThat(Repos.commitsSince(origin, "main", base(origin))).anyMatch(c -> c.endsWith("r1: merge plan item a"))
                .anyMatch(c -> c.endsWith("r1: merge plan item b"));
    }

    @Test
    void planItemsOnTheSameLinesConflictAndTheLaterOneIsRepaired() {
        Verification v = receipt(Case.CONFLICT, "DONE");
        List<Event> conflicts = events(v, EventType.ARTIFACT, "merge-conflict");
        assertThat(conflicts).hasSize(1);
        assertThat(conflicts.get(0).detail()).contains("plan item b (Greet from B) conflicts").contains("README.md").contains("sent back for repair");
        // Item a's edit, item b's, then b's repair on top of a's, in that order.
        assertThat(ToolCalls.executed(v)).containsExactly(edit("Hello from main.", "Hello from A."), edit("Hello from main.", "Hello from B."),
                edit("Hello from A.", "Hello from A and B."));
        Path origin = origin(Case.CONFLICT);
        assertThat(Repos.show(origin, "main", "README.md")).isEqualTo("# Demo\n\nHello from A and B.\n");
        assertThat(Repos.commitsSince(origin, "main", base(origin))).anyMatch(c -> c.endsWith("r1: repair plan item b"));
    }

    @Test
    void aReviewerOfTheImplementersFamilyIsRefused() {
        Verification v = receipt(Case.SAME_FAMILY, "FAILED");
        assertThat(ToolCalls.executed(v)).isEqualTo(ToolCalls.fromOpenAi(Recorded.OPENAI_1, Recorded.OPENAI_2, Recorded.OPENAI_3));
        Payload.GateDecision review = review(v);
        assertThat(review.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(review.reason()).contains("every configured reviewer (reviewer/llama-3.3-70b) is of the implementer's family (meta)")
                .contains("same-family review is refused");
        assertThat(events(v, EventType.ARTIFACT, "review")).hasSize(1);
        assertThat(v.receipt().terminal().asTransition().from().name()).isEqualTo("VERIFY");
        assertNothingMerged(Case.SAME_FAMILY);
    }

    // ---- submitting and waiting

    private Verification receipt(Case c, String terminal) {
        Http http = new Http(url.toString());
        submitAll(http);
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        byte[] bytes = Wait.until("the receipt of " + c.task(), left, () -> http.receipt(c.task()).orElse(null));
        Verification v = ReceiptCheck.verify(EmbeddedStack.dataDir().resolve("keys"), bytes);
        assertThat(v.valid()).as("receipt of %s verifies: %s", c.task(), v.violation()).isTrue();
        assertThat(v.receipt().task()).isEqualTo(c.task());
        assertThat(ReceiptCheck.terminal(v)).as("terminal state of %s", c.task()).isEqualTo(terminal);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).as("the provider key in the receipt of %s", c.task()).doesNotContain(StandInProviders.KEY);
        return v;
    }

    private static synchronized void submitAll(Http http) {
        if (origins != null) return;
        Map<Case, Path> made = new EnumMap<>(Case.class);
        try {
            Path root = Files.createTempDirectory(EmbeddedStack.dataDir(), "engines-");
            for (Submission s : SUBMISSIONS) {
                Path origin = Repos.create(root.resolve(s.c().task() + ".git"), Map.of("README.md", StandInProviders.README));
                made.put(s.c(), origin);
                HttpResponse<String> r = http.post("v1/tasks", "application/json", Specs.bytes(
                        Specs.model(s.c().task(), origin, s.goal() + s.c().marker(), s.testCommand(), s.kind(), s.provider())));
                assertThat(r.statusCode()).as("POST %s: %s", s.c().task(), r.body()).isEqualTo(202);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(made.keySet()).as("a submission for every case the stand-ins answer").isEqualTo(Set.of(Case.values()));
        deadline = System.nanoTime() + ALL_RECEIPTS.toNanos();
        origins = made;
    }

    private static Path origin(Case c) {
        return origins.get(c);
    }

    private static String base(Path origin) {
        return Repos.git(origin, "rev-list", "--max-parents=0", "main").strip();
    }

    // ---- what the receipt holds

    /** An edit of the README, as the conflicting plan items' conversations ask for it. */
    private static ToolCalls.Call edit(String old, String replacement) {
        return ToolCalls.tool("edit_file", JsonNodeFactory.instance.objectNode().put("path", "README.md").put("old", old).put("new", replacement));
    }

    private static List<Event> events(Verification v, EventType type, String label) {
        return v.receipt().events().stream().filter(e -> e.type() == type && e.label().equals(label)).toList();
    }

    private static List<Event> thoughts(Verification v, String label) {
        return events(v, EventType.THOUGHT, label);
    }

    private static String switchReason(Verification v) {
        List<Event> switches = thoughts(v, "provider-switch");
        assertThat(switches).as("provider switches").hasSize(1);
        assertThat(switches.get(0).phase()).isEqualTo(Phase.EXECUTE);
        return switches.get(0).detail();
    }

    private static String engineError(Verification v) {
        List<Event> errors = events(v, EventType.ARTIFACT, "engine-error");
        assertThat(errors).as("engine errors").hasSize(1);
        assertThat(v.receipt().terminal().asTransition().from().name()).isEqualTo("EXECUTE");
        return errors.get(0).detail();
    }

    private static Payload.GateDecision review(Verification v) {
        List<Event> decisions = events(v, EventType.GATE_DECISION, "cross-family-review");
        assertThat(decisions).as("cross-family review decisions").hasSize(1);
        return (Payload.GateDecision) decisions.get(0).payload();
    }

    private static void assertReviewedAcrossFamilies(Verification v, String implementer) {
        Payload.GateDecision review = review(v);
        assertThat(review.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(review.reason()).startsWith("reviewer/llama-3.3-70b (meta) approved the work of " + implementer);
        List<Event> tests = v.receipt().events().stream().filter(e -> e.type() == EventType.TOOL_CALL && e.label().equals("test")).toList();
        assertThat(tests).hasSize(1);
        assertThat(((Payload.ToolCall) tests.get(0).payload()).exitCode()).isZero();
    }

    /** Every model call of EXECUTE was answered by {@code provider}, and says so in its usage. */
    private static void assertModelCallsBy(Verification v, String provider) {
        List<Event> calls = thoughts(v, "model");
        assertThat(calls).isNotEmpty().allSatisfy(t -> assertThat(t.x().path("usage").path("provider").asText()).isEqualTo(provider));
    }

    private static void assertApiWorkMerged(Case c) {
        Path origin = origin(c);
        assertThat(Repos.show(origin, "main", "hello.txt")).isEqualTo("hello, world\n");
        assertThat(Repos.show(origin, "main", "README.md")).isEqualTo("# Demo\n\nHello from R1.\n");
    }

    private static void assertNothingMerged(Case c) {
        Path origin = origin(c);
        assertThat(Repos.head(origin, "main")).isEqualTo(base(origin));
    }
}
