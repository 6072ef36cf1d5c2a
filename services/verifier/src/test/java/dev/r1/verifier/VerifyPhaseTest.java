package dev.r1.verifier;

import static dev.r1.executor.Fixtures.git;
import static dev.r1.executor.Fixtures.handoff;
import static dev.r1.executor.Fixtures.origin;
import static dev.r1.executor.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.r1.executor.Fixtures;
import dev.r1.pipeline.Topics;
import dev.r1.pipeline.git.GitException;
import dev.r1.pipeline.git.RepoCache;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.graph.TaskGraph;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyPhaseTest {
    @TempDir
    Path tmp;

    private Path origin;
    private RepoCache cache;

    /** An origin whose r1/t-ver branch has a passing and a failing check, picked by the test command. */
    @BeforeEach
    void setUp() throws Exception {
        origin = origin(tmp, Map.of("check.sh", "echo checking $1\nfor i in $(seq 1 30); do echo line $i; done\n[ \"$1\" = good ]\n"));
        git(origin, "branch", "r1/t-ver", "main");
        cache = RepoCache.of(tmp.resolve("data"), "verifier");
    }

    private String spec(String testCommand, int maxAttempts) {
        return """
                id: t-ver
                repository: %s
                goal: g
                test_command: %s
                deterministic: true
                budget: {max_attempts: %d}
                engine: {kind: scripted, attempts: [[{thought: x}]]}
                """.formatted(origin, testCommand, maxAttempts);
    }

    private Payload.GateDecision decision(Fixtures.Run run) {
        return run.recorded().stream().map(Event::payload).filter(Payload.GateDecision.class::isInstance)
                .map(Payload.GateDecision.class::cast).filter(d -> d.gate().equals("tests")).findFirst().orElseThrow();
    }

    @Test
    void passingTestsGoToCommit() throws Exception {
        Fixtures.Run run = run(new VerifyPhase(cache, Duration.ofMinutes(1)), handoff(spec("bash check.sh good", 3), Stage.VERIFY, 1, null));

        assertThat(run.recorded()).extracting(Event::type).containsExactly(EventType.TOOL_CALL, EventType.ARTIFACT,
                EventType.GATE_DECISION, EventType.GATE_DECISION, EventType.PHASE_TRANSITION);
        Payload.ToolCall call = (Payload.ToolCall) run.recorded().get(0).payload();
        assertThat(call.exitCode()).isZero();
        assertThat(call.args().get("command").textValue()).isEqualTo("bash check.sh good");
        Payload.Artifact log = (Payload.Artifact) run.recorded().get(1).payload();
        assertThat(log.mediaType()).isEqualTo("text/plain");
        assertThat(run.sink().text(log.contentHash())).startsWith("checking good\nline 1\n");
        assertThat(call.resultHash()).isEqualTo(log.contentHash());
        Payload.GateDecision d = decision(run);
        assertThat(d.gate()).isEqualTo("tests");
        assertThat(d.transition().wire()).isEqualTo("VERIFY->COMMIT");
        assertThat(d.verdict()).isEqualTo(Verdict.ALLOW);

        assertThat(run.transition().label()).isEqualTo("VERIFY->COMMIT");
        assertThat(run.transition().asTransition().requiredGates()).containsExactly("lint", "tests");
        assertThat(run.transition().causedBy()).containsExactlyInAnyOrder(run.recorded().get(2).id(), run.recorded().get(3).id());
        assertThat(run.outcome().nextTopic()).isEqualTo(Topics.PHASE_COMMIT);
        assertThat(run.outcome().next().stage()).isEqualTo(Stage.COMMIT);
        assertThat(run.outcome().next().attempt()).isEqualTo(1);
        try (var left = Files.list(cache.root().resolve("worktrees"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void failingTestsGoBackToExecuteWithTheOutputAsNote() throws Exception {
        Fixtures.Run run = run(new VerifyPhase(cache, Duration.ofMinutes(1)), handoff(spec("bash check.sh bad", 3), Stage.VERIFY, 1, null));

        Payload.GateDecision d = decision(run);
        assertThat(d.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(d.reason()).startsWith("tests failed (exit 1)").contains("line 30").doesNotContain("line 10\n");
        assertThat(run.transition().label()).isEqualTo("VERIFY->EXECUTE");
        assertThat(run.transition().asTransition().requiredGates()).isEmpty();
        assertThat(run.outcome().nextTopic()).isEqualTo(Topics.PHASE_EXECUTE);
        assertThat(run.outcome().next().stage()).isEqualTo(Stage.EXECUTE);
        assertThat(run.outcome().next().attempt()).isEqualTo(2);
        assertThat(run.outcome().next().note()).startsWith("tests failed (exit 1):\n").endsWith("line 30");
        assertThat(run.outcome().next().cause()).isEqualTo(run.transition().id());
    }

    @Test
    void whitespaceErrorsBlockTheLintGateAndSendTheWorkBack() throws Exception {
        git(tmp, "clone", "-q", origin.toString(), "lint-work");
        Path work = tmp.resolve("lint-work");
        git(work, "checkout", "-q", "-b", "r1/t-lint", "origin/main");
        java.nio.file.Files.writeString(work.resolve("ws.txt"), "trailing   \n");
        git(work, "add", "ws.txt");
        git(work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "ws");
        git(work, "push", "-q", "origin", "r1/t-lint");
        String yaml = spec("bash check.sh good", 3).replace("id: t-ver", "id: t-lint");
        Fixtures.Run run = run(new VerifyPhase(cache, Duration.ofMinutes(1)), handoff(yaml, Stage.VERIFY, 1, null));
        Payload.GateDecision lint = run.recorded().stream().map(Event::payload).filter(Payload.GateDecision.class::isInstance)
                .map(Payload.GateDecision.class::cast).filter(d -> d.gate().equals("lint")).findFirst().orElseThrow();
        assertThat(lint.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(lint.reason()).contains("ws.txt");
        assertThat(decision(run).verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(run.transition().label()).isEqualTo("VERIFY->EXECUTE");
        assertThat(run.outcome().next().note()).contains("lint");
    }

    @Test
    void failingTestsAtTheLastAttemptFailTheTask() throws Exception {
        Fixtures.Run run = run(new VerifyPhase(cache, Duration.ofMinutes(1)), handoff(spec("bash check.sh bad", 2), Stage.VERIFY, 2, "n"));
        assertThat(decision(run).verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(run.transition().label()).isEqualTo("VERIFY->FAILED");
        assertThat(run.outcome().next()).isNull();
    }

    @Test
    void testsThatHangAreKilledAndBlock() throws Exception {
        Fixtures.Run run = run(new VerifyPhase(cache, Duration.ofSeconds(1)), handoff(spec("'echo started; sleep 60'", 1), Stage.VERIFY, 1, null));
        Payload.ToolCall call = (Payload.ToolCall) run.recorded().get(0).payload();
        assertThat(call.exitCode()).isEqualTo(124L);
        assertThat(call.resultHash()).isEqualTo(Sha256.hex("started\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(decision(run).reason()).startsWith("tests failed (timed out after 1 s)").contains("started");
        assertThat(run.transition().label()).isEqualTo("VERIFY->FAILED");
    }

    @Test
    void theSameBranchVerifiesTheSameWay() throws Exception {
        Fixtures.Run first = run(new VerifyPhase(cache, Duration.ofMinutes(1)), handoff(spec("bash check.sh bad", 3), Stage.VERIFY, 1, null));
        Fixtures.Run second = run(new VerifyPhase(RepoCache.of(tmp.resolve("other"), "verifier"), Duration.ofMinutes(1)),
                handoff(spec("bash check.sh bad", 3), Stage.VERIFY, 1, null));
        assertThat(second.recorded()).extracting(Event::id).isEqualTo(first.recorded().stream().map(Event::id).toList());
    }

    @Test
    void aMissingBranchIsAnError() {
        git(origin, "branch", "-D", "r1/t-ver");
        assertThatThrownBy(() -> run(new VerifyPhase(cache, Duration.ofMinutes(1)), handoff(spec("'true'", 1), Stage.VERIFY, 1, null)))
                .isInstanceOf(GitException.class).hasMessageContaining("r1/t-ver");
    }

    @Test
    void onlyVerifyHandOffsAreAccepted() {
        byte[] exec = dev.r1.pipeline.flow.Json.write(handoff(spec("'true'", 1), Stage.EXECUTE, 1, null));
        assertThatThrownBy(() -> dev.r1.pipeline.flow.Handoff.decodeFor(dev.r1.stoke.event.Stage.VERIFY, exec)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dev.r1.pipeline.flow.Handoff.decodeFor(dev.r1.stoke.event.Stage.VERIFY, "{}".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
        assertThat(dev.r1.pipeline.flow.Handoff.decodeFor(dev.r1.stoke.event.Stage.VERIFY, dev.r1.pipeline.flow.Json.write(handoff(spec("'true'", 1), Stage.VERIFY, 1, null))).task())
                .isEqualTo("t-ver");
    }

    @Test
    void tailKeepsTheLastLines() {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= 50; i++) s.append("l").append(i).append('\n');
        assertThat(VerifyPhase.tail(s.toString())).startsWith("l31\n").endsWith("l50");
        assertThat(TaskGraph.class).isNotNull();
    }
}
