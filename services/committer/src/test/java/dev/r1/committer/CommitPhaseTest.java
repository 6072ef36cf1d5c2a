package dev.r1.committer;

import static dev.r1.executor.Fixtures.git;
import static dev.r1.executor.Fixtures.handoff;
import static dev.r1.executor.Fixtures.origin;
import static dev.r1.executor.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.executor.Fixtures;
import dev.r1.pipeline.flow.Json;
import dev.r1.pipeline.flow.Parked;
import dev.r1.pipeline.flow.PhaseOutcome;
import dev.r1.pipeline.gating.GateStep;
import dev.r1.pipeline.git.RepoCache;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitPhaseTest {
    @TempDir
    Path tmp;

    private static final Map<String, String> FILES = Map.of("a.txt", "one\ntwo\nthree\n", "b.txt", "b\n");

    private static String spec(Path origin, String target) {
        return """
                id: t-com
                repository: %s
                goal: Change a
                test_command: "true"
                target_branch: %s
                deterministic: true
                engine: {kind: scripted, attempts: [[{thought: x}]]}
                """.formatted(origin, target);
    }

    /** Commits {@code files} on top of {@code from} and pushes the result to {@code branch} of the origin. */
    private static String change(Path origin, Path work, String from, String branch, Map<String, String> files) throws Exception {
        if (!Files.exists(work)) Git.clone(origin, work);
        git(work, "checkout", "-q", "--detach", from);
        for (Map.Entry<String, String> f : files.entrySet()) Files.writeString(work.resolve(f.getKey()), f.getValue());
        Fixtures.commit(work, "change " + files.keySet());
        git(work, "push", "-q", "origin", "HEAD:refs/heads/" + branch);
        git(work, "fetch", "-q", "origin");
        return git(work, "rev-parse", "HEAD");
    }

    private static final class Git {
        static void clone(Path origin, Path work) {
            dev.r1.pipeline.git.Git.out(origin.getParent(), "clone", "-q", origin.toString(), work.toString());
        }
    }

    private static Payload.GateDecision decision(Fixtures.Run run) {
        return run.recorded().stream().map(Event::payload).filter(Payload.GateDecision.class::isInstance)
                .map(Payload.GateDecision.class::cast).filter(d -> d.gate().equals("merge")).findFirst().orElseThrow();
    }

    @Test
    void aBranchAheadOfTheTargetIsFastForwardedAndPushed() throws Exception {
        Path origin = origin(tmp, FILES);
        String task = change(origin, tmp.resolve("work"), "origin/main", "r1/t-com", Map.of("a.txt", "ONE\ntwo\nthree\n"));
        RepoCache cache = RepoCache.of(tmp.resolve("data"), "committer");
        Fixtures.Run run = run(new CommitPhase(cache), handoff(spec(origin, "main"), Stage.COMMIT, 1, null));

        assertThat(git(origin, "rev-parse", "main")).isEqualTo(task);
        assertThat(run.recorded()).extracting(Event::type).containsExactly(EventType.ARTIFACT, EventType.GATE_DECISION, EventType.GATE_DECISION,
                EventType.PHASE_TRANSITION);
        Payload.Artifact commit = (Payload.Artifact) run.recorded().get(0).payload();
        assertThat(commit.mediaType()).isEqualTo("application/x-git-commit");
        assertThat(commit.uri()).isEqualTo("git:main@" + task);
        assertThat(new String(run.sink().blobs.get(commit.contentHash()), StandardCharsets.US_ASCII)).isEqualTo(task);
        Payload.GateDecision d = decision(run);
        assertThat(d.gate()).isEqualTo("merge");
        assertThat(d.transition().wire()).isEqualTo("COMMIT->DONE");
        assertThat(d.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(run.transition().label()).isEqualTo("COMMIT->DONE");
        assertThat(run.transition().isTerminal()).isTrue();
        assertThat(run.transition().asTransition().requiredGates()).containsExactly("merge", "policy");
        assertThat(run.outcome().next()).isNull();

        // Run again, as after a crash past the push: nothing to do, and the same events.
        Fixtures.Run again = run(new CommitPhase(cache), handoff(spec(origin, "main"), Stage.COMMIT, 1, null));
        assertThat(again.recorded()).extracting(Event::id).isEqualTo(run.recorded().stream().map(Event::id).toList());
    }

    @Test
    void divergedBranchesGetADeterministicMergeCommit() throws Exception {
        String[] merges = new String[2];
        String[] firstEvent = new String[2];
        for (int i = 0; i < 2; i++) {
            Path dir = tmp.resolve("run" + i);
            Path origin = origin(dir, FILES);
            String task = change(origin, dir.resolve("work"), "origin/main", "r1/t-com", Map.of("a.txt", "ONE\ntwo\nthree\n"));
            String other = change(origin, dir.resolve("work"), "origin/main", "main", Map.of("b.txt", "B\n"));
            Fixtures.Run run = run(new CommitPhase(RepoCache.of(dir.resolve("data"), "committer")),
                    handoff(spec(origin, "main"), Stage.COMMIT, 1, null));

            String main = git(origin, "rev-parse", "main");
            assertThat(git(origin, "log", "-1", "--format=%P", main)).isEqualTo(other + " " + task);
            assertThat(git(origin, "log", "-1", "--format=%an <%ae> %cn <%ce> %ct", main))
                    .isEqualTo("R1 <r1@localhost> R1 <r1@localhost> " + (946_684_800L + 5));
            assertThat(git(origin, "show", main + ":a.txt")).startsWith("ONE");
            assertThat(git(origin, "show", main + ":b.txt")).isEqualTo("B");
            assertThat(run.transition().label()).isEqualTo("COMMIT->DONE");
            merges[i] = main;
            firstEvent[i] = run.recorded().get(0).id();
        }
        assertThat(merges[1]).isEqualTo(merges[0]);
        assertThat(firstEvent[1]).isEqualTo(firstEvent[0]);
    }

    @Test
    void aConflictBlocksTheMergeAndFailsTheTask() throws Exception {
        Path origin = origin(tmp, FILES);
        change(origin, tmp.resolve("work"), "origin/main", "r1/t-com", Map.of("a.txt", "ONE\ntwo\nthree\n"));
        String main = change(origin, tmp.resolve("work"), "origin/main", "main", Map.of("a.txt", "uno\ntwo\nthree\n", "b.txt", "B\n"));
        RepoCache cache = RepoCache.of(tmp.resolve("data"), "committer");
        Fixtures.Run run = run(new CommitPhase(cache), handoff(spec(origin, "main"), Stage.COMMIT, 1, null));

        Payload.GateDecision d = decision(run);
        assertThat(d.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(d.reason()).contains("conflicts in a.txt").doesNotContain("b.txt");
        assertThat(run.recorded()).extracting(Event::type).containsExactly(EventType.GATE_DECISION, EventType.GATE_DECISION, EventType.PHASE_TRANSITION);
        assertThat(run.transition().label()).isEqualTo("COMMIT->FAILED");
        assertThat(git(origin, "rev-parse", "main")).isEqualTo(main);
        try (var left = Files.list(cache.root().resolve("worktrees"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aRefusedPushBlocksTheMergeWithGitsReason() throws Exception {
        Path origin = origin(tmp, FILES);
        change(origin, tmp.resolve("work"), "origin/main", "r1/t-com", Map.of("a.txt", "ONE\ntwo\nthree\n"));
        String main = git(origin, "rev-parse", "main");
        // The origin's own policy refuses every push; R1 must not bypass it.
        Path hook = origin.resolve("hooks/pre-receive");
        Files.writeString(hook, "#!/bin/sh\necho no pushes today >&2\nexit 1\n");
        hook.toFile().setExecutable(true);
        Fixtures.Run run = run(new CommitPhase(RepoCache.of(tmp.resolve("data"), "committer")),
                handoff(spec(origin, "main"), Stage.COMMIT, 1, null));

        Payload.GateDecision d = decision(run);
        assertThat(d.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(d.reason()).startsWith("the origin refused the push of main: ").contains("pre-receive hook declined");
        assertThat(run.transition().label()).isEqualTo("COMMIT->FAILED");
        assertThat(git(origin, "rev-parse", "main")).isEqualTo(main);
    }

    @Test
    void aNewTargetBranchIsCreated() throws Exception {
        Path origin = origin(tmp, FILES);
        String task = change(origin, tmp.resolve("work"), "origin/main", "r1/t-com", Map.of("a.txt", "ONE\n"));
        Fixtures.Run run = run(new CommitPhase(RepoCache.of(tmp.resolve("data"), "committer")),
                handoff(spec(origin, "release/next"), Stage.COMMIT, 1, null));
        assertThat(run.transition().label()).isEqualTo("COMMIT->DONE");
        assertThat(git(origin, "rev-parse", "release/next")).isEqualTo(task);
    }

    /** A repository gates file whose COMMIT->DONE policy wants a person to sign off a version bump. */
    private static final String RELEASE_SIGN_OFF = """
            version: 1
            extends: default
            gates:
              policy:
                rules:
                  - id: release-sign-off
                    at: [COMMIT->DONE]
                    when: "diff.paths.exists(p, p == 'VERSION')"
                    verdict: escalate
                    message: "a version bump needs a release manager's sign-off before it is merged"
            """;

    @Test
    void anEscalationAtCommitParksUnmergedAndTheMergeRunsOnTheOperatorsApproval() throws Exception {
        Path origin = origin(tmp, Map.of("a.txt", "one\n", ".r1/gates.yaml", RELEASE_SIGN_OFF));
        String main = git(origin, "rev-parse", "main");
        String task = change(origin, tmp.resolve("work"), "origin/main", "r1/t-com", Map.of("VERSION", "1.0\n"));
        CommitPhase phase = new CommitPhase(RepoCache.of(tmp.resolve("data"), "committer"));
        Fixtures.Run run = run(phase, handoff(spec(origin, "main"), Stage.COMMIT, 1, null));

        assertThat(run.outcome().isParked()).isTrue();
        assertThat(run.recorded()).extracting(Event::type).containsExactly(EventType.GATE_DECISION);
        Payload.GateDecision policy = (Payload.GateDecision) run.recorded().get(0).payload();
        assertThat(policy.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(policy.reason()).contains("release-sign-off");
        assertThat(git(origin, "rev-parse", "main")).as("nothing is merged before the approval").isEqualTo(main);
        Parked parked = Json.read(Json.write(run.outcome().parked()), Parked.class); // as kept on r1.control
        assertThat(parked.to()).isEqualTo(Stage.DONE);
        assertThat(parked.nextTopic()).isNull();
        assertThat(parked.requiredGates()).containsExactly("merge", "policy");
        assertThat(parked.escalated()).containsExactly(run.recorded().get(0).id());

        Fixtures.ListSink rejectSink = new Fixtures.ListSink();
        PhaseOutcome rejected = phase.resume(parked, GateStep.resumeTrace(parked, rejectSink), false, "olivia", "not this release");
        assertThat(rejected.transition().label()).isEqualTo("COMMIT->FAILED");
        assertThat(git(origin, "rev-parse", "main")).isEqualTo(main);

        Fixtures.ListSink sink = new Fixtures.ListSink();
        PhaseOutcome approved = phase.resume(parked, GateStep.resumeTrace(parked, sink), true, "olivia", "signed off for 1.0");
        assertThat(git(origin, "rev-parse", "main")).isEqualTo(task);
        Event done = approved.transition();
        assertThat(done.label()).isEqualTo("COMMIT->DONE");
        assertThat(done.asTransition().requiredGates()).containsExactly("merge", "policy");
        assertThat(done.asTransition().override().operator()).isEqualTo("olivia");
        assertThat(done.asTransition().override().decisions()).containsExactly(parked.escalated().get(0));
        Event merge = sink.events.stream().filter(e -> e.payload() instanceof Payload.GateDecision d && d.gate().equals("merge"))
                .findFirst().orElseThrow();
        assertThat(((Payload.GateDecision) merge.payload()).verdict()).isEqualTo(Verdict.ALLOW);
        // The gate invariant: both required gates' decisions are direct causes of the transition.
        assertThat(done.causedBy()).containsExactlyInAnyOrder(merge.id(), parked.escalated().get(0));
    }

    @Test
    void onlyCommitHandOffsAreAccepted() {
        byte[] verify = dev.r1.pipeline.flow.Json.write(handoff(spec(Path.of("/r"), "main"), Stage.VERIFY, 1, null));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.r1.pipeline.flow.Handoff.decodeFor(dev.r1.stoke.event.Stage.COMMIT, verify))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not COMMIT");
    }
}
