package dev.r1.gates.builtin;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1.gates.Checkpoint;
import dev.r1.gates.Diff;
import dev.r1.gates.Gate;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.Glob;
import dev.r1.gates.config.ConfigNode;
import dev.r1.gates.config.Settings;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code syntax}: every changed file parses. Each file extension maps to a checker: a command
 * run on a private copy of the file ({@code {file}} stands for its path; appended when absent)
 * with a time limit, or {@code builtin:json} / {@code builtin:yaml}. Defaults: {@code .sh}/{@code .bash}
 * → {@code bash -n}, {@code .py} → {@code python3 -m py_compile}, {@code .json}, {@code .yaml}/{@code .yml}
 * built in; {@code commands} adds or replaces entries ({@code off} removes one).
 * <ul>
 *   <li>BLOCK: a checker rejects a file (the reason quotes its first lines of output).</li>
 *   <li>ESCALATE: a checker could not run (not installed, timed out), more files than
 *       {@code max_files}, or no content to check (no worktree given and not a tool call).</li>
 *   <li>ALLOW: every checked file passes, or no changed file has a checker.</li>
 * </ul>
 */
public final class SyntaxGate implements Gate {
    public static final String BUILTIN_JSON = "builtin:json";
    public static final String BUILTIN_YAML = "builtin:yaml";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final Map<String, List<String>> commands;
    private final Duration timeout;
    private final int maxFiles;

    public SyntaxGate(String id, Map<String, List<String>> commands, Duration timeout, int maxFiles) {
        this.id = id;
        this.commands = new LinkedHashMap<>(commands);
        this.timeout = timeout;
        this.maxFiles = maxFiles;
    }

