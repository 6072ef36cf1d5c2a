package dev.r1.cli.stack;

import dev.r1.cli.UsageException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the R1 checkout the CLI runs from: the standalone app's jar and the bundled examples.
 * {@code R1_HOME} (set by the {@code r1} launcher) wins; otherwise the CLI jar's own location
 * ({@code HOME/cli/target/r1-cli.jar}) or the working directory tells.
 */
public final class StackHome {
    static final String APP_JAR = "standalone/target/quarkus-app/quarkus-run.jar";

    private StackHome() {}

    public static Path home() {
        String env = System.getenv("R1_HOME");
        if (env != null && !env.isBlank()) return Path.of(env).toAbsolutePath().normalize();
        String prop = System.getProperty("r1.home");
        if (prop != null && !prop.isBlank()) return Path.of(prop).toAbsolutePath().normalize();
        Optional<Path> fromJar = jarLocation().map(p -> p.getParent()).map(p -> p.getParent()).map(p -> p.getParent());
        if (fromJar.isPresent() && Files.isDirectory(fromJar.get().resolve("standalone"))) return fromJar.get();
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("standalone")) && Files.isDirectory(p.resolve("cli"))) return p;
        }
        return cwd;
    }

    /** The standalone app: {@code R1_APP_JAR} (or the system property {@code r1.app.jar}), else {@code HOME/standalone/target/quarkus-app/quarkus-run.jar}. */
    public static Path appJar() {
        String env = System.getenv("R1_APP_JAR");
        if (env == null || env.isBlank()) env = System.getProperty("r1.app.jar");
        Path jar = env != null && !env.isBlank() ? Path.of(env) : home().resolve(APP_JAR);
        if (!Files.isRegularFile(jar)) {
            throw new UsageException("the standalone app is not built: " + jar
                    + " is missing; run ./r1 (it builds it) or ./mvnw -pl standalone -am package -DskipTests");
        }
        return jar.toAbsolutePath();
    }

    /** The bundled examples: {@code HOME/examples}. */
    public static Path examples() {
        Path dir = home().resolve("examples");
        if (!Files.isDirectory(dir.resolve("repos")) || !Files.isDirectory(dir.resolve("tasks"))) {
            throw new UsageException("no bundled examples at " + dir + " (set R1_HOME to the R1 checkout)");
        }
        return dir;
    }

    private static Optional<Path> jarLocation() {
        try {
            var source = StackHome.class.getProtectionDomain().getCodeSource();
            if (source == null) return Optional.empty();
            Path p = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
