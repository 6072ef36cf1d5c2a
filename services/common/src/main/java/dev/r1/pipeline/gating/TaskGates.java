package dev.r1.pipeline.gating;

import dev.r1.gates.Checkpoint;
import dev.r1.gates.Diff;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateSuite;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.GatesConfigException;
import dev.r1.gates.GatesLoader;
import dev.r1.pipeline.flow.TaskTrace.GateResult;
import dev.r1.pipeline.git.CachedRepo;
import dev.r1.pipeline.spec.TaskSpec;
import dev.r1.stoke.event.Phase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gates of one task, as every phase service loads them: the task repository's
 * {@code .r1/gates.yaml} at the task's base ref if it has one, else the spec's {@code gates}
 * preset (fast, default, strict). The file is read from the base commit, never from the
 * agent's worktree, so a change cannot loosen the gates that judge it.
 */
public final class TaskGates {
    /** Built suites by file text (or preset name): CEL and WASM are compiled once per distinct file. */
    private static final Map<String, GateSuite> SUITES = new ConcurrentHashMap<>();

    private TaskGates() {}

    /** The text of {@code .r1/gates.yaml} at {@code commit}, or empty when the repository has none there. */
    public static Optional<String> repositoryFile(CachedRepo repo, String commit) {
        String listed = repo.git("ls-tree", "--name-only", commit, GatesLoader.REPOSITORY_FILE).strip();
        if (listed.isEmpty()) return Optional.empty();
        return Optional.of(repo.git("show", commit + ":" + GatesLoader.REPOSITORY_FILE));
    }

    /** The suite for a task from its repository at {@code commit}; throws with line and reason for a bad file. */
    public static GateSuite load(TaskSpec spec, CachedRepo repo, String commit) throws GatesConfigException {
        return load(spec, repositoryFile(repo, commit));
    }

    /** The suite of a gates file's text, else of the spec's preset. */
    public static GateSuite load(TaskSpec spec, Optional<String> file) throws GatesConfigException {
        if (file.isPresent()) {
            String key = "file:" + file.get();
            GateSuite s = SUITES.get(key);
            if (s != null) return s;
            s = GateSuite.of(GatesLoader.parse(file.get(), GatesLoader.REPOSITORY_FILE, Optional.empty()));
            SUITES.put(key, s);
            return s;
        }
        String preset = spec.gates() == null ? "default" : spec.gates();
        String key = "preset:" + preset;
        GateSuite s = SUITES.get(key);
        if (s != null) return s;
        s = GateSuite.preset(preset);
        SUITES.put(key, s);
        return s;
    }

    /** The gate library's view of the task, in {@code phase}. */
    public static GateInput.Task task(String id, TaskSpec spec, Phase phase, Optional<String> baseCommit) {
        return new GateInput.Task(id, spec.goal(), phase, spec.scope().isEmpty() ? List.of("**") : spec.scope(),
                spec.budget().maxCostUsd(), spec.budget().maxToolCalls(), baseCommit);
    }

    public static Diff diff(byte[] unified) {
        return unified.length == 0 ? Diff.EMPTY : Diff.parse(new String(unified, StandardCharsets.UTF_8));
    }

    public static GateResult result(GateVerdict v) {
        return new GateResult(v.gate(), v.verdict(), v.reason());
    }

    public static List<GateResult> results(List<GateVerdict> verdicts) {
        List<GateResult> out = new ArrayList<>(verdicts.size());
        for (GateVerdict v : verdicts) out.add(result(v));
        return out;
    }

    /** A bad gates file, as one reason a person can act on: every problem with its line. */
    public static String describe(GatesConfigException e) {
        StringBuilder b = new StringBuilder("the gates file is invalid: ");
        List<String> parts = new ArrayList<>();
        for (GatesConfigException.Problem p : e.problems()) parts.add(p.toString());
        b.append(String.join("; ", parts));
        return b.toString();
    }

    /**
     * One decision per required gate, in the order of {@code required}; a required gate nobody
     * decided becomes a BLOCK naming it. Decisions of gates that are not required are dropped.
     */
    public static List<GateResult> ordered(List<String> required, List<GateResult> decided) {
        java.util.Map<String, GateResult> byGate = new java.util.LinkedHashMap<>();
        for (GateResult r : decided) byGate.putIfAbsent(r.gate(), r);
        List<GateResult> out = new ArrayList<>();
        for (String g : required) {
            GateResult r = byGate.get(g);
            out.add(r != null ? r : GateResult.block(g, "no decision was made for the required gate '" + g
                    + "': the service that runs it did not report one; check the gates file"));
        }
        return out;
    }

    /** The checkpoint's required gates, as the transition records them. */
    public static List<String> required(GateSuite suite, Checkpoint c) {
        return suite.requiredGates(c);
    }
}
