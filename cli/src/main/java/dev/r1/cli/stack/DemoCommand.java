package dev.r1.cli.stack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.cli.ExitCode;
import dev.r1.cli.UsageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the bundled example tasks end to end and check their signed receipts.",
                "",
                "Starts the stack if needed, copies examples/repos into DATA/repos as fresh bare repositories,",
                "runs every examples/tasks/*.yaml (tasks on different repositories side by side, tasks on one",
                "repository one after the other, so each starts from the same state on every run), shows their",
                "progress, writes each signed receipt to DATA/receipts and verifies it with the ledger's key.",
                "",
                "Task ids are those of the spec files on a fresh data directory. Running the demo again on the",
                "same directory suffixes them (-2, -3, ...): a task id names one run, and its receipt is kept."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every task ended as expected and every receipt verifies", "1:some task or receipt did not",
                "2:the stack could not be started or a spec was refused"})
public final class DemoCommand extends StackCommand {
    /** Expected outcomes, one "id DONE|FAILED" a line, beside the task specs. */
    static final String EXPECTED = "EXPECTED";

    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Option(names = "--examples", paramLabel = "DIR", description = "The examples directory (default: the checkout's examples/).")
    Path examples;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "900", description = "Give up waiting after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    int run() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path ex = examples != null ? examples.toAbsolutePath() : StackHome.examples();
        Stack stack = new Stack(data.dir());
        ApiClient api = stack.ensureUp(out);

        Map<String, Path> repos = repositories(ex.resolve("repos"), stack.dir().repos());
        out.println("repositories: " + repos.size() + " fresh bare repositories in " + DataDir.show(stack.dir().repos()));
        out.println("tasks:");
        Map<String, ObjectNode> specs = specs(ex.resolve("tasks"));
        Map<String, String> expected = expected(ex.resolve("tasks").resolve(EXPECTED));
        String suffix = suffix(api, stack.dir(), specs.keySet());

        // Tasks on different repositories run side by side; tasks on one repository run one
        // after the other, in file order, so each starts from the same repository state on
        // every run and its events (hence its receipt) are the same on every data directory.
        Map<String, List<ObjectNode>> chains = new LinkedHashMap<>();
        Map<String, String> tasks = new LinkedHashMap<>(); // task id -> spec id
        for (Map.Entry<String, ObjectNode> e : specs.entrySet()) {
            ObjectNode s = e.getValue().deepCopy();
            String id = e.getKey() + suffix;
            s.put("id", id);
            String repo = s.path("repository").asText();
            Path bare = repos.get(repo);
            if (bare == null) throw new UsageException("task " + e.getKey() + " names repository " + repo + ", not one of " + repos.keySet());
            s.put("repository", bare.toString());
            chains.computeIfAbsent(repo, r -> new ArrayList<>()).add(s);
            tasks.put(id, e.getKey());
        }
        for (Map.Entry<String, List<ObjectNode>> c : chains.entrySet()) {
            out.println("  " + c.getKey() + ": " + String.join(" then ", c.getValue().stream().map(s -> s.get("id").asText()).toList()));
        }
        out.flush();

