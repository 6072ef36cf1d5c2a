package dev.r1.cli.stack;

import dev.r1.cli.UsageException;
import dev.r1.embedded.KafkaBroker;
import dev.r1.embedded.PostgresDatabase;
import dev.r1.embedded.PostgresServer;
import dev.r1.embedded.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * The embedded stack of one data directory: a Kafka broker, a PostgreSQL and the standalone
 * app, each a detached OS process with its pid file in the data directory, so any later
 * command can find, use or stop them with nothing but the directory in hand.
 */
public final class Stack {
    public static final int DEFAULT_PORT = 8480;
    public static final String DATABASE = "r1";
    static final Duration SERVER_START = Duration.ofSeconds(120);
    static final Duration APP_START = Duration.ofSeconds(240);
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /**
     * The app's JVM on a developer machine: a small heap and the serial collector, which on two
     * cores pauses young collections for a few milliseconds without taking a core of its own. The
     * full tiered compiler: its compilations take CPU for the first minute or two, and then the
     * ledger stores 30-45% more events per second than on C1 alone (docs/benchmarks.md).
     * {@code R1_APP_JAVA_OPTS} replaces these.
     */
    static final String APP_JAVA_OPTS = "-Xmx1g -XX:+UseSerialGC";

    private final DataDir dir;

    public Stack(DataDir dir) {
        this.dir = dir;
    }

    public DataDir dir() {
        return dir;
    }

    /** What is running now. */
    public record Status(Optional<String> kafka, Optional<Integer> postgres, Optional<ProcessHandle> app, int port) {
        public boolean allRunning() {
            return kafka.isPresent() && postgres.isPresent() && app.isPresent();
        }

        public boolean noneRunning() {
            return kafka.isEmpty() && postgres.isEmpty() && app.isEmpty();
        }
    }

    public Status status() {
        return new Status(KafkaBroker.runningBootstrapServers(dir.kafka()), PostgresServer.runningPort(dir.postgres()),
                ServerProcess.running(dir.appPid()), port());
    }

    /** The HTTP port the app runs (or last ran) on. */
    public int port() {
        try {
            return Files.exists(dir.appPort())
                    ? Integer.parseInt(Files.readString(dir.appPort(), StandardCharsets.UTF_8).trim())
                    : DEFAULT_PORT;
        } catch (IOException | NumberFormatException e) {
            return DEFAULT_PORT;
        }
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public ApiClient api() {
        return new ApiClient(baseUri());
    }

    /** True when the app answers its readiness check. */
    public boolean ready() {
        return status().allRunning() && api().ready();
    }

    /** Starts whatever is not running yet; returns false when everything already was. */
    public boolean up(Integer requestedPort, PrintWriter out) throws IOException, InterruptedException {
        Files.createDirectories(dir.root());
        Status before = status();
        if (before.allRunning() && (requestedPort == null || requestedPort == before.port())) {
            if (api().ready()) return false;
            awaitReady(before.app().get());
            return false;
        }
        if (before.app().isPresent() && (before.kafka().isEmpty() || before.postgres().isEmpty())) {
            // The broker or the database is gone (killed, machine restarted): they come back on
            // new ports, so the app, configured with the old ones, starts again with them.
            out.println("r1: the app runs without its " + (before.kafka().isEmpty() ? "broker" : "database") + "; restarting it");
            out.flush();
            ServerProcess.stop(dir.appPid(), STOP_GRACE);
            before = status();
        }
        if (before.app().isPresent() && requestedPort != null && requestedPort != before.port()) {
            throw new UsageException("r1 already runs on port " + before.port() + " for " + dir.root()
                    + "; run r1 down first to move it to " + requestedPort);
        }
        // Fail before starting anything.
        Path jar = before.app().isEmpty() ? StackHome.appJar() : null;
        int appPort = requestedPort != null ? requestedPort : port();
        if (before.app().isEmpty() && !portFree(appPort)) {
            throw new UsageException("port " + appPort + " on 127.0.0.1 is taken by another program; pick another with --port");
        }
        String bootstrap;
        int pgPort;
        CompletableFuture<Integer> pg = CompletableFuture.supplyAsync(() -> postgres(out));
        try {
            bootstrap = kafka(out);
            pgPort = pg.join();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
        createDatabase(pgPort);
        if (before.app().isEmpty()) startApp(jar, bootstrap, pgPort, appPort, out);
        awaitReady(status().app().orElseThrow(() -> new IOException("the app exited; see " + dir.appLog())));
        return true;
    }

    /** Starts the stack unless it is up, saying so only when it has to start something. */
    public ApiClient ensureUp(PrintWriter out) throws IOException, InterruptedException {
        if (!ready()) {
            out.println("r1: starting the stack in " + DataDir.show(dir.root()) + " ...");
            out.flush();
            up(null, out);
        }
        return api();
    }

    /** Stops the app first (so it leaves the broker and database cleanly), then the servers. */
    public List<String> down() throws InterruptedException {
        List<String> stopped = new ArrayList<>();
        if (ServerProcess.stop(dir.appPid(), STOP_GRACE)) stopped.add("app");
        try {
            Files.deleteIfExists(dir.appPid());
        } catch (IOException ignored) {
            // A stale pid file is recognised as stale by its start time.
        }
        if (KafkaBroker.stopProcess(dir.kafka(), STOP_GRACE)) stopped.add("kafka");
        if (PostgresServer.stopProcess(dir.postgres(), STOP_GRACE)) stopped.add("postgres");
        return stopped;
    }

    private String kafka(PrintWriter out) {
        Optional<String> running = KafkaBroker.runningBootstrapServers(dir.kafka());
        if (running.isPresent()) return running.get();
        try {
            return KafkaBroker.launchProcess(dir.kafka(), 0, SERVER_START).address();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new IOException(e.getMessage(), e));
        }
    }

    private Integer postgres(PrintWriter out) {
        Optional<Integer> running = PostgresServer.runningPort(dir.postgres());
        if (running.isPresent()) return running.get();
        try {
            return Integer.valueOf(PostgresServer.launchProcess(dir.postgres(), 0, SERVER_START).address());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new IOException(e.getMessage(), e));
        }
    }

