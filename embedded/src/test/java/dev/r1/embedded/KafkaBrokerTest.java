package dev.r1.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaBrokerTest {

    private static final String TOPIC = "events";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dataDir;

    @Test
    void transactionsWorkOnOneNodeAndRecordsSurviveARestart() throws Exception {
        String clusterId;
        try (KafkaBroker broker = KafkaBroker.start(dataDir, 0)) {
            clusterId = broker.clusterId();
            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(TOPIC);
            }

            try (KafkaProducer<String, String> plain = producer(broker, null)) {
                plain.send(new ProducerRecord<>(TOPIC, "k", "plain-1")).get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> tx = producer(broker, "r1-test-tx")) {
                tx.initTransactions();
                tx.beginTransaction();
                tx.send(new ProducerRecord<>(TOPIC, "k", "tx-1"));
                tx.send(new ProducerRecord<>(TOPIC, "k", "tx-2"));
                tx.commitTransaction();
                // An aborted transaction proves read_committed really filters, not just reads.
                tx.beginTransaction();
                tx.send(new ProducerRecord<>(TOPIC, "k", "aborted"));
                tx.flush();
                tx.abortTransaction();
                tx.beginTransaction();
                tx.send(new ProducerRecord<>(TOPIC, "k", "tx-3"));
                tx.commitTransaction();
            }

            List<String> committed = List.of("plain-1", "tx-1", "tx-2", "tx-3");
            assertThat(readAll(broker, "read_committed", committed.size())).containsExactlyElementsOf(committed);
            // read_uncommitted does see the aborted record: the filter above is the broker's doing.
            assertThat(readAll(broker, "read_uncommitted", committed.size() + 1)).contains("aborted");

            // A consumer group commits its position, which lives in __consumer_offsets.
            try (KafkaConsumer<String, String> group = groupConsumer(broker)) {
                assertThat(pollUntil(group, committed.size())).containsExactlyElementsOf(committed);
                group.commitSync();
            }
        }
        assertThat(dataDir.resolve(KafkaBroker.LOG_DIR).resolve("meta.properties")).exists();

        try (KafkaBroker broker = KafkaBroker.start(dataDir, 0)) {
            assertThat(broker.clusterId()).isEqualTo(clusterId);
            assertThat(readAll(broker, "read_committed", 4)).containsExactly("plain-1", "tx-1", "tx-2", "tx-3");
            try (KafkaProducer<String, String> plain = producer(broker, null)) {
                plain.send(new ProducerRecord<>(TOPIC, "k", "after-restart")).get(30, TimeUnit.SECONDS);
            }
            // The group resumes from the offset it committed before the restart.
            try (KafkaConsumer<String, String> group = groupConsumer(broker)) {
                assertThat(pollUntil(group, 1)).containsExactly("after-restart");
            }
        }
    }

    @Test
    void runsAsItsOwnProcessAndStopsOnSigterm() throws Exception {
        Path pidFile = dataDir.resolve(KafkaBroker.PID_FILE);
        ServerProcess.Started started = KafkaBroker.launchProcess(dataDir, 0, Duration.ofSeconds(120));
        try {
            assertThat(KafkaBroker.runningBootstrapServers(dataDir)).contains(started.address());
            assertThat(Files.readAllLines(pidFile).get(0)).isEqualTo(Long.toString(started.pid()));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, started.address()))) {
                admin.createTopics(List.of(new NewTopic("made-by-process", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        } finally {
            assertThat(KafkaBroker.stopProcess(dataDir, Duration.ofSeconds(60))).isTrue();
        }
        assertThat(ProcessHandle.of(started.pid()).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
        assertThat(pidFile).doesNotExist();
        assertThat(dataDir.resolve(KafkaBroker.ADDRESS_FILE)).doesNotExist();
        assertThat(KafkaBroker.stopProcess(dataDir, Duration.ofSeconds(1))).isFalse();

        // The same directory, now in-process: the topic made by the other process is still there.
        try (KafkaBroker broker = KafkaBroker.start(dataDir, 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(topics).contains("made-by-process");
        }
    }

    @Test
    void aPickedPortTakenBeforeTheBrokerBindsItIsReplacedByAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(KafkaBroker.HOST))) {
            // The first port handed out is already held, as when another server takes it between
            // our check and the broker's bind.
            AtomicInteger handedOut = new AtomicInteger();
            IntSupplier ports = () -> handedOut.getAndIncrement() == 0 ? taken.getLocalPort() : Ports.free();
            try (KafkaBroker broker = KafkaBroker.start(dataDir, 0, Map.of(), ports)) {
                assertThat(broker.port()).isNotEqualTo(taken.getLocalPort());
                assertThat(handedOut.get()).isGreaterThan(2);
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                    assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
                }
            }
        }
    }

    @Test
    void aNamedPortThatIsTakenFailsWithoutTryingOthers() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(KafkaBroker.HOST))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> KafkaBroker.start(dataDir, port))
                    .isInstanceOf(EmbeddedServerException.class)
                    .hasMessageContaining("port " + port + " on 127.0.0.1 is taken");
            // Started detached, the reason reaches whoever launched it, not only the log file.
            assertThatThrownBy(() -> KafkaBroker.launchProcess(dataDir, port, Duration.ofSeconds(120)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("exited with 1 before it was ready")
                    .hasMessageContaining("port " + port + " on 127.0.0.1 is taken");
        }
    }

    private static KafkaProducer<String, String> producer(KafkaBroker broker, String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll(KafkaBroker broker, String isolation, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(PARTITION));
            c.seekToBeginning(List.of(PARTITION));
            return pollUntil(c, expected);
        }
    }

    private static KafkaConsumer<String, String> groupConsumer(KafkaBroker broker) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "r1-test-group");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of(TOPIC));
        return c;
    }

    /** Polls until {@code expected} values arrived, then briefly more to catch any extra. */
    private static List<String> pollUntil(KafkaConsumer<String, String> c, int expected) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (values.size() < expected && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                values.add(r.value());
            }
        }
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(300))) {
            values.add(r.value());
        }
        return values;
    }
}
