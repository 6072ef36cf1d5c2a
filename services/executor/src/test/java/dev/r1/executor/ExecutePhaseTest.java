package dev.r1.executor;

import static dev.r1.executor.Fixtures.git;
import static dev.r1.executor.Fixtures.handoff;
import static dev.r1.executor.Fixtures.origin;
import static dev.r1.executor.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.pipeline.Topics;
import dev.r1.pipeline.git.RepoCache;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutePhaseTest {
    @TempDir
    Path tmp;

    private static final Map<String, String> FILES = Map.of(
            "README.md", "# Demo\n\nHello from main.\n",
            "src/app.sh", "echo app\n");

    private static String spec(Path origin, String extra, String attempts) {
        return """
                id: t-exec
                repository: %s
                goal: Greet the world
                test_command: "true"
                deterministic: true
                %s
                engine:
                  kind: scripted
                  attempts:
                %s
                """.formatted(origin, extra, attempts.indent(4).stripTrailing());
    }

    private static List<Payload.ToolCall> toolCalls(Fixtures.Run run) {
        return run.recorded().stream().map(Event::payload).filter(Payload.ToolCall.class::isInstance)
                .map(Payload.ToolCall.class::cast).toList();
    }

    private static List<Event> toolCallEvents(Fixtures.Run run) {
        return run.recorded().stream().filter(e -> e.type() == EventType.TOOL_CALL).toList();
    }

    @Test
    void replaysTheStepsCommitsAndPushesTheTaskBranch() throws Exception {
        Path origin = origin(tmp, FILES);
        String greeting = "hello, world\n";
        String yaml = spec(origin, "", """
                - - thought: Start with the readme.
                  - read: {path: README.md, offset: 2, limit: 1}
                  - write: {path: src/greeting.txt, content: "hello, world\\n"}
                  - edit: {path: README.md, old: Hello from main., new: Hello from R1.}
                  - run: cat src/greeting.txt && echo made > made.txt
                """);
        RepoCache cache = RepoCache.of(tmp.resolve("data"), "executor");
        Fixtures.Run run = run(new ExecutePhase(cache), handoff(yaml, Stage.EXECUTE, 1, null));

        assertThat(run.recorded()).extracting(Event::type).containsExactly(EventType.THOUGHT, EventType.TOOL_CALL,
                EventType.TOOL_CALL, EventType.TOOL_CALL, EventType.TOOL_CALL, EventType.ARTIFACT, EventType.GATE_DECISION, EventType.GATE_DECISION, EventType.GATE_DECISION, EventType.PHASE_TRANSITION);
        assertThat(run.recorded().get(0).detail()).isEqualTo("Start with the readme.");
        assertThat(run.recorded().get(0).causedBy()).containsExactly("a".repeat(64));
        List<Payload.ToolCall> calls = toolCalls(run);
        assertThat(toolCallEvents(run)).extracting(Event::label).containsExactly("read", "write", "edit", "run");
        assertThat(calls).allMatch(c -> c.exitCode() == 0);

        // read: lines are counted from 0, the result is the line itself.
        assertThat(calls.get(0).args().toString()).isEqualTo("{\"path\":\"README.md\",\"offset\":2,\"limit\":1}");
        assertThat(calls.get(0).resultHash()).isEqualTo(Sha256.hex("Hello from main.\n".getBytes(StandardCharsets.UTF_8)));
        // write and edit record contents by hash and size, never inline.
        ObjectNode write = calls.get(1).args();
        assertThat(write.get("path").textValue()).isEqualTo("src/greeting.txt");
        assertThat(write.get("content_sha256").textValue()).isEqualTo(Sha256.hex(greeting.getBytes(StandardCharsets.UTF_8)));
        assertThat(write.get("content_bytes").intValue()).isEqualTo(13);
        assertThat(write.has("content")).isFalse();
        assertThat(calls.get(2).args().fieldNames()).toIterable()
                .containsExactlyInAnyOrder("path", "old_sha256", "old_bytes", "new_sha256", "new_bytes");
        // run: the output is what is hashed, with the exit code.
        assertThat(calls.get(3).resultHash()).isEqualTo(Sha256.hex(greeting.getBytes(StandardCharsets.UTF_8)));
        assertThat(calls.get(3).args().get("command").textValue()).isEqualTo("cat src/greeting.txt && echo made > made.txt");

        // The branch is on the origin, committed as R1, on top of main.
        String head = git(origin, "rev-parse", "refs/heads/r1/t-exec");
        assertThat(git(origin, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%P", head))
                .isEqualTo("R1 <r1@localhost>|R1 <r1@localhost>|" + git(origin, "rev-parse", "main"));
        assertThat(git(origin, "log", "-1", "--format=%B", head)).contains("R1-Task: t-exec").contains("R1-Attempt: 1");
        assertThat(git(origin, "show", head + ":README.md")).contains("Hello from R1.");
        assertThat(git(origin, "show", head + ":src/greeting.txt")).isEqualTo("hello, world");
        assertThat(git(origin, "show", head + ":made.txt")).isEqualTo("made");
        assertThat(git(origin, "rev-parse", "main")).isNotEqualTo(head);

        Event diffEvent = run.recorded().get(5);
        Payload.Artifact diff = (Payload.Artifact) diffEvent.payload();
        assertThat(diff.mediaType()).isEqualTo("text/x-diff");
        assertThat(diff.uri()).isEqualTo("git:r1/t-exec@" + head);
        assertThat(run.sink().text(diff.contentHash())).contains("+++ b/src/greeting.txt").contains("+Hello from R1.")
                .contains("-Hello from main.").doesNotContain(tmp.toString());

        Payload.PhaseTransition t = run.transition().asTransition();
        assertThat(t.from()).isEqualTo(Stage.EXECUTE);
        assertThat(t.to()).isEqualTo(Stage.VERIFY);
        assertThat(t.requiredGates()).containsExactly("policy", "secrets", "syntax");
        assertThat(run.outcome().nextTopic()).isEqualTo(Topics.PHASE_VERIFY);
        assertThat(run.outcome().next().attempt()).isEqualTo(1);
        assertThat(run.outcome().next().cause()).isEqualTo(run.transition().id());
        // The worktree is gone once the phase ends.
        try (var left = Files.list(cache.root().resolve("worktrees"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void pathsOutsideTheWorktreeAreRefusedAndRecorded() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret\n");
        Path origin = origin(tmp.resolve("repo"), Map.of("README.md", "hi\n", "escape", "-> " + outside,
                "sneaky", "-> ../../../outside", "inner", "-> README.md"));
        String yaml = spec(origin, "", """
                - - write: {path: ../x, content: nope}
                  - write: {path: /etc/passwd, content: nope}
                  - read: {path: escape/secret.txt}
                  - write: {path: escape/pwned.txt, content: nope}
                  - edit: {path: sneaky/secret.txt, old: secret, new: public}
                  - write: {path: .git/config, content: nope}
                  - read: {path: inner}
                  - write: {path: ./ok/./fine.txt, content: fine}
                """);
        Fixtures.Run run = run(new ExecutePhase(RepoCache.of(tmp.resolve("data"), "executor")), handoff(yaml, Stage.EXECUTE, 1, null));

        List<Event> calls = toolCallEvents(run);
        assertThat(calls).hasSize(8);
        assertThat(calls.subList(0, 6)).allSatisfy(e -> {
            assertThat(((Payload.ToolCall) e.payload()).exitCode()).isEqualTo(WorktreeTools.REFUSED);
            assertThat(e.detail()).startsWith("refused: ").doesNotContain(tmp.toString());
            assertThat(((Payload.ToolCall) e.payload()).resultHash()).isEqualTo(Sha256.hex(e.detail().getBytes(StandardCharsets.UTF_8)));
        });
        assertThat(calls.get(0).detail()).contains("'..'");
        assertThat(calls.get(1).detail()).contains("absolute");
        assertThat(calls.get(2).detail()).contains("symbolic link escape");
        assertThat(calls.get(4).detail()).contains("symbolic link sneaky");
        assertThat(calls.get(5).detail()).contains(".git");
        // The refused path is recorded as given.
        assertThat(((Payload.ToolCall) calls.get(1).payload()).args().get("path").textValue()).isEqualTo("/etc/passwd");
        // A link that stays inside is fine, and so is a path that only needs normalising.
        assertThat(((Payload.ToolCall) calls.get(6).payload()).exitCode()).isZero();
        assertThat(((Payload.ToolCall) calls.get(7).payload()).exitCode()).isZero();
        assertThat(((Payload.ToolCall) calls.get(7).payload()).args().get("path").textValue()).isEqualTo("ok/fine.txt");

        assertThat(outside.resolve("pwned.txt")).doesNotExist();
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("secret\n");
        assertThat(tmp.resolve("data/work/executor/worktrees/x")).doesNotExist();
        assertThat(run.transition().label()).isEqualTo("EXECUTE->VERIFY");
    }

    @Test
    void aRunThatOverstaysItsTimeoutIsKilled() throws Exception {
        Path origin = origin(tmp, FILES);
        String yaml = spec(origin, "", """
                - - run: {command: "sleep 30", timeout_seconds: 1}
                  - run: "(sleep 30 &) ; echo left a child"
                  - run: exit 3
                """);
        long started = System.nanoTime();
        Fixtures.Run run = run(new ExecutePhase(RepoCache.of(tmp.resolve("data"), "executor")), handoff(yaml, Stage.EXECUTE, 1, null));
        assertThat((System.nanoTime() - started) / 1_000_000_000).isLessThan(20);
        List<Payload.ToolCall> calls = toolCalls(run);
        assertThat(calls).extracting(Payload.ToolCall::exitCode).containsExactly(124L, 0L, 3L);
        assertThat(toolCallEvents(run).get(0).detail()).contains("timed out");
        assertThat(calls.get(1).resultHash()).isEqualTo(Sha256.hex("left a child\n".getBytes(StandardCharsets.UTF_8)));
        // Nothing changed: no commit, the branch is main as it was, and the diff is empty.
        assertThat(git(origin, "rev-parse", "r1/t-exec")).isEqualTo(git(origin, "rev-parse", "main"));
        Payload.Artifact diff = (Payload.Artifact) run.recorded().get(3).payload();
        assertThat(run.sink().blobs.get(diff.contentHash())).isEmpty();
    }

    @Test
    void anAttemptOverItsToolBudgetFails() throws Exception {
        Path origin = origin(tmp, FILES);
        String yaml = spec(origin, "budget: {max_tool_calls: 2}", """
                - - run: "true"
                  - thought: thoughts are free
                  - run: "true"
                  - run: "true"
                """);
        Fixtures.Run run = run(new ExecutePhase(RepoCache.of(tmp.resolve("data"), "executor")), handoff(yaml, Stage.EXECUTE, 1, null));
        assertThat(toolCalls(run)).hasSize(2);
        Payload.GateDecision d = run.recorded().stream().map(Event::payload).filter(Payload.GateDecision.class::isInstance)
                .map(Payload.GateDecision.class::cast).findFirst().orElseThrow();
        assertThat(d.gate()).isEqualTo(ExecutePhase.TOOL_BUDGET);
        assertThat(d.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(d.reason()).contains("max_tool_calls = 2");
        assertThat(run.transition().label()).isEqualTo("EXECUTE->FAILED");
        assertThat(run.outcome().next()).isNull();
    }

    @Test
    void aModelEngineWithoutItsKeyFailsWithAReason() throws Exception {
        String yaml = """
                id: t-model
                repository: /nowhere
                goal: g
                test_command: "true"
                engine: {kind: openai, model: gpt-x, provider: nowhere}
                """;
        Fixtures.Run run = run(new ExecutePhase(RepoCache.of(tmp.resolve("data"), "executor"),
                new dev.r1.engines.Engines(dev.r1.engines.config.R1Config.EMPTY, Map.of())), handoff(yaml, Stage.EXECUTE, 1, null));
        assertThat(run.recorded()).extracting(Event::type).containsExactly(EventType.ARTIFACT, EventType.PHASE_TRANSITION);
        assertThat(run.recorded().get(0).detail()).contains("engine.provider nowhere").contains("not a provider");
        assertThat(run.transition().label()).isEqualTo("EXECUTE->FAILED");
    }

    @Test
    void aRetryContinuesFromThePushedBranchAndARerunRecordsTheSame() throws Exception {
        Path origin = origin(tmp, FILES);
        String yaml = spec(origin, "", """
                - - write: {path: count.txt, content: "one\\n"}
                - - edit: {path: count.txt, old: "one\\n", new: "one\\ntwo\\n"}
                """);
        RepoCache cache = RepoCache.of(tmp.resolve("data"), "executor");
        run(new ExecutePhase(cache), handoff(yaml, Stage.EXECUTE, 1, null));
        String first = git(origin, "rev-parse", "r1/t-exec");

        Fixtures.Run second = run(new ExecutePhase(cache), handoff(yaml, Stage.EXECUTE, 2, "tests failed"));
        String head = git(origin, "rev-parse", "r1/t-exec");
        assertThat(git(origin, "rev-parse", head + "^")).isEqualTo(first);
        assertThat(git(origin, "show", head + ":count.txt")).isEqualTo("one\ntwo");
        assertThat(toolCalls(second).get(0).exitCode()).isZero();
        Payload.Artifact diff = (Payload.Artifact) second.recorded().get(1).payload();
        assertThat(second.sink().text(diff.contentHash())).contains("+one").contains("+two");

        // The same attempt run again (as after a crash past its push) starts where it first did.
        Fixtures.Run again = run(new ExecutePhase(cache), handoff(yaml, Stage.EXECUTE, 2, "tests failed"));
        assertThat(again.recorded()).extracting(Event::id).isEqualTo(second.recorded().stream().map(Event::id).toList());
        assertThat(git(origin, "rev-parse", "r1/t-exec")).isEqualTo(head);
    }

    @Test
    void aDeterministicAttemptRecordsTheSameEventsAnywhere() throws Exception {
        String steps = """
                - - thought: go
                  - write: {path: a.txt, content: "a\\n"}
                  - run: ls
                """;
        Path a = origin(tmp.resolve("one"), FILES);
        Path b = origin(tmp.resolve("two/deeper"), FILES);
        Fixtures.Run first = run(new ExecutePhase(RepoCache.of(tmp.resolve("one/data"), "executor")),
                handoff(spec(a, "", steps), Stage.EXECUTE, 1, null));
        Fixtures.Run second = run(new ExecutePhase(RepoCache.of(tmp.resolve("two/data"), "executor")),
                handoff(spec(b, "", steps), Stage.EXECUTE, 1, null));
        assertThat(second.recorded()).extracting(Event::id).isEqualTo(first.recorded().stream().map(Event::id).toList());
        assertThat(git(b, "rev-parse", "r1/t-exec")).isEqualTo(git(a, "rev-parse", "r1/t-exec"));
    }

    @Test
    void handOffsOfOtherStagesArePoison() {
        String yaml = spec(Path.of("/r"), "", "- - thought: x");
        byte[] verify = dev.r1.pipeline.flow.Json.write(handoff(yaml, Stage.VERIFY, 1, null));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.r1.pipeline.flow.Handoff.decodeFor(dev.r1.stoke.event.Stage.EXECUTE, verify))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VERIFY");
        assertThat(dev.r1.pipeline.flow.Handoff.decodeFor(dev.r1.stoke.event.Stage.EXECUTE, dev.r1.pipeline.flow.Json.write(handoff(yaml, Stage.EXECUTE, 2, "n"))).note()).isEqualTo("n");
    }
}