    private static void createDatabase(int port) throws IOException {
        PostgresDatabase admin = new PostgresDatabase("127.0.0.1", port, "postgres", PostgresServer.USER);
        try (Connection c = admin.connect()) {
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, DATABASE);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            if (!exists) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new IOException("could not create database " + DATABASE + " on port " + port + ": " + e.getMessage(), e);
        }
    }

    /** The environment the standalone app is configured through. */
    static Map<String, String> appEnvironment(DataDir dir, String bootstrap, int pgPort, int port) {
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "QUARKUS_DATASOURCE_REACTIVE_URL", "vertx-reactive:postgresql://127.0.0.1:" + pgPort + "/" + DATABASE,
                "QUARKUS_DATASOURCE_USERNAME", PostgresServer.USER,
                "R1_DATA", dir.root().toString(),
                "R1_HTTP_PORT", Integer.toString(port),
                "QUARKUS_HTTP_PORT", Integer.toString(port));
    }

    private void startApp(Path jar, String bootstrap, int pgPort, int port, PrintWriter out) throws IOException {
        if (!portFree(port)) {
            throw new UsageException("port " + port + " on 127.0.0.1 is taken by another program; pick another with --port");
        }
        Files.createDirectories(dir.app());
        Path run = installApp(jar);
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // Its own session: closing the terminal that ran `r1 up` leaves the app running.
            command.add("/usr/bin/setsid");
        }
        command.add(javaBinary());
        String opts = System.getenv().getOrDefault("R1_APP_JAVA_OPTS", APP_JAVA_OPTS);
        for (String o : opts.trim().split("\\s+")) if (!o.isEmpty()) command.add(o);
        command.add("-jar");
        command.add(run.toString());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.app().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.appLog().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(appEnvironment(dir, bootstrap, pgPort, port));
        Process process = pb.start();
        writeAtomically(dir.appPort(), Integer.toString(port));
        String started = process.info().startInstant().map(i -> "\n" + i.toEpochMilli()).orElse("");
        writeAtomically(dir.appPid(), process.pid() + started);
    }

    /**
     * Copies the built app (its whole quarkus-app directory) into DATA/app/dist and returns the
     * copy's jar: a rebuild of the checkout while the stack runs then cannot pull jars out from
     * under the running app.
     */
    private Path installApp(Path jar) throws IOException {
        Path source = jar.getParent();
        Path dist = dir.app().resolve("dist");
        try {
            GitRepos.deleteTree(dist);
            if (Files.isDirectory(source.resolve("lib")) && Files.isDirectory(source.resolve("quarkus"))) {
                GitRepos.copyTree(source, dist); // a Quarkus fast-jar: the jar needs its directory
            } else {
                Files.createDirectories(dist);
                Files.copy(jar, dist.resolve(jar.getFileName()));
            }
        } catch (IOException e) {
            throw new IOException("could not copy the app from " + source + " to " + dist + ": " + e.getMessage(), e);
        }
        return dist.resolve(jar.getFileName());
    }

    private void awaitReady(ProcessHandle app) throws IOException, InterruptedException {
        ApiClient api = api();
        long deadline = System.nanoTime() + APP_START.toNanos();
        while (System.nanoTime() < deadline) {
            if (api.ready()) return;
            if (!app.isAlive()) {
                throw new IOException("the app exited before it was ready; the end of " + dir.appLog() + ":\n" + tail(dir.appLog(), 25));
            }
            Thread.sleep(250);
        }
        throw new IOException("the app was not ready after " + APP_START.toSeconds() + " s; see " + dir.appLog());
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static IOException unwrap(CompletionException e) {
        Throwable c = e.getCause();
        if (c instanceof UncheckedIOException u) return u.getCause();
        if (c instanceof IOException io) return io;
        if (c instanceof RuntimeException r) throw r;
        return new IOException(c);
    }
}
