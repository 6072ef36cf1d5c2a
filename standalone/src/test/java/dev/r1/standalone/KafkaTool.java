package dev.r1.standalone;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Raw Kafka access for the tests: writing hostile records, and reading a topic with its headers. */
final class KafkaTool {
    private KafkaTool() {}

    static void produce(String bootstrap, String topic, String key, byte[] value) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(1024 * 1024));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    /** A record as the tests look at it. */
    record Rec(String topic, String key, byte[] value, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name);
        }
    }

    static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(2 * 1024 * 1024));
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static List<TopicPartition> assign(KafkaConsumer<?, ?> c, String topic, boolean fromEnd) {
        List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        c.assign(tps);
        if (fromEnd) c.seekToEnd(tps);
        else c.seekToBeginning(tps);
        tps.forEach(c::position);
        return tps;
    }

    /** Reads {@code topic} from the start until every wanted key has a record, or the time is up. */
    static Map<String, Rec> awaitKeys(String bootstrap, String topic, List<String> keys, Duration timeout) {
        Map<String, Rec> found = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
            assign(c, topic, false);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!found.keySet().containsAll(keys) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && keys.contains(r.key())) found.putIfAbsent(r.key(), rec(r));
                }
            }
        }
        return found;
    }

    /**
     * The latest record of every key on {@code topic} (a compacted topic's state: a tombstone is a
     * record with a null value), read from the start to the end as it is now.
     */
    static Map<String, Rec> latest(String bootstrap, String topic) {
        Map<String, Rec> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
            List<TopicPartition> tps = assign(c, topic, false);
            Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) throw new AssertionError("could not read " + topic + " to its end");
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null) out.put(r.key(), rec(r));
                }
            }
        }
        return out;
    }

    /** Waits, from the current end of {@code topic}, for the first record that matches. */
    static Rec awaitFirst(KafkaConsumer<String, byte[]> c, Predicate<Rec> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                Rec rec = rec(r);
                if (match.test(rec)) return rec;
            }
        }
        throw new AssertionError("no matching record after " + timeout.toSeconds() + " s");
    }

    static Rec rec(ConsumerRecord<String, byte[]> r) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : r.headers()) headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        return new Rec(r.topic(), r.key(), r.value(), headers);
    }

    static List<String> keysOf(List<Rec> recs) {
        List<String> out = new ArrayList<>();
        recs.forEach(r -> out.add(r.key()));
        return out;
    }
}
