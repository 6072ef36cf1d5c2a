package dev.r1.engines.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.engines.Engine;
import dev.r1.engines.EngineException;
import dev.r1.engines.Identity;
import dev.r1.engines.Step;
import dev.r1.engines.config.Provider;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An agent CLI run as a subprocess in the worktree, printing one JSON object a line: it runs its
 * own tools, and each line is mapped to steps (its tool calls as {@link Step.Observed}). The
 * process runs in its own session with a scrubbed environment (the {@code PATH}/{@code HOME}/locale
 * variables and, if the provider has one, its key under the name the CLI reads), is killed with
 * everything it started when it overstays the provider's timeout or the engine is closed, and any
 * way it ends other than a clean exit after a final result is a {@link EngineException.ProviderFailure}.
 */
public abstract class CliEngine implements Engine {
    static final List<String> PASSED_ENV = List.of("PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TERM", "USER",
            "LOGNAME", "SHELL");
    private static final boolean SETSID = Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STDERR_CAP = 16 * 1024;

    protected final Provider provider;
    protected final String model;
    protected final Path worktree;
    private final Process process;
    private final BufferedReader out;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread errReader;
    private final Thread watchdog;
    private final AtomicBoolean timedOut = new AtomicBoolean();
    private final Deque<Step> pending = new ArrayDeque<>();
    private boolean ended;

    protected CliEngine(Provider provider, String model, Path worktree, List<String> args, Map<String, String> serviceEnv, Map<String, String> extraEnv) {
        this.provider = provider;
        this.model = model;
        this.worktree = worktree;
        List<String> argv = new ArrayList<>();
        if (SETSID) argv.addAll(List.of("setsid", "-w"));
        argv.addAll(List.of("env", "-i"));
        Map<String, String> env = new TreeMap<>();
        for (String n : PASSED_ENV) if (serviceEnv.get(n) != null) env.put(n, serviceEnv.get(n));
        env.putAll(extraEnv);
        env.forEach((k, v) -> argv.add(k + "=" + v));
        argv.add(provider.command());
        argv.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(worktree.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new EngineException.ProviderFailure(provider.name(), "provider " + provider.name() + ": cannot start " + provider.command() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        errReader = drain(process.getErrorStream(), err);
        Duration timeout = provider.timeout();
        watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut.set(true);
                    kill();
                }
            } catch (InterruptedException e) {
                // closed
            }
        }, "r1-cli-watchdog-" + process.pid());
        watchdog.setDaemon(true);
        watchdog.start();
    }

    @Override
    public Optional<Identity> identity() {
        return Optional.of(new Identity(provider.name(), provider.kind(), model == null ? "default" : model, provider.familyOf(model)));
    }

    /** Maps one line of output to steps (added to {@code out}). */
    protected abstract void line(JsonNode line, Deque<Step> out);

    /** After a clean exit: the last steps, or a failure if the output never said it was done. */
    protected abstract void finish(Deque<Step> out);

    protected final String name() {
        return provider.command();
    }

    @Override
    public final Optional<Step> next(ToolOutput previous) {
        while (pending.isEmpty()) {
            if (ended) return Optional.empty();
            String line;
            try {
                line = out.readLine();
            } catch (IOException e) {
                line = null;
            }
            if (line == null) {
                ended = true;
                int exit = waitExit();
                if (timedOut.get()) {
                    throw failure(name() + " did not finish within " + provider.timeout().toSeconds() + " s and was killed");
                }
                if (exit != 0) throw failure(name() + " exited with " + exit + stderrTail());
                finish(pending);
                continue;
            }
            if (line.isBlank()) continue;
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                n = null;
            }
            if (n == null || !n.isObject()) {
                close();
                throw failure(name() + " printed a line that is not JSON (truncated or not the expected format): " + clip(line, 200));
            }
            line(n, pending);
        }
        return Optional.of(pending.poll());
    }

    protected final EngineException.ProviderFailure failure(String message) {
        return new EngineException.ProviderFailure(provider.name(), "provider " + provider.name() + " (" + provider.kind() + "): " + message);
    }

    private int waitExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            errReader.join(5_000);
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    private String stderrTail() {
        String s;
        synchronized (err) {
            s = err.toString(StandardCharsets.UTF_8).strip();
        }
        if (s.isEmpty()) return "";
        List<String> lines = s.lines().toList();
        return ": " + clip(String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())), 600);
    }

    @Override
    public void close() {
        ended = true;
        kill();
        watchdog.interrupt();
    }

    private void kill() {
        if (SETSID) {
            try {
                new ProcessBuilder("kill", "-KILL", "--", "-" + process.pid()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // no group left
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream into) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (into) {
                        if (into.size() < STDERR_CAP) into.write(buf, 0, Math.min(n, STDERR_CAP - into.size()));
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        }, "r1-cli-stderr");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static String clip(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "…" : s;
    }

    /** A path a CLI reported, relative to the worktree when it is inside it. */
    protected final String relative(String path) {
        if (path == null) return null;
        Path p = Path.of(path);
        if (!p.isAbsolute()) return p.normalize().toString();
        Path root;
        try {
            root = worktree.toRealPath();
        } catch (IOException e) {
            root = worktree.toAbsolutePath();
        }
        Path n = p.normalize();
        if (n.startsWith(root)) return root.relativize(n).toString().isEmpty() ? "." : root.relativize(n).toString();
        if (n.startsWith(worktree.toAbsolutePath())) return worktree.toAbsolutePath().relativize(n).toString();
        return path;
    }

    /** Rewrites absolute paths inside the worktree to relative ones, in the named fields. */
    protected final void relativize(ObjectNode args, String... fields) {
        for (String f : fields) {
            JsonNode v = args.get(f);
            if (v != null && v.isTextual()) args.put(f, relative(v.textValue()));
        }
    }
}
