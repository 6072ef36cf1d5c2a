package dev.r1.committer;

import static dev.r1.executor.Fixtures.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.executor.ExecutePhase;
import dev.r1.executor.Fixtures;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.PhaseLogic;
import dev.r1.pipeline.git.RepoCache;
import dev.r1.pipeline.spec.TaskSpecs;
import dev.r1.planner.PlanPhase;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.graph.TaskGraph;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.ReceiptVerifier;
import dev.r1.stoke.receipt.SealedReceipt;
import dev.r1.stoke.receipt.Verification;
import dev.r1.verifier.VerifyPhase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four phases chained as the hand-offs chain them on Kafka: PLAN, EXECUTE, VERIFY (which
 * fails the first attempt and sends it back), EXECUTE again, VERIFY, COMMIT. The events of all
 * phases together must be one sealable task graph, and a second run must seal to the same bytes.
 */
class WholeTaskTest {
    private static final SigningKey KEY = SigningKey.fromSeed(new byte[32]);

    @TempDir
    Path tmp;

    private static final String SPEC = """
            id: t-whole
            repository: ORIGIN
            goal: Add mean to stats.sh
            test_command: bash test.sh
            deterministic: true
            scope: ["stats.sh", "tests/**"]
            budget: {max_cost_usd: 0.5, max_attempts: 3, max_tool_calls: 10}
            engine:
              kind: scripted
              plan: {summary: Add mean, estimated_cost_usd: 0.02, paths: [stats.sh]}
              attempts:
                - - thought: The mean is the sum over the count.
                  - read: {path: stats.sh}
                  - write: {path: stats.sh, content: "mean() { echo $(( ($1 + $2) / 2 )); }\\n"}
                  - run: bash -n stats.sh
                - - thought: The test wants 2.5; integer division drops the half.
                  - write: {path: stats.sh, content: "mean() { local s=$(( $1 + $2 )); echo \\"$(( s / 2 )).$(( s % 2 * 5 ))\\"; }\\n"}
                  - run: bash -n stats.sh
            """;

    private record Result(List<Event> events, List<String> phases, SealedReceipt receipt, Path origin) {}

    private static Result runTask(Path dir) throws Exception {
        Path origin = Fixtures.origin(dir, Map.of(
                "stats.sh", "# statistics\n",
                "test.sh", "source ./stats.sh\nout=$(mean 2 3)\necho \"mean 2 3 = $out\"\n[ \"$out\" = 2.5 ]\n"));
        Path data = dir.resolve("data");
        Map<Stage, PhaseLogic> phases = Map.of(
                Stage.PLAN, new PlanPhase(),
                Stage.EXECUTE, new ExecutePhase(RepoCache.of(data, "executor")),
                Stage.VERIFY, new VerifyPhase(RepoCache.of(data, "verifier"), Duration.ofMinutes(1)),
                Stage.COMMIT, new CommitPhase(RepoCache.of(data, "committer")));

        Handoff next = Handoff.start(TaskSpecs.parse(SPEC.replace("ORIGIN", origin.toString()).getBytes(StandardCharsets.UTF_8)), 0);
        List<Event> events = new ArrayList<>();
        List<String> path = new ArrayList<>();
        while (next != null) {
            Fixtures.Run run = Fixtures.run(phases.get(next.stage()), next);
            // What each phase sends as it goes, plus the transition the worker sends at the end.
            events.addAll(run.sink().events);
            events.add(run.transition());
            path.add(run.transition().label());
            assertThat(run.sink().events).doesNotContain(run.transition());
            next = run.outcome().next();
        }
        SealedReceipt receipt = new ReceiptSealer(KEY).seal(events);
        return new Result(events, path, receipt, origin);
    }

    @Test
    void theFourPhasesMakeOneSealedTaskAndTheSameReceiptTwice() throws Exception {
        Result first = runTask(tmp.resolve("first"));

        assertThat(first.phases()).containsExactly("PLAN->EXECUTE",
                "EXECUTE->VERIFY", "VERIFY->EXECUTE", "EXECUTE->VERIFY", "VERIFY->COMMIT", "COMMIT->DONE");
        assertThat(TaskGraph.of(first.events()).validate()).hasSameSizeAs(first.events());
        Verification v = new ReceiptVerifier(Keyring.of(KEY.verifyingKey())).verify(first.receipt().file());
        assertThat(v.valid()).as(String.valueOf(v.violation())).isTrue();
        assertThat(git(first.origin(), "show", "main:stats.sh")).contains("s % 2 * 5");
        String text = new String(first.receipt().file(), StandardCharsets.UTF_8);
        assertThat(text).doesNotContain(tmp.toString());

        Result second = runTask(tmp.resolve("second/elsewhere"));
        assertThat(second.receipt().file()).isEqualTo(first.receipt().file());
        assertThat(git(second.origin(), "rev-parse", "main")).isEqualTo(git(first.origin(), "rev-parse", "main"));
    }
}
