package dev.r1.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.cli.R1;
import dev.r1.embedded.KafkaBroker;
import dev.r1.embedded.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * r1 up / r1 down with a real broker and PostgreSQL as detached processes, and a stand-in for
 * the app (a tiny jar answering the readiness check), so the process handling is tested
 * without building the whole standalone app.
 */
class StackCommandsTest {
    @TempDir
    static Path tmp;
    static Path data;
    static int port;

    record Run(int exit, String out, String err) {}

    static Run r1(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = R1.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void fakeApp() throws IOException {
        Path jar = tmp.resolve("fake-app.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeApp.class.getName());
        String entry = FakeApp.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m);
                InputStream in = FakeApp.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        System.setProperty("r1.app.jar", jar.toString());
        data = tmp.resolve("data");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
    }

    @AfterAll
    static void down() {
        r1("down", "--data", data.toString());
        System.clearProperty("r1.app.jar");
    }

    @Test
    void upIsIdempotentDownStopsEverythingAndDataSurvives() throws Exception {
        Run up = r1("up", "--data", data.toString(), "--port", Integer.toString(port));
        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(up.out()).contains("r1 is up.", "http://127.0.0.1:" + port, "kafka", "postgres");

        DataDir dir = DataDir.of(data);
        String bootstrap = KafkaBroker.runningBootstrapServers(dir.kafka()).orElseThrow();
        int pg = PostgresServer.runningPort(dir.postgres()).orElseThrow();
        String env = Files.readString(data.resolve("app-env.txt"), StandardCharsets.UTF_8);
        assertThat(env).contains("KAFKA_BOOTSTRAP_SERVERS=" + bootstrap,
                "QUARKUS_DATASOURCE_REACTIVE_URL=vertx-reactive:postgresql://127.0.0.1:" + pg + "/r1",
                "R1_DATA=" + dir.root(), "R1_HTTP_PORT=" + port);
        assertThat(Files.readString(dir.appPid())).isNotBlank();

        Run again = r1("up", "--data", data.toString());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("r1 is already up.", "http://127.0.0.1:" + port);

        Run moved = r1("up", "--data", data.toString(), "--port", Integer.toString(port + 1));
        assertThat(moved.exit()).isEqualTo(2);
        assertThat(moved.err()).contains("run r1 down first");

        Run down = r1("down", "--data", data.toString());
        assertThat(down.exit()).as(down.err()).isZero();
        assertThat(down.out()).contains("stopped app, kafka, postgres");
        assertThat(new Stack(dir).status().noneRunning()).isTrue();
        assertThat(r1("down", "--data", data.toString()).out()).contains("was not running");

        // The broker's and the database's data stay; the next up reuses them and the port.
        assertThat(dir.kafka().resolve("logs")).isDirectory();
        assertThat(dir.postgres().resolve("pgdata")).isDirectory();
        Run up2 = r1("up", "--data", data.toString());
        assertThat(up2.exit()).as(up2.err()).isZero();
        assertThat(up2.out()).contains("r1 is up.", "http://127.0.0.1:" + port);
    }

    @Test
    void submitWithoutAStackSaysSo() {
        Run r = r1("submit", "--data", tmp.resolve("nothing-here").toString(), "x.yaml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("not up", "r1 up");
    }
}
