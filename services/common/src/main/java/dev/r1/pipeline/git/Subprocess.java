package dev.r1.pipeline.git;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command to completion: output captured (capped, keeping its head and its
 * tail), stdin closed, and on timeout the command and everything it started killed. Shell
 * commands run in their own session ({@code setsid}), so a background process they leave
 * behind is killed with them instead of holding the output pipe open.
 */
public final class Subprocess {
    /** What a command did: {@code output} is stdout (with stderr merged in when asked), {@code errors} stderr otherwise. */
    public record Result(int exitCode, byte[] output, byte[] errors, boolean timedOut) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        public String text() {
            return new String(output, StandardCharsets.UTF_8);
        }

        public String errorText() {
            return new String(errors, StandardCharsets.UTF_8);
        }
    }

    /** The exit code recorded for a command killed on timeout, as timeout(1) does. */
    public static final int TIMEOUT_EXIT = 124;

    private static final boolean SETSID = Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"));
    private static final File NULL_INPUT = new File("/dev/null");

    private Subprocess() {}

    /**
     * Runs {@code bash -c command} in {@code dir}, stdout and stderr merged, at most {@code cap}
     * bytes kept (the first and last halves, with a marker between them).
     */
    public static Result bash(Path dir, String command, Map<String, String> env, Duration timeout, int cap) {
        List<String> argv = new ArrayList<>();
        if (SETSID) argv.addAll(List.of("setsid", "-w"));
        argv.addAll(List.of("bash", "-c", command));
        return run(argv, dir, env, timeout, cap, true);
    }

    /** Runs a command; stderr is kept apart unless {@code mergeErrors}. */
    public static Result run(List<String> argv, Path dir, Map<String, String> env, Duration timeout, int cap, boolean mergeErrors) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectInput(NULL_INPUT);
        pb.redirectErrorStream(mergeErrors);
        if (env != null) pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + argv.get(0) + ": " + e.getMessage(), e);
        }
        Capture out = new Capture(p.getInputStream(), cap, "r1-out-" + p.pid());
        Capture err = mergeErrors ? null : new Capture(p.getErrorStream(), cap, "r1-err-" + p.pid());
        boolean timedOut = false;
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                kill(p);
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        }
        // Whatever the command left running in its session goes too, so the pipes close.
        if (SETSID && mergeErrors) killGroup(p.pid());
        out.await();
        if (err != null) err.await();
        int exit = timedOut ? TIMEOUT_EXIT : p.exitValue();
        return new Result(exit, out.bytes(), err == null ? new byte[0] : err.bytes(), timedOut);
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        if (SETSID) killGroup(p.pid());
        p.destroyForcibly();
    }

    private static void killGroup(long pid) {
        try {
            Process k = new ProcessBuilder("kill", "-KILL", "--", "-" + pid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            k.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // No such group left: nothing to kill.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Drains a stream on its own thread, keeping the first and last halves of the cap. The tail's
     * ring is allocated only once the output outgrows the head: most commands print a line or
     * two, and a cap-sized buffer per stream (8 MiB for git) made every task allocate hundreds of
     * megabytes and the collector pause the whole process several times a second.
     */
    private static final class Capture {
        private final Thread thread;
        private final int half;
        private final int tailSize;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private byte[] tail;
        private long total;
        private int tailEnd;

        Capture(InputStream in, int cap, String name) {
            this.half = Math.max(1, cap / 2);
            this.tailSize = Math.max(1, cap - half);
            this.thread = new Thread(() -> drain(in), name);
            thread.setDaemon(true);
            thread.start();
        }

        private void drain(InputStream in) {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) add(buf, n);
            } catch (IOException e) {
                // The process is gone; keep what was read.
            }
        }

        private synchronized void add(byte[] buf, int n) {
            int off = 0;
            if (total < half) {
                int toHead = (int) Math.min(n, half - total);
                head.write(buf, 0, toHead);
                off = toHead;
            }
            total += n;
            if (off == n) return;
            if (tail == null) tail = new byte[tailSize];
            // Only the last tailSize bytes of this chunk can survive in the ring.
            int skip = Math.max(0, n - off - tailSize);
            tailEnd = (int) ((tailEnd + (long) skip) % tailSize);
            for (off += skip; off < n; ) {
                int len = Math.min(n - off, tailSize - tailEnd);
                System.arraycopy(buf, off, tail, tailEnd, len);
                off += len;
                tailEnd = (tailEnd + len) % tailSize;
            }
        }

        void await() {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized byte[] bytes() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(head.toByteArray());
            long inTail = Math.max(0, total - half);
            if (inTail == 0) return all.toByteArray();
            if (inTail > tailSize) {
                long omitted = inTail - tailSize;
                all.writeBytes(("\n[r1: " + omitted + " bytes of output omitted]\n").getBytes(StandardCharsets.UTF_8));
                all.write(tail, tailEnd, tailSize - tailEnd);
                all.write(tail, 0, tailEnd);
            } else {
                all.write(tail, 0, (int) inTail);
            }
            return all.toByteArray();
        }
    }
}
