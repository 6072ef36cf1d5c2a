package dev.r1.cli.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The baseline: produce, then consume, the same records on the same broker, with the producer
 * settings the services use (acks=all, idempotence), through a scratch topic that is deleted
 * afterwards.
 */
final class RawKafka {
    private RawKafka() {}

    record Result(int records, int partitions, long bytes, long produceNanos, long consumeNanos) {
        double produceRate() {
            return records / (produceNanos / 1e9);
        }

        double consumeRate() {
            return records / (consumeNanos / 1e9);
        }

        double produceMBps() {
            return bytes / 1e6 / (produceNanos / 1e9);
        }

        double consumeMBps() {
            return bytes / 1e6 / (consumeNanos / 1e9);
        }
    }

    /** Produces, then consumes, {@code values} (as they are) through a scratch topic of {@code partitions} partitions. */
    static Result measure(String bootstrap, String run, List<byte[]> values, int partitions) throws Exception {
        if (values.isEmpty()) throw new IllegalStateException("no records were seen, so there is nothing to compare with");
        String topic = "r1.bench.raw." + run;
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(topic, Math.max(1, partitions), (short) 1)
                    .configs(Map.of("max.message.bytes", Integer.toString(1024 * 1024))))).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, topic);
            try {
                long bytes = values.stream().mapToLong(v -> v.length).sum();
                long produce = produce(bootstrap, topic, values);
                long consume = consume(bootstrap, topic, values.size());
                return new Result(values.size(), Math.max(1, partitions), bytes, produce, consume);
            } finally {
                admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A new topic's partitions take a moment to get leaders; producing before then only measures retries. */
    private static void awaitLeaders(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) return;
            if (System.nanoTime() > deadline) throw new IllegalStateException("topic " + topic + " has partitions without a leader");
            Thread.sleep(50);
        }
    }

    /** The producer settings the services use: every record acknowledged by all replicas, idempotent. */
    static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(1024 * 1024));
        return p;
    }

    private static long produce(String bootstrap, String topic, List<byte[]> values) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            // Warm the connection and metadata, as the services' producers are warm.
            producer.partitionsFor(topic);
            long start = System.nanoTime();
            List<Future<RecordMetadata>> sent = new ArrayList<>(values.size());
            for (int i = 0; i < values.size(); i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, "bench-" + (i % 997) + "/" + i, values.get(i))));
            }
            producer.flush();
            long elapsed = System.nanoTime() - start;
            // A record the broker never took would make the baseline look faster than it is.
            for (Future<RecordMetadata> f : sent) f.get();
            return elapsed;
        }
    }

    private static long consume(String bootstrap, String topic, int count) {
        Properties p = PipelineProbe.consumerProps(bootstrap);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            tps.forEach(consumer::position);
            long start = System.nanoTime();
            int seen = 0;
            long deadline = start + Duration.ofMinutes(5).toNanos();
            while (seen < count && System.nanoTime() < deadline) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                seen += records.count();
            }
            if (seen < count) throw new IllegalStateException("consumed only " + seen + " of " + count + " records");
            return System.nanoTime() - start;
        }
    }
}
