package dev.r1.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node KRaft Kafka (one JVM object acting as both broker and controller) bound to
 * 127.0.0.1, keeping everything under one data directory so that stopping and starting again on
 * the same directory keeps the topics and their records.
 *
 * <p>Layout of the data directory: {@code logs/} (Kafka's log and metadata directory),
 * {@value #CLUSTER_ID_FILE}, and, when run through {@link #main}, {@value #PID_FILE} and
 * {@value #ADDRESS_FILE}.
 */
public final class KafkaBroker implements AutoCloseable {

    public static final String PID_FILE = "kafka.pid";
    /** Holds {@code host:port} once the broker accepts clients; absent while starting or stopped. */
    public static final String ADDRESS_FILE = "kafka.bootstrap";
    static final String CLUSTER_ID_FILE = "kafka.cluster-id";
    static final String LOG_DIR = "logs";
    static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int BIND_ATTEMPTS = 3;

    /** Kafka's own start script gives the broker 1 GiB; a single developer node needs no more. */
    public static final List<String> PROCESS_JVM_OPTIONS = List.of("-Xmx1g");

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final int port;
    private final String clusterId;
    private boolean closed;

    private KafkaBroker(KafkaRaftServer server, Path dataDir, int port, String clusterId) {
        this.server = server;
        this.dataDir = dataDir;
        this.port = port;
        this.clusterId = clusterId;
    }

    /** Starts a broker in this JVM; {@code port} 0 picks a free one. Returns once clients can connect. */
    public static KafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, Map.of());
    }

    /**
     * As {@link #start(Path, int)}, with broker properties that replace the defaults (for example
     * {@code auto.create.topics.enable=true} or retention settings).
     */
    public static KafkaBroker start(Path dataDir, int port, Map<String, String> overrides) {
        return start(dataDir, port, overrides, Ports::free);
    }

    /**
     * A port picked as free can be taken by another process (a database starting beside us, say)
     * before the broker binds it, so a failed bind is retried on fresh ports; a port the caller
     * named is never swapped for another.
     */
    static KafkaBroker start(Path dataDir, int port, Map<String, String> overrides, IntSupplier freePorts) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(dataDir, port, overrides, freePorts);
            } catch (RuntimeException e) {
                Optional<String> bind = bindFailure(e);
                if (bind.isEmpty()) {
                    throw e;
                }
                if (port != 0 && bind.get().contains(HOST + ":" + port + ":")) {
                    throw new EmbeddedServerException("port " + port + " on " + HOST + " is taken: " + bind.get(), e);
                }
                if (attempt == BIND_ATTEMPTS) {
                    throw new EmbeddedServerException("Kafka could not bind its ports after " + attempt
                            + " attempts: " + bind.get(), e);
                }
            }
        }
    }

    private static KafkaBroker startOnce(Path dataDir, int port, Map<String, String> overrides, IntSupplier freePorts) {
        try {
            Path dir = dataDir.toAbsolutePath();
            Files.createDirectories(dir.resolve(LOG_DIR));
            int brokerPort = port == 0 ? freePorts.getAsInt() : port;
            // The controller listener is internal: with a static voter set it is not recorded on
            // disk, so a fresh port on every start is safe.
            int controllerPort = freePorts.getAsInt();
            Map<String, String> props = config(dir, brokerPort, controllerPort);
            props.putAll(overrides);
            String clusterId = clusterId(dir);
            KafkaConfig config = new KafkaConfig(props, false);
            format(config, clusterId);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            KafkaBroker broker = new KafkaBroker(server, dir, brokerPort, clusterId);
            try {
                server.startup();
                broker.awaitReady();
            } catch (RuntimeException | InterruptedException e) {
                broker.close();
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new EmbeddedServerException("could not start Kafka in " + dataDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedServerException("interrupted while starting Kafka", e);
        }
    }

    /** What Kafka said about the failed bind (it names the address), or empty if it was no bind. */
    private static Optional<String> bindFailure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c.getCause() instanceof BindException) {
                return Optional.of(c.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The broker properties used for a single node; {@code start} lets callers override any. */
    static Map<String, String> config(Path dataDir, int brokerPort, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.resolve(LOG_DIR).toString());
        // One node can hold one replica: every internal topic must ask for exactly that, or
        // consumer groups and transactions wait forever for replicas that cannot exist.
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // The stock 50 partitions per internal topic are sized for clusters; on one node they only
        // slow the first group join and the first transaction.
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.num.partitions", "10");
        p.put("share.coordinator.state.topic.num.partitions", "10");
        // Waiting for more members to join only makes sense when several consumers start at once.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose (AdminClient), so a typo in a topic name fails loudly.
        p.put("auto.create.topics.enable", "false");
        // The cleaner allocates this buffer up front; the 128 MiB default is for big compacted topics.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        return p;
    }

    /** The cluster id is created once per data directory and kept, so a restart reuses the storage. */
    private static String clusterId(Path dataDir) throws IOException {
        Path file = dataDir.resolve(CLUSTER_ID_FILE);
        return ServerProcess.readFile(file).orElseGet(() -> {
            String id = Uuid.randomUuid().toString();
            ServerProcess.writeAtomically(file, id);
            return id;
        });
    }

    /**
     * Formats the storage the way {@code kafka-storage.sh format} does; directories that are
     * already formatted are left alone, which makes this a no-op on a restart.
     */
    private static void format(KafkaConfig config, String clusterId) {
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(config.nodeId())
                .setClusterId(clusterId)
                .setIgnoreFormatted(true)
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setMetadataLogDirectory(config.metadataLogDir());
        config.logDirs().forEach(formatter::addDirectory);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new EmbeddedServerException("could not format Kafka storage", e);
        }
    }

    private void awaitReady() throws InterruptedException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(props)) {
            // startup() returns before the broker is unfenced; a fenced broker is not in the
            // cluster metadata, so seeing our node there means produce and fetch will work.
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // Not up yet.
                }
                Thread.sleep(100);
            }
        }
        throw new EmbeddedServerException("Kafka was not ready after " + READY_TIMEOUT, null);
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public String clusterId() {
        return clusterId;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Shuts the broker down cleanly (flushing the logs), so the next start needs no recovery. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
    }

    /** Where a broker started by {@link #main} publishes its address; empty if none is running. */
    public static Optional<String> runningBootstrapServers(Path dataDir) {
        return ServerProcess.running(dataDir.resolve(PID_FILE))
                .flatMap(p -> ServerProcess.readFile(dataDir.resolve(ADDRESS_FILE)));
    }

    /** Stops a broker started by {@link #main} on this data directory; false if none was running. */
    public static boolean stopProcess(Path dataDir, Duration timeout) throws InterruptedException {
        return ServerProcess.stop(dataDir.resolve(PID_FILE), timeout);
    }

    /**
     * Starts {@link #main} as a detached JVM on this classpath and returns once it accepts
     * clients; {@link ServerProcess#launch} takes another classpath when this one will not do.
     * Output is appended to {@code kafka.log} in the data directory.
     */
    public static ServerProcess.Started launchProcess(Path dataDir, int port, Duration timeout)
            throws IOException, InterruptedException, java.util.concurrent.TimeoutException {
        Path dir = dataDir.toAbsolutePath();
        return ServerProcess.launch(ServerProcess.currentClasspath(), PROCESS_JVM_OPTIONS,
                KafkaBroker.class.getName(), List.of(dir.toString(), Integer.toString(port)),
                dir.resolve(ADDRESS_FILE), dir.resolve("kafka.log"), timeout);
    }


    /**
     * Runs the broker as its own process until SIGTERM. Arguments: {@code <dataDir> [port]}.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: " + KafkaBroker.class.getName() + " <dataDir> [port]");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        ServerProcess.serveUntilTerminated(dataDir.resolve(PID_FILE), dataDir.resolve(ADDRESS_FILE),
                () -> start(dataDir, port), KafkaBroker::bootstrapServers);
    }
}
