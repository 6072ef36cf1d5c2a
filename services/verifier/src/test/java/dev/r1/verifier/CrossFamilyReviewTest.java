package dev.r1.verifier;

import static dev.r1.engines.standins.ProviderServer.json;
import static dev.r1.executor.Fixtures.handoff;
import static dev.r1.executor.Fixtures.origin;
import static dev.r1.executor.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1.engines.Engines;
import dev.r1.engines.config.R1Config;
import dev.r1.engines.standins.ProviderServer;
import dev.r1.engines.standins.Recorded;
import dev.r1.executor.ExecutePhase;
import dev.r1.executor.Fixtures;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.PhaseOutcome;
import dev.r1.pipeline.flow.TaskClock;
import dev.r1.pipeline.flow.TaskTrace;
import dev.r1.pipeline.git.RepoCache;
import dev.r1.pipeline.spec.TaskSpecs;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.ReceiptVerifier;
import dev.r1.stoke.receipt.SealedReceipt;
import dev.r1.stoke.receipt.Verification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-family review in VERIFY, against an Anthropic Messages stand-in reviewing work an
 * OpenAI-compatible (meta-family) model did; and a whole task sealed into a receipt.
 */
class CrossFamilyReviewTest {
    static final String KEY = "sk-ant-review-1a2b3c4d5e6f7a8b";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String IMPLEMENTER_NOTE = "{\"implementer\":{\"provider\":\"vllm\",\"kind\":\"openai\",\"model\":\"llama-3.3-70b\",\"family\":\"meta\"}}";

    @TempDir
    Path tmp;

    static String review(String verdict, String reason) {
        return """
                {"id":"msg_rev","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"{\\"verdict\\": \\"%s\\", \\"reasons\\": [\\"%s\\"]}"}],
                 "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":900,"output_tokens":30}}""".formatted(verdict, reason);
    }

    Path originWithBranch() throws Exception {
        Path origin = origin(tmp.resolve("repo"), Map.of("README.md", "Hello from main.\n"));
        Path work = tmp.resolve("work");
        dev.r1.pipeline.git.Git.out(tmp, "clone", "-q", origin.toString(), work.toString());
        java.nio.file.Files.writeString(work.resolve("hello.txt"), "hello, world\n");
        Fixtures.commit(work, "r1: greet\n\nR1-Task: t-rev\nR1-Attempt: 1\n");
        dev.r1.pipeline.git.Git.out(work, "push", "-q", "origin", "HEAD:refs/heads/r1/t-rev");
        return origin;
    }

    static String spec(Path origin, String kind) {
        return """
                id: t-rev
                repository: %s
                goal: Add a greeting file
                test_command: "echo all 3 tests passed"
                deterministic: true
                engine: {kind: %s}
                """.formatted(origin, kind);
    }

    Engines engines(String reviewers, String extra) {
        return new Engines(R1Config.parse("""
                providers:
                %s
                routes:
                  reviewer: [%s]
                %s
                """.formatted(reviewers.indent(2).stripTrailing(), reviewers.lines().map(l -> l.strip().split(":")[0]).reduce((a, b) -> a + ", " + b)
                .orElse(""), extra), "test"), Map.of("REVIEW_KEY", KEY));
    }

    static Payload.GateDecision review(Fixtures.Run run) {
        return decisions(run).stream().filter(d -> d.gate().equals("cross-family-review")).findFirst().orElseThrow();
    }

    static List<Payload.GateDecision> decisions(Fixtures.Run run) {
        return run.recorded().stream().map(Event::payload).filter(Payload.GateDecision.class::isInstance).map(Payload.GateDecision.class::cast)
                .toList();
    }

