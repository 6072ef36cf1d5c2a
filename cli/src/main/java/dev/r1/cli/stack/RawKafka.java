package dev.r1.cli.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
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

    /** A phase's completion writes its transition, hand-off and lease: three records to three topics. */
    static final int COMPLETION_RECORDS = 3;

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
        int n = Math.max(1, partitions);
        return onScratchTopic(bootstrap, topic, n, () -> {
            long bytes = values.stream().mapToLong(v -> v.length).sum();
            long produce = produce(bootstrap, topic, values);
            long consume = consume(bootstrap, topic, values.size());
            return new Result(values.size(), n, bytes, produce, consume);
        });
    }

    /**
     * The floor under a hand-off: {@code count} transactions shaped like a phase's completion
     * (three of {@code values}, one to each of three partitions, as a completion writes its
     * transition, hand-off and lease to three topics; then commit), one after another, with the
     * services' producer settings; each timed from its begin to the moment a read_committed
     * consumer has its records.
     */
    static long[] transactions(String bootstrap, String run, List<byte[]> values, int count) throws Exception {
        if (values.size() < COMPLETION_RECORDS) throw new IllegalStateException("a transaction needs " + COMPLETION_RECORDS + " records");
        String topic = "r1.bench.tx." + run;
        return onScratchTopic(bootstrap, topic, COMPLETION_RECORDS, () -> {
            Properties pp = producerProps(bootstrap);
            // What services/common's Kafka config adds for the services' transactional producers.
            pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic);
            pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            pp.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "10");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer());
                    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(PipelineProbe.consumerProps(bootstrap),
                            new StringDeserializer(), new ByteArrayDeserializer())) {
                producer.initTransactions();
                List<TopicPartition> tps = IntStream.range(0, COMPLETION_RECORDS).mapToObj(p -> new TopicPartition(topic, p)).toList();
                consumer.assign(tps);
                consumer.seekToEnd(tps);
                for (TopicPartition tp : tps) consumer.position(tp);
                long[] nanos = new long[count];
                for (int i = 0; i < count; i++) {
                    long start = System.nanoTime();
                    producer.beginTransaction();
                    for (int r = 0; r < COMPLETION_RECORDS; r++) {
                        producer.send(new ProducerRecord<>(topic, r, "tx-" + i + "/" + r, values.get((COMPLETION_RECORDS * i + r) % values.size())));
                    }
                    producer.commitTransaction();
                    int seen = 0;
                    long deadline = start + Duration.ofSeconds(30).toNanos();
                    while (seen < COMPLETION_RECORDS) {
                        if (System.nanoTime() > deadline) throw new IllegalStateException("transaction " + i + " was not read back in 30 s");
                        seen += consumer.poll(Duration.ofMillis(100)).count();
                    }
                    nanos[i] = System.nanoTime() - start;
                }
                return nanos;
            }
        });
    }

    private static <T> T onScratchTopic(String bootstrap, String topic, int partitions, Callable<T> work) throws Exception {
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
                    .configs(Map.of("max.message.bytes", Integer.toString(1024 * 1024))))).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, topic);
            try {
                return work.call();
            } finally {
                admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A new topic takes a moment to be known and to get leaders; producing before then only
     * measures retries. The metadata can name a leader before that broker serves the partition,
     * and an idempotent producer whose first batches were refused for it was seen retrying out of
     * order until it timed out, so each leader must also answer for its partition (list its offsets).
     */
    private static void awaitLeaders(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
                if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    for (TopicPartitionInfo p : d.partitions()) latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) throw e;
            }
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
