package dev.r1.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs one of the servers as its own OS process, so that a CLI command can start it detached and a
 * later command, with nothing but the data directory in hand, can find and stop it.
 *
 * <p>The contract between the launcher and the server's {@code main} is two files in the data
 * directory: the pid file, written first so a server that hangs while starting can still be
 * stopped, and the address file, written only once the server accepts connections, so its presence
 * means "ready".
 */
public final class ServerProcess {

    /** Starts the line that gives the reason a server could not start; the launcher looks for it. */
    private static final String START_FAILED = "failed to start: ";

    private ServerProcess() {}

    /** A detached server: its pid and the address it wrote once ready. */
    public record Started(long pid, String address) {}

    /**
     * Starts {@code mainClass} in a new JVM (the same java binary as this one) and waits until it
     * has written {@code addressFile}. Output goes to {@code logFile}, because a detached process
     * outlives the terminal that started it.
     */
    public static Started launch(String classpath, List<String> jvmOptions, String mainClass,
                                 List<String> args, Path addressFile, Path logFile, Duration timeout)
            throws IOException, InterruptedException, TimeoutException {
        // A leftover address file from a killed run would make us report "ready" at once.
        Files.deleteIfExists(addressFile);
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> address = readFile(addressFile);
            if (address.isPresent()) {
                return new Started(process.pid(), address.get());
            }
            if (!process.isAlive()) {
                throw new IOException(mainClass + " exited with " + process.exitValue()
                        + " before it was ready" + startFailure(logFile, logStart).map(r -> ": " + r).orElse("")
                        + "; see " + logFile);
            }
            Thread.sleep(100);
        }
        process.destroy();
        throw new TimeoutException(mainClass + " was not ready after " + timeout + "; see " + logFile);
    }

    /** The reason {@link #serveUntilTerminated} logged after {@code from}, if it logged one. */
    private static Optional<String> startFailure(Path logFile, long from) throws IOException {
        byte[] log = Files.readAllBytes(logFile);
        int start = (int) Math.min(from, log.length);
        return new String(log, start, log.length - start, StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith(START_FAILED))
                .reduce((earlier, later) -> later)
                .map(line -> line.substring(START_FAILED.length()));
    }

    /** This JVM's classpath: right for tests and for a CLI started with a plain {@code java -cp}. */
    public static String currentClasspath() {
        return System.getProperty("java.class.path");
    }

    /**
     * The live process named by a pid file; empty when there is no file or the process is gone.
     * The file also records when that process started, so a pid that the OS has since given to
     * an unrelated process is not mistaken for our server (and never signalled by {@link #stop}).
     */
    public static Optional<ProcessHandle> running(Path pidFile) {
        List<String> lines = readFile(pidFile).map(text -> text.lines().toList()).orElse(List.of());
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> process;
        try {
            process = ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Optional<String> recordedStart = lines.stream().skip(1).findFirst().map(String::trim);
        return process
                .filter(ProcessHandle::isAlive)
                .filter(p -> recordedStart.isEmpty() || recordedStart.equals(startedAt(p)));
    }

    private static Optional<String> startedAt(ProcessHandle process) {
        return process.info().startInstant().map(i -> Long.toString(i.toEpochMilli()));
    }

    /**
     * Stops the process named by the pid file with SIGTERM, so its shutdown hooks stop the server
     * cleanly and the data stays consistent; only after {@code timeout} is it killed outright.
     *
     * @return true if a process was running and has now exited
     */
    public static boolean stop(Path pidFile, Duration timeout) throws InterruptedException {
        Optional<ProcessHandle> handle = running(pidFile);
        if (handle.isEmpty()) {
            return false;
        }
        ProcessHandle process = handle.get();
        process.destroy();
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException ignored) {
                // Nothing more can be done from here; the caller sees isAlive() if it checks.
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return !process.isAlive();
    }

    /** Writes a small file atomically, so a reader never sees half of it. */
    static void writeAtomically(Path file, String content) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, content + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<String> readFile(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A stale file is detected by running(), so failing to delete it is harmless.
        }
    }

    /**
     * Kafka logs some 1,500 lines at INFO while starting; a detached server's log should show
     * problems, not that. These only apply when slf4j-simple is the binding, and -D flags on the
     * command line still win.
     */
    private static void logDefaults() {
        Map<String, String> defaults = Map.of(
                "org.slf4j.simpleLogger.defaultLogLevel", "info",
                "org.slf4j.simpleLogger.log.kafka", "warn",
                "org.slf4j.simpleLogger.log.org.apache.kafka", "warn",
                "org.slf4j.simpleLogger.showDateTime", "true",
                "org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        defaults.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** What a {@code main} starts: the server, and the address it publishes once ready. */
    interface Starter<S extends AutoCloseable> {
        S start() throws Exception;
    }

    /**
     * Shared {@code main} plumbing: claim the pid file, start the server, publish its address, then
     * block until SIGTERM. The server is closed by a shutdown hook, which is what SIGTERM (and
     * {@link #stop}) trigger.
     */
    static <S extends AutoCloseable> void serveUntilTerminated(
            Path pidFile, Path addressFile, Starter<S> starter,
            Function<S, String> address) throws IOException, InterruptedException {
        logDefaults();
        Optional<ProcessHandle> other = running(pidFile)
                .filter(p -> p.pid() != ProcessHandle.current().pid());
        if (other.isPresent()) {
            throw new IllegalStateException("already running as pid " + other.get().pid()
                    + " (" + pidFile + ")");
        }
        Files.createDirectories(pidFile.toAbsolutePath().getParent());
        deleteQuietly(addressFile);
        ProcessHandle me = ProcessHandle.current();
        writeAtomically(pidFile, me.pid() + startedAt(me).map(t -> "\n" + t).orElse(""));
        S server;
        try {
            server = starter.start();
        } catch (Exception | Error e) {
            deleteQuietly(pidFile);
            e.printStackTrace();
            System.err.println(START_FAILED + e.getMessage());
            // Threads left behind by a half-started server must not keep this JVM alive.
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            deleteQuietly(addressFile);
            try {
                server.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            deleteQuietly(pidFile);
        }, "r1-embedded-shutdown"));
        String published = address.apply(server);
        writeAtomically(addressFile, published);
        System.out.println("ready " + published);
        System.out.flush();
        // The main thread has nothing left to do; the JVM stays up until a signal runs the hook.
        new CountDownLatch(1).await();
    }
}