    public static Map<String, List<String>> defaultCommands() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put(".sh", List.of("bash", "-n", "{file}"));
        m.put(".bash", List.of("bash", "-n", "{file}"));
        m.put(".py", List.of("python3", "-m", "py_compile", "{file}"));
        m.put(".json", List.of(BUILTIN_JSON));
        m.put(".yaml", List.of(BUILTIN_YAML));
        m.put(".yml", List.of(BUILTIN_YAML));
        return m;
    }

    public static SyntaxGate create(Settings s) {
        Map<String, List<String>> commands = defaultCommands();
        for (Map.Entry<String, ConfigNode.Entry> e : s.mapping("commands").entrySet()) {
            String ext = e.getKey();
            ConfigNode v = e.getValue().value();
            if (!ext.startsWith(".") || ext.length() < 2) {
                s.problem(v, "commands are keyed by file extension with its dot, like .py, not '" + ext + "'");
                continue;
            }
            if (v instanceof ConfigNode.Scalar sc && (sc.text().equals("off") || sc.type() == ConfigNode.ScalarType.NULL
                    || sc.type() == ConfigNode.ScalarType.BOOL && sc.text().equalsIgnoreCase("false"))) {
                commands.remove(ext.toLowerCase(Locale.ROOT));
                continue;
            }
            Optional<List<String>> argv = s.command(v, "commands." + ext);
            if (argv.isEmpty()) continue;
            if (argv.get().get(0).startsWith("builtin:") && !List.of(BUILTIN_JSON, BUILTIN_YAML).contains(argv.get().get(0))) {
                s.problem(v, "unknown checker " + argv.get().get(0) + "; the built-in ones are " + BUILTIN_JSON + " and " + BUILTIN_YAML);
                continue;
            }
            commands.put(ext.toLowerCase(Locale.ROOT), argv.get());
        }
        long seconds = s.integer("timeout_seconds", 20, 1, 3600);
        int maxFiles = (int) s.integer("max_files", 200, 1, 100_000);
        s.finish();
        return new SyntaxGate(s.gate(), commands, Duration.ofSeconds(seconds), maxFiles);
    }

    @Override
    public String id() {
        return id;
    }

    private record Target(String path, List<String> checker) {}

    @Override
    public GateVerdict evaluate(GateInput in) {
        List<Target> targets = new ArrayList<>();
        if (in.checkpoint() == Checkpoint.TOOL) {
            // Only a whole-file write says what the file will be; edits are checked at EXECUTE->VERIFY.
            Optional<GateInput.ToolCall> write = in.tool().filter(t -> t.kind().equals("write") && t.path().isPresent()
                    && t.content().isPresent());
            if (write.isEmpty()) return GateVerdict.allow(id, "this tool call writes no whole file (edits are checked when the"
                    + " phase ends)");
            String p = write.get().path().get();
            checker(p).ifPresent(c -> targets.add(new Target(p, c)));
        } else {
            for (Diff.FileChange f : in.diff().files()) {
                if (f.status() == Diff.Status.DELETED) continue;
                checker(f.path()).ifPresent(c -> targets.add(new Target(f.path(), c)));
            }
        }
        if (targets.isEmpty()) return GateVerdict.allow(id, "no changed file has a syntax checker (" + String.join(", ", commands.keySet()) + ")");

        List<String> failed = new ArrayList<>();
        List<String> couldNot = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        int checked = 0;
        for (Target t : targets) {
            if (checked >= maxFiles) {
                couldNot.add((targets.size() - maxFiles) + " more files were not checked (max_files is " + maxFiles + ")");
                break;
            }
            Optional<String> content = content(in, t.path());
            if (content.isEmpty()) {
                couldNot.add(t.path() + ": its content was not available (the service must pass the worktree)");
                continue;
            }
            checked++;
            String problem;
            try {
                problem = check(t, content.get());
            } catch (Unrunnable e) {
                couldNot.add(t.path() + ": " + e.getMessage());
                continue;
            }
            if (problem == null) passed.add(t.path());
            else failed.add(t.path() + ": " + problem);
        }
        if (!failed.isEmpty()) {
            return GateVerdict.block(id, failed.size() + " file" + (failed.size() == 1 ? "" : "s") + " failed the syntax check — "
                    + String.join("; ", failed) + (couldNot.isEmpty() ? "" : "; also not checked: " + String.join("; ", couldNot))
                    + ". Fix the syntax and try again");
        }
        if (!couldNot.isEmpty()) {
            return GateVerdict.escalate(id, "could not check every file — " + String.join("; ", couldNot)
                    + ". Fix that (install the checker on the gate host, raise timeout_seconds) or have an operator approve"
                    + (passed.isEmpty() ? "" : " (" + passed.size() + " other file" + (passed.size() == 1 ? "" : "s") + " passed)"));
        }
        return GateVerdict.allow(id, passed.size() + " file" + (passed.size() == 1 ? "" : "s") + " passed the syntax check: "
                + ScopeFitGate.list(passed));
    }

    private Optional<List<String>> checker(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return commands.entrySet().stream()
                .filter(e -> name.endsWith(e.getKey()))
                .max(Comparator.comparingInt(e -> e.getKey().length()))
                .map(Map.Entry::getValue);
    }

    private static Optional<String> content(GateInput in, String path) {
        Optional<GateInput.ToolCall> tool = in.tool();
        if (tool.isPresent() && tool.get().path().map(p -> Glob.normalize(p).equals(Glob.normalize(path))).orElse(false)
                && tool.get().content().isPresent() && tool.get().kind().equals("write")) {
            return tool.get().content();
        }
        if (in.worktree().isPresent() && !Glob.escapes(path)) {
            Path file = in.worktree().get().resolve(path).normalize();
            if (file.startsWith(in.worktree().get().normalize()) && Files.isRegularFile(file)) {
                try {
                    return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static final class Unrunnable extends Exception {
        Unrunnable(String message) {
            super(message);
        }
    }

    /** Null when the file passes, else what is wrong. */
    private String check(Target t, String content) throws Unrunnable {
        String first = t.checker().get(0);
        if (first.equals(BUILTIN_JSON)) return checkJson(content);
        if (first.equals(BUILTIN_YAML)) return checkYaml(content);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("r1-syntax-");
            String name = t.path().substring(t.path().lastIndexOf('/') + 1);
            Path file = dir.resolve(name.isEmpty() ? "file" : name);
            Files.writeString(file, content, StandardCharsets.UTF_8);
            List<String> argv = new ArrayList<>();
            boolean placed = false;
            for (String a : t.checker()) {
                if (a.contains("{file}")) placed = true;
                argv.add(a.replace("{file}", file.toString()));
            }
            if (!placed) argv.add(file.toString());
            CommandRunner.Result r = CommandRunner.run(argv, dir, timeout);
            if (r.startError() != null) throw new Unrunnable("the checker '" + first + "' could not start (" + r.startError() + ")");
            if (r.timedOut()) throw new Unrunnable("the checker '" + String.join(" ", t.checker()) + "' ran over "
                    + timeout.toSeconds() + " s");
            if (r.exitCode() == 0) return null;
            if (r.exitCode() == 127 || r.exitCode() == 126) {
                throw new Unrunnable("the checker '" + first + "' is not installed (exit " + r.exitCode() + ")");
            }
            String out = r.excerpt(4, 400).replace(file.toString(), t.path()).replace(dir.toString() + "/", "");
            return String.join(" ", t.checker()).replace("{file}", t.path()) + " exited " + r.exitCode()
                    + (out.isEmpty() ? "" : ": " + out);
        } catch (IOException e) {
            throw new Unrunnable("could not copy it for checking (" + e.getMessage() + ")");
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    private static String checkJson(String content) {
        try (var parser = JSON.getFactory().createParser(content)) {
            while (parser.nextToken() != null) {
                // reading every token is the check
            }
            return null;
        } catch (JsonParseException e) {
            return "not valid JSON at line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage().split("\n")[0];
        } catch (JsonProcessingException e) {
            return "not valid JSON: " + e.getOriginalMessage().split("\n")[0];
        } catch (IOException e) {
            return "not valid JSON: " + e.getMessage();
        }
    }

    private static String checkYaml(String content) {
        try {
            for (Node ignored : new org.yaml.snakeyaml.Yaml(new LoaderOptions()).composeAll(new StringReader(content))) {
                // composing every document is the check
            }
            return null;
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            return "not valid YAML at line " + line + ": " + (e.getProblem() == null ? "" : e.getProblem());
        } catch (YAMLException e) {
            return "not valid YAML: " + e.getMessage().split("\n")[0];
        }
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
