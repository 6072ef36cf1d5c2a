package dev.r1.gates.builtin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a checker as a subprocess with a time limit; the whole process tree is killed when it
 * runs over. The environment is cut down to PATH, HOME, locale, TMPDIR and toolchain variables,
 * so a command from a repository's gates file never sees the service's credentials.
 */
public final class CommandRunner {
    private static final int OUTPUT_CAP = 64 * 1024;
    private static final java.util.Set<String> KEPT_ENV = java.util.Set.of("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR",
            "TZ", "JAVA_HOME", "PYENV_ROOT", "PYENV_VERSION");

    /**
     * @param exitCode the exit code, or -1 when the command timed out or could not start
     * @param output stdout and stderr together, cut at 64 KiB
     * @param startError why the command could not start, or null
     */
    public record Result(int exitCode, String output, boolean timedOut, String startError) {
        public boolean ok() {
            return exitCode == 0 && !timedOut && startError == null;
        }

        /** The first lines of output, for a reason. */
        public String excerpt(int maxLines, int maxChars) {
            String[] lines = output.strip().split("\n");
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.min(maxLines, lines.length); i++) {
                if (i > 0) sb.append(" | ");
                sb.append(lines[i].strip());
            }
            if (lines.length > maxLines) sb.append(" | …");
            String s = sb.toString();
            return s.length() > maxChars ? s.substring(0, maxChars) + "…" : s;
        }
    }

    private CommandRunner() {}

    public static Result run(List<String> argv, Path dir, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // Checkers get a bare environment: whatever credentials the service holds are not theirs.
        java.util.Map<String, String> env = pb.environment();
        env.keySet().retainAll(KEPT_ENV);
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(-1, "", false, e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> drain(p.getInputStream(), out), "gate-command-output");
        reader.setDaemon(true);
        reader.start();
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            return new Result(-1, text(out), true, null);
        }
        if (!finished) {
            kill(p);
            return new Result(-1, text(out), true, null);
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Result(p.exitValue(), text(out), false, null);
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    int room = OUTPUT_CAP - out.size();
                    if (room > 0) out.write(buf, 0, Math.min(room, n));
                }
            }
        } catch (IOException ignored) {
            // the process was killed; what was read is kept
        }
    }

    private static String text(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
