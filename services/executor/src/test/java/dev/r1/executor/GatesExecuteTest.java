package dev.r1.executor;

import static dev.r1.executor.Fixtures.handoff;
import static dev.r1.executor.Fixtures.origin;
import static dev.r1.executor.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.pipeline.flow.Json;
import dev.r1.pipeline.gating.GateStep;
import dev.r1.pipeline.git.RepoCache;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Verdict;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gates file in EXECUTE: per-tool-call refusals and the EXECUTE->VERIFY allow, block and escalate. */
class GatesExecuteTest {
    @TempDir
    Path tmp;

    private static final String KEY = "AKIA" + "Z7QX3MPLW4RT8KVB";

    private String spec(Path origin, String gates, String attempts) {
        return """
                id: t-gates
                repository: %s
                goal: Exercise the gates
                test_command: "true"
                deterministic: true
                gates: %s
                engine:
                  kind: scripted
                  attempts:
                %s
                """.formatted(origin, gates, attempts.indent(4).stripTrailing());
    }

    private Fixtures.Run exec(Map<String, String> files, String gates, String attempts) throws Exception {
        Path origin = origin(tmp.resolve("repo"), files);
        return run(new ExecutePhase(RepoCache.of(tmp.resolve("data"), "executor")), handoff(spec(origin, gates, attempts), Stage.EXECUTE, 1, null));
    }

    private static List<Payload.GateDecision> decisions(Fixtures.Run run) {
        return run.recorded().stream().map(Event::payload).filter(Payload.GateDecision.class::isInstance)
                .map(Payload.GateDecision.class::cast).toList();
    }

    @Test
    void aCleanChangePassesEveryConfiguredGate() throws Exception {
        Fixtures.Run run = exec(Map.of("README.md", "hi\n"), "default", """
                - - write: {path: src/a.sh, content: "echo hi\\n"}
                """);
        assertThat(decisions(run)).extracting(Payload.GateDecision::gate).containsExactly("policy", "secrets", "syntax");
        assertThat(decisions(run)).allMatch(d -> d.verdict() == Verdict.ALLOW);
        assertThat(run.transition().asTransition().requiredGates()).containsExactly("policy", "secrets", "syntax");
    }

    @Test
    void toolCallsThatLeakASecretOrPushAreRefusedAndRecorded() throws Exception {
        Fixtures.Run run = exec(Map.of("README.md", "hi\n"), "default", """
                - - write: {path: config.env, content: "AWS_KEY=%s\\n"}
                  - run: git push origin HEAD:main
                  - write: {path: ok.txt, content: "fine\\n"}
                """.formatted(KEY));
        List<Payload.GateDecision> d = decisions(run);
        assertThat(d).filteredOn(g -> g.gate().equals("tool:secrets")).singleElement()
                .satisfies(g -> assertThat(g.verdict()).isEqualTo(Verdict.BLOCK)).satisfies(g -> assertThat(g.reason()).doesNotContain(KEY));
        assertThat(d).filteredOn(g -> g.gate().equals("tool:policy")).singleElement()
                .satisfies(g -> assertThat(g.reason()).contains("git push"));
        List<Payload.ToolCall> calls = run.recorded().stream().map(Event::payload).filter(Payload.ToolCall.class::isInstance)
                .map(Payload.ToolCall.class::cast).toList();
        assertThat(calls).extracting(Payload.ToolCall::exitCode).containsExactly(WorktreeTools.REFUSED, WorktreeTools.REFUSED, 0L);
        // Nothing refused reached the change, so EXECUTE->VERIFY allows.
        assertThat(run.transition().label()).isEqualTo("EXECUTE->VERIFY");
    }

    @Test
    void aSecretThatSlipsPastTheToolGatesBlocksTheTransition() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(("token = \"" + KEY + "\"\n").getBytes());
        Fixtures.Run run = exec(Map.of("README.md", "hi\n"), "default", """
                - - run: echo %s | base64 -d > leaked.txt
                """.formatted(b64));
        Payload.GateDecision secrets = decisions(run).stream().filter(g -> g.gate().equals("secrets")).findFirst().orElseThrow();
        assertThat(secrets.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(secrets.reason()).contains("leaked.txt").doesNotContain(KEY);
        assertThat(run.transition().label()).isEqualTo("EXECUTE->FAILED");
    }

