package dev.r1.cli.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The baseline: produce, then consume, the same number of records of the same sizes on the
 * same broker, with the producer settings the services use (acks=all, idempotence), into a
 * scratch topic that is deleted afterwards.
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

    static Result measure(String bootstrap, String run, List<Integer> sizes, int partitions) throws Exception {
        if (sizes.isEmpty()) throw new IllegalStateException("no events were seen, so there is nothing to compare with");
        String topic = "r1.bench.raw." + run;
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(topic, Math.max(1, partitions), (short) 1)
                    .configs(Map.of("max.message.bytes", Integer.toString(1024 * 1024))))).all().get(30, TimeUnit.SECONDS);
            try {
                Random random = new Random(42);
                List<byte[]> values = new ArrayList<>(sizes.size());
                long bytes = 0;
                for (int s : sizes) {
                    byte[] v = new byte[s];
                    random.nextBytes(v);
                    values.add(v);
                    bytes += s;
                }
                long produce = produce(bootstrap, topic, values);
                long consume = consume(bootstrap, topic, values.size());
                return new Result(values.size(), Math.max(1, partitions), bytes, produce, consume);
            } finally {
                admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static long produce(String bootstrap, String topic, List<byte[]> values) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(1024 * 1024));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            // Warm the connection and metadata, as the services' producers are warm.
            producer.partitionsFor(topic);
            long start = System.nanoTime();
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, "bench-" + (i % 997) + "/" + i, values.get(i)));
            }
            producer.flush();
            return System.nanoTime() - start;
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