    @Test
    void aReviewerOfAnotherFamilyApprovesAndSeesNoThoughts() throws Exception {
        Path origin = originWithBranch();
        try (ProviderServer ant = ProviderServer.anthropic().replies(json(review("approve", "adds the file as asked")))) {
            Engines engines = engines("ant: {kind: anthropic, base_url: \"" + ant.baseUrl() + "\", key_env: REVIEW_KEY, models: [claude-sonnet-4-5]}", "");
            Fixtures.Run run = run(new VerifyPhase(RepoCache.of(tmp.resolve("data"), "verifier"), Duration.ofMinutes(1), engines),
                    handoff(spec(origin, "openai"), Stage.VERIFY, 1, IMPLEMENTER_NOTE));

            assertThat(run.transition().label()).isEqualTo("VERIFY->COMMIT");
            assertThat(run.transition().asTransition().requiredGates()).containsExactly("cross-family-review", "lint", "tests");
            Payload.GateDecision review = review(run);
            assertThat(review.gate()).isEqualTo("cross-family-review");
            assertThat(review.verdict()).isEqualTo(Verdict.ALLOW);
            assertThat(review.reason()).contains("ant/claude-sonnet-4-5 (anthropic) approved the work of vllm/llama-3.3-70b (meta)")
                    .contains("adds the file as asked");
            Event artifact = run.recorded().stream().filter(e -> e.label().equals("review")).findFirst().orElseThrow();
            assertThat(artifact.x().path("usage").path("input_tokens").asLong()).isEqualTo(900);

            String asked = ant.requests().get(0).getBodyAsString();
            assertThat(asked).contains("Add a greeting file").contains("+hello, world").contains("all 3 tests passed")
                    .doesNotContain("I will look at the README first.");
            assertThat(ant.requests().get(0).getHeader("x-api-key")).isEqualTo(KEY);
            for (Event e : run.recorded()) assertThat(new String(EventCodec.canonical(e), StandardCharsets.UTF_8)).doesNotContain(KEY);
        }
    }

    @Test
    void aRejectionSendsTheWorkBackWithTheReasons() throws Exception {
        Path origin = originWithBranch();
        try (ProviderServer ant = ProviderServer.anthropic().replies(json(review("reject", "hello.txt lacks a trailing period")))) {
            Engines engines = engines("ant: {kind: anthropic, base_url: \"" + ant.baseUrl() + "\", key_env: REVIEW_KEY, models: [claude-sonnet-4-5]}", "");
            Fixtures.Run run = run(new VerifyPhase(RepoCache.of(tmp.resolve("data"), "verifier"), Duration.ofMinutes(1), engines),
                    handoff(spec(origin, "openai"), Stage.VERIFY, 1, IMPLEMENTER_NOTE));
            assertThat(run.transition().label()).isEqualTo("VERIFY->EXECUTE");
            assertThat(review(run).verdict()).isEqualTo(Verdict.BLOCK);
            assertThat(run.outcome().next().attempt()).isEqualTo(2);
            assertThat(run.outcome().next().note()).contains("the review rejected the change").contains("lacks a trailing period");
        }
    }

    @Test
    void aSameFamilyReviewerIsRefused() throws Exception {
        Path origin = originWithBranch();
        try (ProviderServer same = ProviderServer.openai().replies(json(Recorded.OPENAI_3))) {
            Engines engines = engines("llama: {kind: openai, base_url: \"" + same.baseUrl() + "\", family: meta, models: [llama-3.1-8b]}", "");
            Fixtures.Run run = run(new VerifyPhase(RepoCache.of(tmp.resolve("data"), "verifier"), Duration.ofMinutes(1), engines),
                    handoff(spec(origin, "openai"), Stage.VERIFY, 1, IMPLEMENTER_NOTE));
            Payload.GateDecision review = review(run);
            assertThat(review.verdict()).isEqualTo(Verdict.BLOCK);
            assertThat(review.reason()).contains("same-family review is refused").contains("(meta)").contains("same_family_override");
            assertThat(run.transition().label()).isEqualTo("VERIFY->FAILED");
            assertThat(same.requests()).isEmpty();
        }
    }

    @Test
    void aSameFamilyReviewUnderTheOverrideIsRecordedOnTheTransition() throws Exception {
        Path origin = originWithBranch();
        String approve = Recorded.OPENAI_3.replace("Added hello.txt and updated the README greeting.",
                "{\\\"verdict\\\":\\\"approve\\\",\\\"reasons\\\":[\\\"fine\\\"]}");
        try (ProviderServer same = ProviderServer.openai().replies(json(approve))) {
            Engines engines = engines("llama: {kind: openai, base_url: \"" + same.baseUrl() + "\", family: meta, models: [llama-3.1-8b]}",
                    "review: {same_family_override: {operator: alice, reason: only meta models are approved here}}");
            Fixtures.Run run = run(new VerifyPhase(RepoCache.of(tmp.resolve("data"), "verifier"), Duration.ofMinutes(1), engines),
                    handoff(spec(origin, "openai"), Stage.VERIFY, 1, IMPLEMENTER_NOTE));
            assertThat(run.transition().label()).isEqualTo("VERIFY->COMMIT");
            Payload.PhaseTransition t = run.transition().asTransition();
            assertThat(t.override()).isNotNull();
            assertThat(t.override().operator()).isEqualTo("alice");
            Event reviewDecision = run.recorded().stream().filter(e -> e.label().equals("cross-family-review")).findFirst().orElseThrow();
            assertThat(t.override().decisions()).containsExactly(reviewDecision.id());
            assertThat(((Payload.GateDecision) reviewDecision.payload()).reason()).contains("same-family review").contains("alice");
        }
    }