        int width = tasks.keySet().stream().mapToInt(String::length).max().orElse(10);
        ExecutorService pool = Executors.newFixedThreadPool(chains.size());
        List<Future<List<TaskResult>>> running = new ArrayList<>();
        try {
            for (List<ObjectNode> chain : chains.values()) {
                running.add(pool.submit(() -> {
                    List<TaskResult> done = new ArrayList<>();
                    for (ObjectNode s : chain) done.add(runOne(stack, api, s, out, width));
                    return done;
                }));
            }
            Map<String, TaskResult> byId = new LinkedHashMap<>();
            for (Future<List<TaskResult>> f : running) {
                try {
                    f.get().forEach(r -> byId.put(r.task(), r));
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception c ? c : e;
                }
            }
            List<TaskResult> results = new ArrayList<>();
            for (String id : tasks.keySet()) results.add(byId.get(id));
            List<Path> keys = Receipts.ensureKeys(stack.dir(), api);
            return summary(out, results, tasks, expected, keys);
        } finally {
            pool.shutdownNow();
        }
    }

    private TaskResult runOne(Stack stack, ApiClient api, ObjectNode s, PrintWriter out, int width) throws Exception {
        String id = s.get("id").asText();
        String task;
        try {
            task = api.submit(ApiClient.JSON.writeValueAsBytes(s), "application/json");
        } catch (ApiClient.Refused r) {
            throw new UsageException("task " + id + " was refused:\n" + Problems.describe(r.body()));
        }
        Progress progress = new Progress(out, String.format(Locale.ROOT, "%-" + width + "s", task));
        return TaskResult.await(stack, api, task, Duration.ofSeconds(timeoutSeconds), progress::accept, warning -> {
            synchronized (out) {
                out.println(warning);
                out.flush();
            }
        });
    }

    private int summary(PrintWriter out, List<TaskResult> results, Map<String, String> tasks, Map<String, String> expected, List<Path> keys) {
        int width = Math.max(4, results.stream().mapToInt(r -> r.task().length()).max().orElse(4));
        int rw = Math.max(7, results.stream().mapToInt(r -> DataDir.show(r.receipt()).length()).max().orElse(7));
        String row = "%-" + width + "s  %-7s  %-8s  %6s  %-" + rw + "s  %s%n";
        out.println();
        out.printf(Locale.ROOT, row, "task", "outcome", "expected", "events", "receipt", "verifies");
        boolean ok = true;
        for (TaskResult r : results) {
            String want = expected.getOrDefault(tasks.get(r.task()), "-");
            boolean match = want.equals("-") || want.equals(r.terminal());
            ok &= match && r.verifies();
            out.printf(Locale.ROOT, row, r.task(), r.terminal(), want + (match ? "" : " (!)"), r.events(),
                    DataDir.show(r.receipt()), r.verifies() ? "yes" : "NO: " + r.verification().violation().getMessage());
        }
        out.println();
        out.println("ledger key: " + String.join(", ", keys.stream().map(DataDir::show).toList()));
        out.println("check any receipt yourself:  r1 receipt verify --key " + DataDir.show(keys.get(0).getParent()) + " "
                + DataDir.show(results.get(0).receipt().getParent()) + "/*.json");
        out.println(ok ? "demo: every task ended as expected and every receipt verifies." : "demo: something did not go as expected (see above).");
        out.flush();
        return ok ? ExitCode.OK : ExitCode.INVALID;
    }

    /** examples/repos/NAME → DATA/repos/NAME.git, recreated from scratch. */
    static Map<String, Path> repositories(Path from, Path to) throws IOException, InterruptedException {
        Map<String, Path> out = new LinkedHashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(from, Files::isDirectory)) {
            List<Path> sorted = new ArrayList<>();
            dirs.forEach(sorted::add);
            sorted.sort(null);
            for (Path tree : sorted) {
                String name = tree.getFileName().toString();
                out.put(name, GitRepos.createBare(tree, to.resolve(name + ".git")));
            }
        }
        return out;
    }

    /** examples/tasks/*.yaml by their id, in file name order. */
    static Map<String, ObjectNode> specs(Path dir) throws IOException {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.{yaml,yml,json}")) {
            s.forEach(files::add);
        }
        files.sort(null);
        for (Path f : files) {
            ObjectNode spec = SpecFile.parse(Files.readAllBytes(f));
            if (spec == null || !spec.path("id").isTextual()) throw new UsageException(f + " is not a task spec with an id");
            out.put(spec.get("id").textValue(), spec);
        }
        if (out.isEmpty()) throw new UsageException("no task specs in " + dir);
        return out;
    }

    static Map<String, String> expected(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.exists(file)) return out;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] parts = l.split("\\s+");
            if (parts.length >= 2) out.put(parts[0], parts[1]);
        }
        return out;
    }

    /**
     * "" on a data directory that never ran these tasks; otherwise "-N" for the first N from 2 on
     * whose ids neither the ledger nor DATA/receipts knows, so every demo run gets its own tasks.
     */
    static String suffix(ApiClient api, DataDir dir, Iterable<String> ids) throws IOException, InterruptedException {
        for (int n = 1; ; n++) {
            String s = n == 1 ? "" : "-" + n;
            boolean used = false;
            for (String id : ids) {
                if (Files.exists(dir.receipt(id + s)) || api.task(id + s).isPresent()) {
                    used = true;
                    break;
                }
            }
            if (!used) return s;
        }
    }
}
