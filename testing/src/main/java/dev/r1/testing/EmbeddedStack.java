package dev.r1.testing;

import dev.r1.embedded.KafkaBroker;
import dev.r1.embedded.PostgresDatabase;
import dev.r1.embedded.PostgresServer;
import dev.r1.pipeline.TopicAdmin;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.commons.io.FileUtils;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A Quarkus test resource running the real servers R1 runs on: a single-node KRaft Kafka and a
 * PostgreSQL, both in this JVM, under one temporary directory. Every topic of
 * {@link dev.r1.pipeline.Topics#ALL} is created (4 partitions unless the {@value #PARTITIONS} init
 * arg says otherwise) and so is the database {@value #DATABASE}.
 *
 * <p>Use it as {@code @QuarkusTestResource(EmbeddedStack.class)} or
 * {@code @WithTestResource(EmbeddedStack.class)}. The application then gets
 * {@code kafka.bootstrap.servers}, {@code quarkus.datasource.reactive.url},
 * {@code quarkus.datasource.username}, {@code quarkus.datasource.password} (empty) and
 * {@code r1.data} (the temporary directory, for keys and worktrees). Tests that need raw Kafka clients read
 * {@link #bootstrapServers()} and {@link #dataDir()}.
 */
public class EmbeddedStack implements QuarkusTestResourceLifecycleManager {
    /** Init arg: partitions per topic. */
    public static final String PARTITIONS = "partitions";
    public static final String DATABASE = "r1";
    /** Config keys this resource returns, besides the standard Quarkus ones. */
    public static final String DATA_DIR_KEY = "r1.data";

    private static volatile String bootstrap;
    private static volatile Path data;
    private static volatile PostgresDatabase database;

    private int partitions = TopicAdmin.DEFAULT_PARTITIONS;
    private Path dir;
    private KafkaBroker kafka;
    private PostgresServer postgres;

    @Override
    public void init(Map<String, String> initArgs) {
        String p = initArgs.get(PARTITIONS);
        if (p != null) partitions = Integer.parseInt(p);
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("r1-stack-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Both take a few seconds; the machine has two cores, so start them side by side.
        CompletableFuture<PostgresServer> pg = CompletableFuture.supplyAsync(() -> PostgresServer.start(dir.resolve("postgres"), 0));
        try {
            kafka = KafkaBroker.start(dir.resolve("kafka"), 0);
            postgres = pg.join();
        } catch (RuntimeException e) {
            pg.thenAccept(PostgresServer::close);
            stop();
            throw e instanceof CompletionException ce && ce.getCause() instanceof RuntimeException re ? re : e;
        }
        TopicAdmin.ensure(kafka.bootstrapServers(), partitions);
        PostgresDatabase db = postgres.database(DATABASE);

        bootstrap = kafka.bootstrapServers();
        data = dir;
        database = db;

        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("quarkus.datasource.reactive.url", reactiveUrl(db));
        config.put("quarkus.datasource.username", db.user());
        config.put("quarkus.datasource.password", "");
        config.put(DATA_DIR_KEY, dir.toString());
        return config;
    }

    @Override
    public void stop() {
        RuntimeException failure = null;
        if (kafka != null) {
            try {
                kafka.close();
            } catch (RuntimeException e) {
                failure = e;
            }
            kafka = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
            }
            postgres = null;
        }
        if (dir != null) {
            FileUtils.deleteQuietly(dir.toFile());
            dir = null;
        }
        bootstrap = null;
        data = null;
        database = null;
        if (failure != null) throw failure;
    }

    /** {@code vertx-reactive:postgresql://127.0.0.1:PORT/r1}. */
    public static String reactiveUrl(PostgresDatabase db) {
        return "vertx-reactive:postgresql://" + db.host() + ":" + db.port() + "/" + db.name();
    }

    /**
     * The running broker's {@code host:port}. Falls back to the application's config, so it also
     * works when the test class and this resource were loaded by different class loaders.
     */
    public static String bootstrapServers() {
        String b = bootstrap;
        return b != null ? b : config("kafka.bootstrap.servers")
                .orElseThrow(() -> new IllegalStateException("no EmbeddedStack is running"));
    }

    /** The temporary directory everything lives under (also the app's {@code r1.data}). */
    public static Path dataDir() {
        Path d = data;
        return d != null ? d : config(DATA_DIR_KEY).map(Path::of)
                .orElseThrow(() -> new IllegalStateException("no EmbeddedStack is running"));
    }

    /** The database, for tests that look at it with JDBC; empty when read from another class loader. */
    public static Optional<PostgresDatabase> database() {
        return Optional.ofNullable(database);
    }

    private static Optional<String> config(String key) {
        try {
            return ConfigProvider.getConfig().getOptionalValue(key, String.class);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
