package dev.r1.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.engines.Tools;
import dev.r1.pipeline.git.Git;
import dev.r1.pipeline.git.Subprocess;
import dev.r1.pipeline.spec.Step;
import dev.r1.stoke.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The tools an engine uses inside a task's worktree ({@link Tools} names them): read, write,
 * edit, list, glob, grep, run (bash) and diff. Each call is described for its TOOL_CALL event
 * with canonical arguments (paths relative to the repository root; file contents by SHA-256 and
 * size, never inline), the result bytes and an exit code. A refused or failed call is still a
 * call: it gets a non-zero exit code and the reason as its result.
 *
 * <p>Confinement: every path goes through {@link WorktreePaths} (no absolute paths, no {@code ..},
 * nothing under {@code .git}, no symbolic link that leads out); walks (list, glob, grep) never
 * follow a link out and never show {@code .git}; {@code run} starts in the worktree (or a
 * directory inside it) with a scrubbed environment — only {@link #PASSED_ENV} variables and the
 * task's own, never the service's credentials — in its own session, killed with everything it
 * started when it overstays its timeout.
 */
public final class WorktreeTools {
    /** Exit code of a call that failed (missing file, text to edit not found, bad input). */
    public static final long FAILED = 1;
    /** Exit code of a call refused because its path leaves the worktree. */
    public static final long REFUSED = 126;
    /** Output of a run kept for its result hash. */
    static final int RUN_OUTPUT_CAP = 1024 * 1024;
    /** The most a read, grep, list, glob or diff returns. */
    static final int RESULT_CAP = 256 * 1024;
    static final int DEFAULT_TIMEOUT_SECONDS = 300;
    static final int MAX_TIMEOUT_SECONDS = 3600;
    static final int DEFAULT_MAX_RESULTS = 200;
    /** Files larger than this are not searched by grep. */
    static final long GREP_FILE_LIMIT = 4L * 1024 * 1024;
    /** The variables a command run by an agent inherits from the service; nothing else (no API keys). */
    public static final List<String> PASSED_ENV = List.of("PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES",
            "TZ", "TMPDIR", "TERM", "USER", "LOGNAME", "SHELL", "JAVA_HOME");
    private static final boolean SETSID = Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"));

    private final WorktreePaths paths;
    private final Map<String, String> env;

    /**
     * @param env the task's own variables for commands (R1_TASK, R1_ATTEMPT); the rest of the
     *            environment is the service's, filtered to {@link #PASSED_ENV}
     */
    public WorktreeTools(Path worktree, Map<String, String> env) {
        this(worktree, env, System.getenv());
    }

    WorktreeTools(Path worktree, Map<String, String> env, Map<String, String> serviceEnv) {
        this.paths = new WorktreePaths(worktree);
        Map<String, String> all = new TreeMap<>();
        for (String name : PASSED_ENV) {
            String v = serviceEnv.get(name);
            if (v != null) all.put(name, v);
        }
        all.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        all.putAll(env);
        this.env = Map.copyOf(all);
    }

    /** One tool call as it is recorded. */
    public record Call(String label, ObjectNode args, byte[] result, long exitCode, String detail) {}

    /** A recorded spec step (scripted engines), run as the tool of the same name. */
    public Call apply(Step step) {
        var s = dev.r1.engines.ScriptedEngine.toStep(step);
        if (!(s instanceof dev.r1.engines.Step.ToolUse use)) throw new IllegalArgumentException("not a tool step: " + step);
        return call(use.tool(), use.input());
    }

    /** Runs tool {@code tool} (an id or a model-facing name) with the engine's input. */
    public Call call(String tool, ObjectNode input) {
        String id = Tools.idOf(tool).orElse(null);
        if (id == null) {
            String m = "unknown tool " + tool + "; the tools are read_file, write_file, edit_file, list_dir, glob, grep, bash, git_diff";
            return new Call(tool, Tools.canonicalArgs(input), bytes(m), FAILED, m);
        }
        try {
            return switch (id) {
                case Tools.READ -> read(input);
                case Tools.WRITE -> write(input);
                case Tools.EDIT -> edit(input);
                case Tools.LIST -> list(input);
                case Tools.GLOB -> glob(input);
                case Tools.GREP -> grep(input);
                case Tools.RUN -> run(input);
                case Tools.DIFF -> diff(input);
                default -> throw new IllegalStateException(id);
            };
        } catch (BadInput e) {
            return new Call(id, Tools.canonicalArgs(input), bytes(e.getMessage()), FAILED, e.getMessage());
        }
    }

    private Call read(ObjectNode in) throws BadInput {
        String raw = text(in, "path", true);
        int offset = integer(in, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = integer(in, "limit", 2000, 1, Integer.MAX_VALUE);
        ObjectNode args = args(raw).put("offset", offset).put("limit", limit);
        WorktreePaths.Resolved p;
        try {
            p = paths.resolve(raw);
        } catch (WorktreePaths.Refused e) {
            return refused(Tools.READ, args, e);
        }
        args.put("path", p.relative());
        if (!Files.isRegularFile(p.file())) return failed(Tools.READ, args, "no such file: " + p.relative());
        byte[] all;
        try {
            all = Files.readAllBytes(p.file());
        } catch (IOException e) {
            return failed(Tools.READ, args, "could not read " + p.relative() + ": " + e.getClass().getSimpleName());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int line = 0;
        int start = 0;
        long end = (long) offset + limit;
        for (int i = 0; i <= all.length && line < end; i++) {
            if (i == all.length || all[i] == '\n') {
                int stop = i == all.length ? i : i + 1;
                if (line >= offset && stop > start) out.write(all, start, stop - start);
                start = stop;
                line++;
            }
        }
        byte[] result = cap(out.toByteArray());
        return new Call(Tools.READ, args, result, 0, "read " + result.length + " bytes of " + p.relative());
    }

    private Call write(ObjectNode in) throws BadInput {
        String raw = text(in, "path", true);
        byte[] content = text(in, "content", false).getBytes(StandardCharsets.UTF_8);
        ObjectNode args = args(raw).put("content_sha256", Sha256.hex(content)).put("content_bytes", content.length);
        WorktreePaths.Resolved p;
        try {
            p = paths.resolve(raw);
        } catch (WorktreePaths.Refused e) {
            return refused(Tools.WRITE, args, e);
        }
        args.put("path", p.relative());
        if (Files.isDirectory(p.file())) return failed(Tools.WRITE, args, p.relative() + " is a directory");
        try {
            Files.createDirectories(p.file().getParent());
            Files.write(p.file(), content);
        } catch (IOException e) {
            return failed(Tools.WRITE, args, "could not write " + p.relative() + ": " + e.getClass().getSimpleName());
        }
        return ok(Tools.WRITE, args, "wrote " + content.length + " bytes to " + p.relative());
    }

    private Call edit(ObjectNode in) throws BadInput {
        String raw = text(in, "path", true);
        String oldText = in.has("old") ? text(in, "old", true) : text(in, "old_string", true);
        String newText = in.has("new") ? text(in, "new", false) : text(in, "new_string", false);
        if (oldText.isEmpty()) throw new BadInput("invalid input: 'old' must not be empty; to write a whole file use write_file");
        byte[] oldBytes = oldText.getBytes(StandardCharsets.UTF_8);
        byte[] newBytes = newText.getBytes(StandardCharsets.UTF_8);
        ObjectNode args = args(raw)
                .put("old_sha256", Sha256.hex(oldBytes)).put("old_bytes", oldBytes.length)
                .put("new_sha256", Sha256.hex(newBytes)).put("new_bytes", newBytes.length);
        WorktreePaths.Resolved p;
        try {
            p = paths.resolve(raw);
        } catch (WorktreePaths.Refused e) {
            return refused(Tools.EDIT, args, e);
        }
        args.put("path", p.relative());
        if (!Files.isRegularFile(p.file())) return failed(Tools.EDIT, args, "no such file: " + p.relative());
        try {
            String text = Files.readString(p.file(), StandardCharsets.UTF_8);
            int first = text.indexOf(oldText);
            if (first < 0) {
                return failed(Tools.EDIT, args, "the text to replace is not in " + p.relative()
                        + "; read the file again and copy the text exactly, whitespace included");
            }
            int count = 0;
            for (int i = first; i >= 0; i = text.indexOf(oldText, i + 1)) count++;
            if (count > 1) {
                return failed(Tools.EDIT, args, "the text to replace occurs " + count + " times in " + p.relative()
                        + "; it must be unique: include more of the surrounding lines");
            }
            Files.writeString(p.file(), text.substring(0, first) + newText + text.substring(first + oldText.length()),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return failed(Tools.EDIT, args, "could not edit " + p.relative() + ": " + e.getClass().getSimpleName());
        }
        return ok(Tools.EDIT, args, "edited " + p.relative());
    }

    private Call list(ObjectNode in) throws BadInput {
        String raw = text(in, "path", false, ".");
        ObjectNode args = args(raw);
        WorktreePaths.Resolved p;
        try {
            p = paths.resolveDir(raw);
        } catch (WorktreePaths.Refused e) {
            return refused(Tools.LIST, args, e);
        }
        args.put("path", p.relative());
        if (!Files.isDirectory(p.file())) return failed(Tools.LIST, args, "no such directory: " + p.relative());
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(p.file())) {
            for (Path child : (Iterable<Path>) s::iterator) {
                if (!paths.visible(child)) continue;
                String name = child.getFileName().toString();
                if (Files.isSymbolicLink(child)) name += "@";
                else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) name += "/";
                names.add(name);
            }
        } catch (IOException e) {
            return failed(Tools.LIST, args, "could not list " + p.relative() + ": " + e.getClass().getSimpleName());
        }
        names.sort(null);
        return new Call(Tools.LIST, args, cap(bytes(lines(names))), 0, names.size() + " entries in " + p.relative());
    }

    private Call glob(ObjectNode in) throws BadInput {
        String pattern = text(in, "pattern", true);
        String raw = text(in, "path", false, ".");
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("pattern", pattern).put("path", raw);
        WorktreePaths.Resolved p;
        try {
            checkPattern(pattern);
            p = paths.resolveDir(raw);
        } catch (WorktreePaths.Refused e) {
            return refused(Tools.GLOB, args, e);
        }
        args.put("path", p.relative());
        PathMatcher m;
        try {
            m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        } catch (IllegalArgumentException e) {
            return failed(Tools.GLOB, args, "not a glob: " + pattern);
        }
        List<String> found = new ArrayList<>();
        walk(p.file(), file -> {
            Path rel = paths.root().relativize(file);
            if (m.matches(rel)) found.add(rel.toString());
            return found.size() < 10_000;
        });
        found.sort(null);
        return new Call(Tools.GLOB, args, cap(bytes(lines(found))), 0, found.size() + " files match " + pattern);
    }

    private Call grep(ObjectNode in) throws BadInput {
        String pattern = text(in, "pattern", true);
        String raw = text(in, "path", false, ".");
        String glob = text(in, "glob", false, null);
        boolean ignoreCase = in.path("ignore_case").asBoolean(false);
        int max = integer(in, "max_results", DEFAULT_MAX_RESULTS, 1, 2000);
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("pattern", pattern).put("path", raw);
        if (glob != null) args.put("glob", glob);
        args.put("ignore_case", ignoreCase).put("max_results", max);
        WorktreePaths.Resolved p;
        try {
            if (glob != null) checkPattern(glob);
            p = paths.resolveDir(raw);
        } catch (WorktreePaths.Refused e) {
            return refused(Tools.GREP, args, e);
        }
        args.put("path", p.relative());
        Pattern re;
        PathMatcher m;
        try {
            re = Pattern.compile(pattern, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
            m = glob == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            return failed(Tools.GREP, args, "not a valid pattern: " + e.getMessage().lines().findFirst().orElse(""));
        }
        List<String> hits = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(p.file())) files.add(p.file());
        else if (Files.isDirectory(p.file())) walk(p.file(), f -> files.add(f) || true);
        else return failed(Tools.GREP, args, "no such file or directory: " + p.relative());
        files.sort(null);
        for (Path f : files) {
            Path rel = paths.root().relativize(f);
            if (m != null && !m.matches(rel) && !m.matches(rel.getFileName())) continue;
            try {
                if (Files.size(f) > GREP_FILE_LIMIT) continue;
                byte[] b = Files.readAllBytes(f);
                if (binary(b)) continue;
                String[] lines = new String(b, StandardCharsets.UTF_8).split("\n", -1);
                for (int i = 0; i < lines.length && hits.size() < max; i++) {
                    if (re.matcher(lines[i]).find()) hits.add(rel + ":" + (i + 1) + ":" + lines[i]);
                }
            } catch (IOException e) {
                // unreadable: skipped, as grep -s would
            }
            if (hits.size() >= max) break;
        }
        String detail = hits.size() + (hits.size() >= max ? "+ matches (stopped at max_results)" : " matches") + " of " + pattern;
        return new Call(Tools.GREP, args, cap(bytes(lines(hits))), 0, detail);
    }

    private Call run(ObjectNode in) throws BadInput {
        String command = text(in, "command", true);
        int timeout = integer(in, "timeout_seconds", DEFAULT_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS);
        String cwd = text(in, "cwd", false, null);
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("command", command).put("timeout_seconds", timeout);
        Path dir = paths.root();
        if (cwd != null) {
            args.put("cwd", cwd);
            try {
                WorktreePaths.Resolved p = paths.resolveDir(cwd);
                args.put("cwd", p.relative());
                if (!Files.isDirectory(p.file())) return failed(Tools.RUN, args, "no such directory: " + p.relative());
                dir = p.file();
            } catch (WorktreePaths.Refused e) {
                return refused(Tools.RUN, args, e);
            }
        }
        List<String> argv = new ArrayList<>();
        if (SETSID) argv.addAll(List.of("setsid", "-w"));
        argv.addAll(List.of("env", "-i"));
        env.forEach((k, v) -> argv.add(k + "=" + v));
        argv.addAll(List.of("bash", "--noprofile", "--norc", "-c", command));
        Subprocess.Result r = Subprocess.run(argv, dir, Map.of(), Duration.ofSeconds(timeout), RUN_OUTPUT_CAP, true);
        String detail = r.timedOut() ? "timed out after " + timeout + " s and was killed" : "exit " + r.exitCode();
        return new Call(Tools.RUN, args, r.output(), r.exitCode(), detail);
    }

    private Call diff(ObjectNode in) throws BadInput {
        List<String> raw = new ArrayList<>();
        JsonNode ps = in.get("paths");
        if (ps != null && !ps.isNull()) {
            if (!ps.isArray()) throw new BadInput("invalid input: 'paths' must be a list of paths");
            for (JsonNode n : ps) {
                if (!n.isTextual()) throw new BadInput("invalid input: 'paths' must be a list of paths");
                raw.add(n.textValue());
            }
        }
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        ArrayNode recorded = args.putArray("paths");
        raw.forEach(recorded::add);
        List<String> rel = new ArrayList<>();
        for (String r : raw) {
            try {
                rel.add(paths.resolveDir(r).relative());
            } catch (WorktreePaths.Refused e) {
                return refused(Tools.DIFF, args, e);
            }
        }
        recorded.removeAll();
        rel.forEach(recorded::add);
        // New files show as added: record the intent to add them, which the commit does anyway.
        Git.run(paths.root(), Map.of(), Duration.ofMinutes(2), "add", "--all", "--intent-to-add", ".");
        List<String> gitArgs = new ArrayList<>(List.of("diff", "--no-color", "--no-ext-diff", "--no-textconv", "HEAD", "--"));
        gitArgs.addAll(rel);
        Subprocess.Result r = Git.run(paths.root(), Map.of(), Duration.ofMinutes(2), gitArgs.toArray(String[]::new));
        if (!r.ok()) return failed(Tools.DIFF, args, "git diff failed: " + r.errorText().strip());
        byte[] out = cap(r.output());
        return new Call(Tools.DIFF, args, out, 0, out.length == 0 ? "no changes" : "diff of " + out.length + " bytes");
    }

    /** Walks files under {@code start}, never into .git, never through a link that leads out; stops when {@code visit} says so. */
    private void walk(Path start, java.util.function.Predicate<Path> visit) {
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(start) && !paths.visible(dir)) return FileVisitResult.SKIP_SUBTREE;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!paths.visible(file)) return FileVisitResult.CONTINUE;
                    if (attrs.isSymbolicLink() && !Files.isRegularFile(file)) return FileVisitResult.CONTINUE;
                    if (!attrs.isRegularFile() && !attrs.isSymbolicLink()) return FileVisitResult.CONTINUE;
                    return visit.test(file) ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // what was walked so far stands
        }
    }

    private static void checkPattern(String pattern) throws WorktreePaths.Refused {
        if (pattern.startsWith("/") || pattern.startsWith("~")) {
            throw new WorktreePaths.Refused("refused: " + pattern + " is an absolute pattern; patterns are relative to the repository root");
        }
        for (String part : pattern.split("[/\\\\]")) {
            if (part.equals("..")) throw new WorktreePaths.Refused("refused: " + pattern + " contains '..'; patterns must stay inside the worktree");
        }
    }

    private static boolean binary(byte[] b) {
        for (int i = 0; i < Math.min(b.length, 8000); i++) if (b[i] == 0) return true;
        return false;
    }

    private static String lines(List<String> items) {
        return items.isEmpty() ? "" : String.join("\n", items) + "\n";
    }

    private static byte[] cap(byte[] b) {
        if (b.length <= RESULT_CAP) return b;
        byte[] marker = ("\n[r1: " + (b.length - RESULT_CAP) + " more bytes not shown]\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(b, RESULT_CAP + marker.length);
        System.arraycopy(marker, 0, out, RESULT_CAP, marker.length);
        return out;
    }

    private static String text(ObjectNode in, String name, boolean required) throws BadInput {
        String v = text(in, name, required, null);
        return v == null ? "" : v;
    }

    private static String text(ObjectNode in, String name, boolean required, String fallback) throws BadInput {
        JsonNode v = in.get(name);
        if (v == null || v.isNull()) {
            if (required) throw new BadInput("invalid input: '" + name + "' is required");
            return fallback;
        }
        if (!v.isTextual()) throw new BadInput("invalid input: '" + name + "' must be text");
        return v.textValue();
    }

    private static int integer(ObjectNode in, String name, int fallback, int min, int max) throws BadInput {
        JsonNode v = in.get(name);
        if (v == null || v.isNull()) return fallback;
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < min || v.intValue() > max) {
            throw new BadInput("invalid input: '" + name + "' must be a whole number from " + min + " to " + max);
        }
        return v.intValue();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode args(String path) {
        return JsonNodeFactory.instance.objectNode().put("path", path);
    }

    private static Call ok(String label, ObjectNode args, String message) {
        return new Call(label, args, bytes(message), 0, message);
    }

    private static Call failed(String label, ObjectNode args, String message) {
        return new Call(label, args, bytes(message), FAILED, message);
    }

    private static Call refused(String label, ObjectNode args, WorktreePaths.Refused e) {
        return new Call(label, args, bytes(e.getMessage()), REFUSED, e.getMessage());
    }

    /** Input an engine sent that a tool cannot take. */
    private static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }

    /** For tests: the environment commands get. */
    Map<String, String> environment() {
        return new LinkedHashMap<>(env);
    }
}
