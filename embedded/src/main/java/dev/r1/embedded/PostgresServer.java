package dev.r1.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server from the binaries shipped in Maven Central jars (zonky), bound to 127.0.0.1
 * and keeping its cluster under one data directory so that it survives stop and start.
 *
 * <p>Layout of the data directory: {@code pgdata/} (the PostgreSQL cluster) and, when run through
 * {@link #main}, {@value #PID_FILE} and {@value #ADDRESS_FILE}. The cluster lives in a subdirectory
 * because initdb insists on an empty directory and our own files must sit somewhere.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String PID_FILE = "postgres.pid";
    /** Holds the port once the server accepts connections; absent while starting or stopped. */
    public static final String ADDRESS_FILE = "postgres.port";
    static final String PGDATA = "pgdata";
    /** initdb's superuser as zonky creates it; local connections are trusted. */
    public static final String USER = "postgres";
    private static final String HOST = KafkaBroker.HOST;
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** zonky's own lock file inside the cluster; held for as long as a JVM runs the server. */
    private static final String ZONKY_LOCK = "epg-lock";

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    /** The JVM only supervises the postgres processes, so it needs very little heap. */
    public static final List<String> PROCESS_JVM_OPTIONS = List.of("-Xmx64m", "-XX:+UseSerialGC");

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private PostgresServer(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    /**
     * Starts PostgreSQL (initdb on first use of the directory); {@code port} 0 picks a free one.
     * Returns once it accepts connections.
     */
    public static PostgresServer start(Path dataDir, int port) {
        Path dir = dataDir.toAbsolutePath();
        Path pgdata = dir.resolve(PGDATA);
        try {
            Files.createDirectories(dir);
            stopOrphanedPostmaster(pgdata);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(pgdata)
                    .setCleanDataDirectory(false)
                    // zonky's 10 s covers a warm laptop, not crash recovery on a busy CI machine.
                    .setPGStartupWait(STARTUP_WAIT)
                    .setPort(port)
                    .setServerConfig("listen_addresses", HOST)
                    // zonky turns this off for test speed; on, a commit survives the database
                    // process being killed. fsync stays off (zonky's -F): like the single broker,
                    // which does not fsync its log either, the embedded stack is not meant to
                    // survive the machine losing power, and fsync costs latency
                    // (docs/benchmarks.md, "Durability costs latency").
                    .setServerConfig("synchronous_commit", "on")
                    // TCP only: no socket files in /tmp shared with other servers on the machine.
                    .setServerConfig("unix_socket_directories", "")
                    // A burst into the ledger's empty tables leaves them without statistics until
                    // autovacuum's first ANALYZE; until then receipts took hundreds of milliseconds
                    // instead of 15-25 and PostgreSQL four times its CPU, for up to a minute at the
                    // default naptime (docs/benchmarks.md, "Statistics after the first burst").
                    .setServerConfig("autovacuum_naptime", "5s")
                    .start();
            return new PostgresServer(postgres, dir);
        } catch (IOException e) {
            throw new EmbeddedServerException("could not start PostgreSQL in " + pgdata, e);
        }
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return postgres.getPort();
    }

    public String user() {
        return USER;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Creates the database if it does not exist yet and says how to reach it. Names are limited
     * to lower-case identifiers so they need no quoting anywhere else either.
     */
    public PostgresDatabase database(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name must match " + DATABASE_NAME + ": " + name);
        }
        PostgresDatabase admin = new PostgresDatabase(HOST, port(), "postgres", USER);
        try (Connection c = admin.connect()) {
            if (!exists(c, name)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + name);
                } catch (SQLException e) {
                    // Another client created it between our check and our CREATE: that is fine.
                    if (!"42P04".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw new EmbeddedServerException("could not create database " + name, e);
        }
        return new PostgresDatabase(HOST, port(), name, USER);
    }

    private static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Stops PostgreSQL with a fast shutdown (a checkpoint, so the next start needs no recovery). */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new EmbeddedServerException("could not stop PostgreSQL in " + dataDir, e);
        }
    }

    /**
     * A postmaster can outlive the JVM that started it when that JVM is killed with SIGKILL; it
     * still holds the port and the cluster, so no later start could succeed. It is ours to stop
     * only if no JVM holds zonky's lock on the cluster (one that does is a live server).
     */
    private static void stopOrphanedPostmaster(Path pgdata) throws IOException {
        Optional<ProcessHandle> postmaster = ServerProcess.readFile(pgdata.resolve("postmaster.pid"))
                .map(text -> text.lines().findFirst().orElse("").trim())
                .flatMap(PostgresServer::process)
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
        if (postmaster.isEmpty() || lockedByLiveJvm(pgdata.resolve(ZONKY_LOCK))) {
            return;
        }
        // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM would wait for every client to leave.
        try {
            new ProcessBuilder(List.of("kill", "-INT", Long.toString(postmaster.get().pid())))
                    .inheritIO().start().waitFor();
            postmaster.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("could not stop the orphaned postmaster " + postmaster.get().pid(), e);
        }
    }

    private static Optional<ProcessHandle> process(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean lockedByLiveJvm(Path lockFile) throws IOException {
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this very JVM runs it
        }
    }

    /** The port of a server started by {@link #main} on this data directory; empty if none runs. */
    public static Optional<Integer> runningPort(Path dataDir) {
        return ServerProcess.running(dataDir.resolve(PID_FILE))
                .flatMap(p -> ServerProcess.readFile(dataDir.resolve(ADDRESS_FILE)))
                .map(Integer::valueOf);
    }

    /** Stops a server started by {@link #main} on this data directory; false if none was running. */
    public static boolean stopProcess(Path dataDir, Duration timeout) throws InterruptedException {
        return ServerProcess.stop(dataDir.resolve(PID_FILE), timeout);
    }

    /**
     * Starts {@link #main} as a detached JVM on this classpath and returns once PostgreSQL accepts
     * connections; {@link ServerProcess#launch} takes another classpath when this one will not do.
     * Output is appended to {@code postgres.log} in the data directory.
     */
    public static ServerProcess.Started launchProcess(Path dataDir, int port, Duration timeout)
            throws IOException, InterruptedException, java.util.concurrent.TimeoutException {
        Path dir = dataDir.toAbsolutePath();
        return ServerProcess.launch(ServerProcess.currentClasspath(), PROCESS_JVM_OPTIONS,
                PostgresServer.class.getName(), List.of(dir.toString(), Integer.toString(port)),
                dir.resolve(ADDRESS_FILE), dir.resolve("postgres.log"), timeout);
    }


    /** Runs PostgreSQL as its own process until SIGTERM. Arguments: {@code <dataDir> [port]}. */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: " + PostgresServer.class.getName() + " <dataDir> [port]");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        ServerProcess.serveUntilTerminated(dataDir.resolve(PID_FILE), dataDir.resolve(ADDRESS_FILE),
                () -> start(dataDir, port), server -> Integer.toString(server.port()));
    }
}
