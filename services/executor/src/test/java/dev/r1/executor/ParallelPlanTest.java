package dev.r1.executor;

import static dev.r1.executor.Fixtures.git;
import static dev.r1.executor.Fixtures.handoff;
import static dev.r1.executor.Fixtures.origin;
import static dev.r1.executor.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.engines.Engines;
import dev.r1.engines.PlanItem;
import dev.r1.engines.config.R1Config;
import dev.r1.pipeline.git.RepoCache;
import dev.r1.pipeline.spec.TaskSpecs;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plan items in parallel worktrees, merged back; conflicts recorded and sent back for repair. */
class ParallelPlanTest {
    @TempDir
    Path tmp;

    static final Map<String, String> FILES = Map.of("README.md", "# Demo\n\nHello from main.\n", "notes.txt", "one\ntwo\nthree\n");

    static String spec(Path origin, String items) {
        return """
                id: t-par
                repository: %s
                goal: Several things at once
                test_command: "true"
                deterministic: true
                engine:
                  kind: scripted
                  attempts: [[{thought: not used when the plan has items}]]
                  items:
                %s
                """.formatted(origin, items.indent(4).stripTrailing());
    }

    Fixtures.Run execute(Path dir, String yaml) throws Exception {
        var parsed = TaskSpecs.parse(yaml.getBytes(StandardCharsets.UTF_8));
        String note = PlanItem.note(PlanItem.fromJson(parsed.engine().settings().path("items")), 0);
        return run(new ExecutePhase(RepoCache.of(dir.resolve("data"), "executor"), new Engines(R1Config.EMPTY, Map.of())),
                handoff(yaml, Stage.EXECUTE, 1, note));
    }

    static List<String> labels(Fixtures.Run run) {
        return run.recorded().stream().map(e -> e.type() + ":" + e.label()).toList();
    }

    @Test
    void itemsTouchingDifferentFilesRunSideBySideAndMerge() throws Exception {
        Path origin = origin(tmp, FILES);
        Fixtures.Run run = execute(tmp, spec(origin, """
                - {id: a, goal: Add a.txt, paths: [a.txt], steps: [{write: {path: a.txt, content: "a\\n"}}, {run: "sleep 1; ls"}]}
                - {id: b, goal: Add b.txt, paths: [b.txt], steps: [{write: {path: b.txt, content: "b\\n"}}]}
                - {id: c, goal: Extend a.txt, paths: [a.txt], depends_on: [a], steps: [{edit: {path: a.txt, old: "a\\n", new: "a\\nc\\n"}}]}
                """));
        assertThat(labels(run)).containsExactly("THOUGHT:plan-item", "TOOL_CALL:write", "TOOL_CALL:run", "THOUGHT:plan-item", "TOOL_CALL:write",
                "THOUGHT:plan-item", "TOOL_CALL:edit", "ARTIFACT:diff", "GATE_DECISION:policy", "GATE_DECISION:secrets", "GATE_DECISION:syntax", "PHASE_TRANSITION:EXECUTE->VERIFY");
        assertThat(run.recorded().get(0).detail()).isEqualTo("item a: Add a.txt");
        assertThat(run.recorded().stream().filter(e -> e.type() == EventType.TOOL_CALL))
                .allMatch(e -> ((Payload.ToolCall) e.payload()).exitCode() == 0);
        String head = git(origin, "rev-parse", "r1/t-par");
        assertThat(git(origin, "show", head + ":a.txt")).isEqualTo("a\nc");
        assertThat(git(origin, "show", head + ":b.txt")).isEqualTo("b");
        // Each item was its own commit, merged into the attempt.
        assertThat(git(origin, "log", "--format=%s", "main.." + head)).contains("r1: merge plan item a").contains("r1: merge plan item b")
                .contains("r1: plan item c");
        assertThat(git(origin, "log", "--merges", "--format=%B", "main.." + head)).contains("R1-Task: t-par").contains("R1-Attempt: 1");
        // No item worktree is left behind.
        try (var left = Files.list(tmp.resolve("data/work/executor/worktrees"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void itemsTouchingTheSameLinesConflictAndTheLaterOneIsRepaired() throws Exception {
        String items = """
                - {id: a, goal: Greet from A, paths: [README.md], steps: [{edit: {path: README.md, old: Hello from main., new: Hello from A.}}]}
                - id: b
                  goal: Greet from B
                  paths: [README.md]
                  steps: [{edit: {path: README.md, old: Hello from main., new: Hello from B.}}]
                  repair: [{edit: {path: README.md, old: Hello from A., new: Hello from A and B.}}]
                """;
        Path origin = origin(tmp.resolve("one"), FILES);
        Fixtures.Run run = execute(tmp.resolve("one"), spec(origin, items));
        assertThat(labels(run)).containsExactly("THOUGHT:plan-item", "TOOL_CALL:edit", "THOUGHT:plan-item", "TOOL_CALL:edit",
                "ARTIFACT:merge-conflict", "TOOL_CALL:edit", "ARTIFACT:diff", "GATE_DECISION:policy", "GATE_DECISION:secrets", "GATE_DECISION:syntax", "PHASE_TRANSITION:EXECUTE->VERIFY");
        Event conflict = run.recorded().get(4);
        assertThat(conflict.detail()).contains("plan item b (Greet from B) conflicts").contains("README.md").contains("sent back for repair");
        Payload.Artifact a = (Payload.Artifact) conflict.payload();
        assertThat(run.sink().text(a.contentHash())).contains("README.md");
        assertThat(((Payload.ToolCall) run.recorded().get(5).payload()).exitCode()).isZero();
        String head = git(origin, "rev-parse", "r1/t-par");
        assertThat(git(origin, "show", head + ":README.md")).contains("Hello from A and B.");
        assertThat(git(origin, "log", "--format=%s", "main.." + head)).contains("r1: repair plan item b");

        // Parallel, yet deterministic: the same run elsewhere records the same events.
        Path other = origin(tmp.resolve("two"), FILES);
        Fixtures.Run again = execute(tmp.resolve("two"), spec(other, items));
        assertThat(again.recorded()).extracting(Event::id).isEqualTo(run.recorded().stream().map(Event::id).toList());
    }

    @Test
    void aConflictWithoutARepairIsRecordedAndTheMergedWorkStands() throws Exception {
        Path origin = origin(tmp, FILES);
        Fixtures.Run run = execute(tmp, spec(origin, """
                - {id: a, goal: Number two, paths: [notes.txt], steps: [{edit: {path: notes.txt, old: two, new: "2"}}]}
                - {id: b, goal: Word two, paths: [notes.txt], steps: [{edit: {path: notes.txt, old: two, new: TWO}}]}
                """));
        assertThat(labels(run)).contains("ARTIFACT:merge-conflict");
        assertThat(git(origin, "show", "r1/t-par:notes.txt")).isEqualTo("one\n2\nthree");
        assertThat(run.transition().label()).isEqualTo("EXECUTE->VERIFY");
    }
}
