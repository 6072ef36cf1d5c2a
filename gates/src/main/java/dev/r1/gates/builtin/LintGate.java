package dev.r1.gates.builtin;

import dev.r1.gates.Diff;
import dev.r1.gates.Gate;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.config.ConfigNode;
import dev.r1.gates.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code lint}: a project's linter, run as a command in the worktree. {@code command} (required)
 * is a list of arguments or one string; {@code {files}} expands to the changed files (those
 * with one of {@code extensions}, if given) and {@code {base}} to the task's base ref.
 * <ul>
 *   <li>BLOCK: the command exits non-zero (the reason quotes its first lines of output).</li>
 *   <li>ESCALATE: the exit code is in {@code escalate_exit_codes} (warnings), the command could
 *       not start or ran over {@code timeout_seconds}, or there is no worktree or base ref.</li>
 *   <li>ALLOW: exit 0, or no changed file has one of {@code extensions}.</li>
 * </ul>
 */
public final class LintGate implements Gate {
    private final String id;
    private final List<String> command;
    private final List<String> extensions;
    private final Duration timeout;
    private final Set<Integer> escalateCodes;

    public LintGate(String id, List<String> command, List<String> extensions, Duration timeout, Set<Integer> escalateCodes) {
        this.id = id;
        this.command = List.copyOf(command);
        this.extensions = extensions.stream().map(e -> e.toLowerCase(Locale.ROOT)).toList();
        this.timeout = timeout;
        this.escalateCodes = Set.copyOf(escalateCodes);
    }

    public static LintGate create(Settings s) {
        Optional<List<String>> command = s.command("command");
        if (command.isEmpty() && s.node("command").isEmpty()) {
            s.problem(null, "the lint gate needs a command, like command: [ruff, check, \"{files}\"]");
        }
        List<String> ext = s.strings("extensions", List.of());
        long seconds = s.integer("timeout_seconds", 300, 1, 86_400);
        Set<Integer> codes = new HashSet<>();
        s.node("escalate_exit_codes").ifPresent(n -> {
            if (n instanceof ConfigNode.Sequence seq) {
                for (ConfigNode item : seq.items()) {
                    if (item instanceof ConfigNode.Scalar sc && sc.type() == ConfigNode.ScalarType.INT) {
                        codes.add(Integer.parseInt(sc.text()));
                    } else {
                        s.problem(item, "escalate_exit_codes must list exit codes, not " + item.describe());
                    }
                }
            } else {
                s.problem(n, "escalate_exit_codes must be a list of exit codes, like [1]");
            }
        });
        s.finish();
        return new LintGate(s.gate(), command.orElse(List.of("true")), ext, Duration.ofSeconds(seconds), codes);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public GateVerdict evaluate(GateInput in) {
        String shown = String.join(" ", command);
        if (in.worktree().isEmpty() || !Files.isDirectory(in.worktree().get())) {
            return GateVerdict.escalate(id, "lint (" + shown + ") needs the worktree of the change, and none was given:"
                    + " the service must pass it, or an operator must approve without lint");
        }
        List<String> files = new ArrayList<>();
        for (Diff.FileChange f : in.diff().files()) {
            if (f.status() == Diff.Status.DELETED) continue;
            String lower = f.path().toLowerCase(Locale.ROOT);
            if (extensions.isEmpty() || extensions.stream().anyMatch(lower::endsWith)) files.add(f.path());
        }
        if (!extensions.isEmpty() && files.isEmpty()) {
            return GateVerdict.allow(id, "no changed file has one of the extensions lint checks (" + String.join(", ", extensions) + ")");
        }
        List<String> argv = new ArrayList<>();
        for (String a : command) {
            if (a.equals("{files}")) {
                argv.addAll(files);
                continue;
            }
            if (a.contains("{base}")) {
                if (in.task().baseRef().isEmpty()) {
                    return GateVerdict.escalate(id, "lint (" + shown + ") needs the task's base ref and none was given:"
                            + " the service must pass it, or an operator must approve without lint");
                }
                a = a.replace("{base}", in.task().baseRef().get());
            }
            argv.add(a);
        }
        Path dir = in.worktree().get();
        CommandRunner.Result r = CommandRunner.run(argv, dir, timeout);
        if (r.startError() != null) {
            return GateVerdict.escalate(id, "lint could not start '" + argv.get(0) + "' (" + r.startError()
                    + "): install it on the gate host or change the lint command in .r1/gates.yaml");
        }
        if (r.timedOut()) {
            return GateVerdict.escalate(id, "lint (" + shown + ") ran over " + timeout.toSeconds() + " s and was stopped:"
                    + " raise timeout_seconds for the lint gate, or have an operator approve");
        }
        String out = r.excerpt(6, 600);
        if (r.exitCode() == 0) return GateVerdict.allow(id, "lint (" + shown + ") passed");
        if (escalateCodes.contains(r.exitCode())) {
            return GateVerdict.escalate(id, "lint (" + shown + ") exited " + r.exitCode() + ", which this project counts as"
                    + " warnings" + (out.isEmpty() ? "" : ": " + out) + ". Fix them, or have an operator approve");
        }
        return GateVerdict.block(id, "lint (" + shown + ") exited " + r.exitCode() + (out.isEmpty() ? "" : ": " + out)
                + ". Fix what it reports and try again");
    }
}