    @Test
    void aChangeToCiConfigParksTheTaskForAnOperator() throws Exception {
        Fixtures.Run run = exec(Map.of("README.md", "hi\n"), "default", """
                - - write: {path: .github/workflows/ci.yml, content: "on: push\\n"}
                """);
        Payload.GateDecision policy = decisions(run).stream().filter(g -> g.gate().equals("policy")).findFirst().orElseThrow();
        assertThat(policy.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(policy.reason()).contains(".github/");
        assertThat(run.outcome().isParked()).isTrue();
        assertThat(run.outcome().parked().to()).isEqualTo(Stage.VERIFY);
        assertThat(run.outcome().parked().requiredGates()).containsExactly("policy", "secrets", "syntax");
        assertThat(run.outcome().parked().next().stage()).isEqualTo(Stage.VERIFY);

        // The operator approves: EXECUTE->VERIFY with the override, caused by the recorded decisions, and the hand-off to VERIFY.
        dev.r1.pipeline.flow.Parked p = Json.read(Json.write(run.outcome().parked()), dev.r1.pipeline.flow.Parked.class); // as kept on r1.control
        dev.r1.pipeline.flow.PhaseOutcome approved = GateStep.decide(p, GateStep.resumeTrace(p, new Fixtures.ListSink()), true, "alice", "CI change reviewed");
        Payload.PhaseTransition t = approved.transition().asTransition();
        assertThat(approved.transition().label()).isEqualTo("EXECUTE->VERIFY");
        assertThat(t.requiredGates()).containsExactly("policy", "secrets", "syntax");
        assertThat(t.override().operator()).isEqualTo("alice");
        assertThat(t.override().decisions()).containsExactlyElementsOf(p.escalated());
        assertThat(approved.nextTopic()).isEqualTo(dev.r1.pipeline.Topics.PHASE_VERIFY);
        assertThat(approved.next().cause()).isEqualTo(approved.transition().id());
        assertThat(approved.next().attempt()).isEqualTo(1);
        List<Event> all = new java.util.ArrayList<>(run.recorded());
        all.add(approved.transition());
        // The decisions and the resumed transition satisfy the gate invariant over the override.
        assertThat(approved.transition().causedBy()).containsExactlyInAnyOrderElementsOf(p.frontier());

        dev.r1.pipeline.flow.PhaseOutcome rejected = GateStep.decide(p, GateStep.resumeTrace(p, new Fixtures.ListSink()), false, "alice", "no");
        assertThat(rejected.transition().label()).isEqualTo("EXECUTE->FAILED");
        assertThat(rejected.next()).isNull();
    }

    @Test
    void aRepositoryGatesFileReplacesThePresetAndABadOneFailsWithItsLine() throws Exception {
        Fixtures.Run ok = exec(Map.of("README.md", "hi\n", ".r1/gates.yaml", "version: 1\ntransitions:\n  EXECUTE->VERIFY: []\n"), "strict", """
                - - write: {path: a.txt, content: "a\\n"}
                """);
        assertThat(decisions(ok)).isEmpty();
        assertThat(ok.transition().label()).isEqualTo("EXECUTE->VERIFY");
    }

    @Test
    void aFileThatDoesNotParseBlocksTheTransition() throws Exception {
        Fixtures.Run run = exec(Map.of("README.md", "hi\n"), "default", """
                - - write: {path: broken.sh, content: "if then (\\n"}
                """);
        Payload.GateDecision syntax = decisions(run).stream().filter(g -> g.gate().equals("syntax")).findFirst().orElseThrow();
        assertThat(syntax.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(syntax.reason()).contains("broken.sh");
        assertThat(run.transition().label()).isEqualTo("EXECUTE->FAILED");
    }
}
