package dev.r1.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PostgresServerTest {

    @TempDir
    Path dataDir;

    /** A failed assertion must not leave a server behind: stop the JVM, then any postmaster. */
    @AfterEach
    void stopLeftovers() throws Exception {
        PostgresServer.stopProcess(dataDir, Duration.ofSeconds(30));
        Path pid = dataDir.resolve(PostgresServer.PGDATA).resolve("postmaster.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).trim())).ifPresent(p -> {
                p.destroy();
                p.onExit().join();
            });
        }
    }

    @Test
    void rowsSurviveARestartOnTheSameDataDirectory() throws Exception {
        try (PostgresServer server = PostgresServer.start(dataDir, 0)) {
            assertThat(server.host()).isEqualTo("127.0.0.1");
            PostgresDatabase db = server.database("r1");
            assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + server.port() + "/r1");
            assertThat(db.user()).isEqualTo("postgres");
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE receipts (id int PRIMARY KEY, body text NOT NULL)");
                s.execute("INSERT INTO receipts VALUES (1, 'signed')");
            }
            // Asking again for an existing database is not an error and names the same one.
            assertThat(server.database("r1")).isEqualTo(db);
        }
        assertThat(dataDir.resolve(PostgresServer.PGDATA).resolve("PG_VERSION")).exists();
        assertThat(dataDir.resolve(PostgresServer.PGDATA).resolve("postmaster.pid")).doesNotExist();

        try (PostgresServer server = PostgresServer.start(dataDir, 0)) {
            assertThat(rows(server.database("r1"))).containsExactly("1:signed");
        }
    }

    @Test
    void listensOnTheLoopbackOnlyAndOnTheRequestedPort() throws Exception {
        int port = Ports.free();
        try (PostgresServer server = PostgresServer.start(dataDir, port)) {
            assertThat(server.port()).isEqualTo(port);
            try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
                assertThat(s.isConnected()).isTrue();
            }
            try (Connection c = server.database("postgres").connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW listen_addresses")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
            }
            assertThatThrownBy(() -> server.database("Robert'); DROP"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void autovacuumVisitsEveryFewSecondsSoABurstGetsStatisticsSoon() throws Exception {
        try (PostgresServer server = PostgresServer.start(dataDir, 0);
                Connection c = server.database("postgres").connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT setting FROM pg_settings WHERE name = 'autovacuum_naptime'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(5);
        }
    }

    @Test
    void runsAsItsOwnProcessAndSurvivesBeingKilled() throws Exception {
        Path pidFile = dataDir.resolve(PostgresServer.PID_FILE);
        ServerProcess.Started first = launch();
        int port = Integer.parseInt(first.address());
        assertThat(PostgresServer.runningPort(dataDir)).contains(port);
        assertThat(Files.readAllLines(pidFile).get(0)).isEqualTo(Long.toString(first.pid()));
        PostgresDatabase db = new PostgresDatabase("127.0.0.1", port, "postgres", PostgresServer.USER);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)");
            s.execute("INSERT INTO notes VALUES (1, 'before stop')");
        }
        assertThat(PostgresServer.stopProcess(dataDir, Duration.ofSeconds(60))).isTrue();
        assertThat(pidFile).doesNotExist();
        assertThat(dataDir.resolve(PostgresServer.PGDATA).resolve("postmaster.pid")).doesNotExist();
        assertThatThrownBy(db::connect).isInstanceOf(SQLException.class);

        // SIGKILL leaves the postmaster running without its JVM; the next start must cope.
        ServerProcess.Started second = launch();
        PostgresDatabase again = new PostgresDatabase("127.0.0.1", Integer.parseInt(second.address()),
                "postgres", PostgresServer.USER);
        try (Connection c = again.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO notes VALUES (2, 'before kill')");
        }
        ProcessHandle jvm = ProcessHandle.of(second.pid()).orElseThrow();
        jvm.destroyForcibly();
        jvm.onExit().get(30, TimeUnit.SECONDS);
        assertThat(PostgresServer.runningPort(dataDir)).isEmpty();
        long orphan = Long.parseLong(Files.readAllLines(
                dataDir.resolve(PostgresServer.PGDATA).resolve("postmaster.pid")).get(0).trim());
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).contains(true);

        try (PostgresServer server = PostgresServer.start(dataDir, 0)) {
            assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
            assertThat(rows(server.database("postgres"), "notes")).containsExactly("1:before stop", "2:before kill");
        }
    }

    private ServerProcess.Started launch() throws Exception {
        return PostgresServer.launchProcess(dataDir, 0, Duration.ofSeconds(120));
    }

    private static List<String> rows(PostgresDatabase db) throws SQLException {
        return rows(db, "receipts");
    }

    private static List<String> rows(PostgresDatabase db, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, body FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + ":" + rs.getString(2));
            }
        }
        return rows;
    }
}
