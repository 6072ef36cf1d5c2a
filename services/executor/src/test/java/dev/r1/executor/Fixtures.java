package dev.r1.executor;

import dev.r1.pipeline.flow.EventSink;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.PhaseLogic;
import dev.r1.pipeline.flow.PhaseOutcome;
import dev.r1.pipeline.flow.TaskClock;
import dev.r1.pipeline.flow.TaskTrace;
import dev.r1.pipeline.git.Git;
import dev.r1.pipeline.spec.TaskSpecs;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test scaffolding for the phase services (shared through this module's test-jar): real bare
 * git repositories in a temp dir, and phases run into an in-memory sink.
 */
public final class Fixtures {
    private Fixtures() {}

    /** Keeps what a phase records in memory instead of sending it to Kafka. */
    public static final class ListSink implements EventSink {
        public final List<Event> events = new ArrayList<>();
        public final Map<String, byte[]> blobs = new LinkedHashMap<>();

        @Override
        public void event(Event event) {
            events.add(event);
        }

        @Override
        public void blob(String sha256, String mediaType, byte[] bytes) {
            blobs.put(sha256, bytes);
        }

        public String text(String sha256) {
            return new String(blobs.get(sha256), StandardCharsets.UTF_8);
        }
    }

    /** One phase run: its outcome, everything it recorded (transition included) and the sink. */
    public record Run(PhaseOutcome outcome, List<Event> recorded, ListSink sink) {
        public Event transition() {
            return outcome.transition();
        }
    }

    public static Run run(PhaseLogic logic, Handoff handoff) throws Exception {
        ListSink sink = new ListSink();
        TaskTrace trace = new TaskTrace(handoff.task(), Phase.valueOf(handoff.stage().name()),
                TaskClock.resume(handoff, handoff.taskSpec().deterministic()), sink, handoff.cause());
        PhaseOutcome outcome = logic.run(handoff, trace);
        return new Run(outcome, trace.recorded(), sink);
    }

    /** A hand-off into {@code stage} as if an earlier phase had ended with the transition {@code cause}. */
    public static Handoff handoff(String yaml, Stage stage, int attempt, String note) {
        Handoff start = Handoff.start(TaskSpecs.parse(yaml.getBytes(StandardCharsets.UTF_8)), 0);
        return start.next(stage, "a".repeat(64), 5, attempt, note);
    }

    /**
     * A bare origin repository whose {@code main} holds {@code files} in one commit made with
     * fixed identity and date, so the same files give the same commit id in every test.
     * A value starting with {@code "-> "} becomes a symbolic link to the rest.
     */
    public static Path origin(Path dir, Map<String, String> files) throws IOException {
        Path work = dir.resolve("seed");
        Files.createDirectories(work);
        Git.out(work, "init", "-q", "-b", "main");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = work.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            if (f.getValue().startsWith("-> ")) Files.createSymbolicLink(p, Path.of(f.getValue().substring(3)));
            else Files.writeString(p, f.getValue());
        }
        commit(work, "seed");
        Path origin = dir.resolve("origin.git");
        Git.out(dir, "clone", "-q", "--bare", work.toString(), origin.toString());
        return origin;
    }

    /** Commits everything in {@code work} as a person would, with a fixed date. */
    public static void commit(Path work, String message) {
        Git.out(work, "add", "-A");
        Map<String, String> env = Map.of("GIT_AUTHOR_NAME", "Dev", "GIT_AUTHOR_EMAIL", "dev@example.org",
                "GIT_COMMITTER_NAME", "Dev", "GIT_COMMITTER_EMAIL", "dev@example.org",
                "GIT_AUTHOR_DATE", "@1600000000 +0000", "GIT_COMMITTER_DATE", "@1600000000 +0000");
        String[] args = {"commit", "-q", "-m", message};
        if (!Git.run(work, env, java.time.Duration.ofMinutes(1), args).ok()) throw new IllegalStateException("commit failed");
    }

    /** A git command against a (bare) repository, its output trimmed. */
    public static String git(Path repo, String... args) {
        return Git.out(repo, args);
    }
}