    @Test
    void scriptedTasksKeepTheirGates() throws Exception {
        Path origin = originWithBranch();
        Fixtures.Run run = run(new VerifyPhase(RepoCache.of(tmp.resolve("data"), "verifier"), Duration.ofMinutes(1),
                new Engines(R1Config.EMPTY, Map.of())), handoff(spec(origin, "scripted").replace("engine: {kind: scripted}",
                "engine: {kind: scripted, attempts: [[{thought: x}]]}"), Stage.VERIFY, 1, null));
        assertThat(run.transition().asTransition().requiredGates()).containsExactly("lint", "tests");
    }

    /** PLAN and COMMIT as the planner and committer would record them, with no gates of their own, around the real EXECUTE and VERIFY. */
    @Test
    void aWholeModelTaskSealsIntoAVerifyingReceiptWithoutTheKey() throws Exception {
        Path origin = origin(tmp.resolve("repo"), Map.of("README.md", "# Demo\n\nHello from main.\n"));
        try (ProviderServer impl = ProviderServer.openai().replies(json(Recorded.OPENAI_1), json(Recorded.OPENAI_2), json(Recorded.OPENAI_3));
                ProviderServer ant = ProviderServer.anthropic().replies(json(review("approve", "does what the goal says")))) {
            Engines engines = new Engines(R1Config.parse("""
                    providers:
                      vllm: {kind: openai, base_url: "%s", key_env: IMPL_KEY, family: meta, models: [llama-3.3-70b]}
                      ant: {kind: anthropic, base_url: "%s", key_env: REVIEW_KEY, models: [claude-sonnet-4-5]}
                    routes: {implementer: [vllm], reviewer: [ant]}
                    """.formatted(impl.baseUrl(), ant.baseUrl()), "test"), Map.of("IMPL_KEY", KEY + "-impl", "REVIEW_KEY", KEY));
            String yaml = spec(origin, "openai").replace("t-rev", "t-whole");
            List<Event> all = new ArrayList<>();

            Handoff plan = Handoff.start(TaskSpecs.parse(yaml.getBytes(StandardCharsets.UTF_8)), 0);
            TaskTrace planTrace = new TaskTrace("t-whole", Phase.PLAN, TaskClock.resume(plan, true), new Fixtures.ListSink(), null);
            planTrace.start();
            Event toExecute = planTrace.transition(Stage.EXECUTE, List.of(), null);
            all.addAll(planTrace.recorded());
            Handoff exec = plan.next(Stage.EXECUTE, toExecute.id(), planTrace.clock(), 1, null);

            Fixtures.Run executed = run(new ExecutePhase(RepoCache.of(tmp.resolve("data"), "executor"), engines), exec);
            all.addAll(executed.recorded());
            Fixtures.Run verified = run(new VerifyPhase(RepoCache.of(tmp.resolve("data"), "verifier"), Duration.ofMinutes(1), engines),
                    executed.outcome().next());
            all.addAll(verified.recorded());
            assertThat(verified.transition().label()).isEqualTo("VERIFY->COMMIT");

            Handoff commit = verified.outcome().next();
            TaskTrace commitTrace = new TaskTrace("t-whole", Phase.COMMIT, TaskClock.resume(commit, true), new Fixtures.ListSink(), commit.cause());
            commitTrace.transition(Stage.DONE, List.of(), null);
            all.addAll(commitTrace.recorded());

            SigningKey key = SigningKey.generate();
            SealedReceipt sealed = new ReceiptSealer(key).seal(all);
            Verification v = new ReceiptVerifier(Keyring.of(key.verifyingKey())).verify(sealed.file());
            assertThat(v.valid()).as(String.valueOf(v.violation())).isTrue();
            String receipt = new String(sealed.file(), StandardCharsets.UTF_8);
            assertThat(receipt).doesNotContain(KEY).contains("\"label\":\"write\"").contains("\"gate\":\"cross-family-review\"")
                    .contains("\"provider\":\"vllm\"");
            assertThat(sealed.receipt().events().stream().filter(e -> e.type() == EventType.TOOL_CALL).map(Event::label).toList())
                    .containsExactlyInAnyOrder("read", "write", "edit", "test");
        }
    }
}
