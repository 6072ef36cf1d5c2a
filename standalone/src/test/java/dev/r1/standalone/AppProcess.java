package dev.r1.standalone;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged standalone app ({@code java -jar quarkus-run.jar}) as its own OS process,
 * configured only through environment variables, as `r1 up` runs it.
 */
final class AppProcess implements AutoCloseable {
    private final Process process;
    final int port;
    final Path log;

    private AppProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("r1.app.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) throw new IllegalStateException("no packaged app at " + jar + "; run mvn verify");
        return jar;
    }

    /** Starts the app on the stack described by {@code stack} (EmbeddedStack's config) and waits until it is ready. */
    static AppProcess start(Map<String, String> stack, int port, Path log, Map<String, String> extraEnv) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx768m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-jar");
        cmd.add(jar().toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.get("kafka.bootstrap.servers"));
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", stack.get("quarkus.datasource.reactive.url"));
        env.put("QUARKUS_DATASOURCE_USERNAME", stack.get("quarkus.datasource.username"));
        env.put("R1_DATA", stack.get("r1.data"));
        env.put("R1_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.putAll(extraEnv);
        try {
            Files.createDirectories(log.getParent());
            AppProcess app = new AppProcess(pb.start(), port, log);
            Http http = app.http();
            Wait.until("the app on port " + port + " to be ready (log " + log + ")", Duration.ofSeconds(150), () -> {
                if (!app.process.isAlive()) throw new AssertionError("the app exited with " + app.process.exitValue() + "; see " + log);
                return http.ready();
            });
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Http http() {
        return new Http("http://127.0.0.1:" + port + "/");
    }

    /** SIGKILL: no shutdown hook runs, no transaction is finished, no lease is released. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("the app did not die");
    }

    /** SIGTERM, as `r1 down` does; then a kill if it hangs. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) kill();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
