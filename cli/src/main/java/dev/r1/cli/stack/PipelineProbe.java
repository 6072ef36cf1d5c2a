package dev.r1.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches r1.events and r1.receipts from their current end, in a thread of its own: when each
 * receipt of a benchmark run arrives, and how many events (and of what sizes) its tasks wrote.
 */
final class PipelineProbe implements AutoCloseable {
    static final String EVENTS = "r1.events";
    static final String RECEIPTS = "r1.receipts";

    private final KafkaConsumer<String, byte[]> consumer;
    private final String prefix;
    private final Thread thread;
    private final Map<String, Long> receiptAt = new ConcurrentHashMap<>();
    private final Map<String, String> terminal = new ConcurrentHashMap<>();
    private final Map<String, Integer> receiptEvents = new ConcurrentHashMap<>();
    private final List<Integer> sizes = new ArrayList<>();
    private final Set<String> eventKeys = new HashSet<>();
    private final int partitions;
    private volatile java.util.function.Consumer<String> onReceipt = task -> { };
    private volatile boolean stop;
    private volatile Exception failure;

    private PipelineProbe(KafkaConsumer<String, byte[]> consumer, String prefix, int partitions) {
        this.consumer = consumer;
        this.prefix = prefix;
        this.partitions = partitions;
        this.thread = new Thread(this::loop, "r1-bench-probe");
        this.thread.setDaemon(true);
    }

    static PipelineProbe start(String bootstrap, String prefix) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = new ArrayList<>();
        int eventPartitions = 0;
        for (String topic : List.of(EVENTS, RECEIPTS)) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) throw new IllegalStateException("topic " + topic + " does not exist");
            if (topic.equals(EVENTS)) eventPartitions = infos.size();
            for (PartitionInfo p : infos) tps.add(new TopicPartition(topic, p.partition()));
        }
        c.assign(tps);
        c.seekToEnd(tps);
        tps.forEach(c::position); // resolve the end offsets now, before any task is submitted
        PipelineProbe probe = new PipelineProbe(c, prefix, eventPartitions);
        probe.thread.start();
        return probe;
    }

    static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(2 * 1024 * 1024));
        return p;
    }

    private void loop() {
        try {
            while (!stop) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    String key = r.key();
                    if (key == null || !key.startsWith(prefix)) continue;
                    if (r.topic().equals(EVENTS)) {
                        synchronized (sizes) {
                            if (r.value() != null && eventKeys.add(key)) sizes.add(r.value().length);
                        }
                    } else if (r.value() != null) {
                        String task = key.contains("/") ? key.substring(0, key.indexOf('/')) : key;
                        if (receiptAt.putIfAbsent(task, now) == null) onReceipt.accept(task);
                        try {
                            JsonNode receipt = ApiClient.JSON.readTree(r.value());
                            JsonNode events = receipt.path("events");
                            receiptEvents.put(task, events.size());
                            for (JsonNode e : events) {
                                String to = TaskFollower.terminalStage(e);
                                if (to != null) terminal.put(task, to);
                            }
                        } catch (IOException e) {
                            terminal.put(task, "UNREADABLE");
                        }
                    }
                }
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    /** What the run measured. */
    record Result(long wallNanos, long[] latenciesNanos, int events, List<Integer> recordSizes, int done, int partitions) {
        long latencyMillis(double q) {
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1_000_000;
        }

        int meanEventBytes() {
            return recordSizes.isEmpty() ? 0 : (int) (recordSizes.stream().mapToLong(Integer::longValue).sum() / recordSizes.size());
        }
    }

    Result await(List<String> ids, long[] submittedAt, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (receiptAt.keySet().stream().filter(ids::contains).count() < ids.size()) {
            if (failure != null) throw failure;
            if (System.nanoTime() > deadline) {
                throw new IOException("only " + receiptAt.size() + " of " + ids.size() + " receipts after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
        // The events were written before the receipt; give the probe a moment to read the last of them.
        int expected = ids.stream().mapToInt(id -> receiptEvents.getOrDefault(id, 0)).sum();
        long settle = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < settle) {
            synchronized (sizes) {
                if (sizes.size() >= expected) break;
            }
            Thread.sleep(50);
        }
        long first = Arrays.stream(submittedAt).min().orElseThrow();
        long last = ids.stream().mapToLong(receiptAt::get).max().orElseThrow();
        long[] latencies = new long[ids.size()];
        for (int i = 0; i < ids.size(); i++) latencies[i] = receiptAt.get(ids.get(i)) - submittedAt[i];
        int done = (int) ids.stream().filter(id -> "DONE".equals(terminal.get(id))).count();
        List<Integer> recorded;
        synchronized (sizes) {
            recorded = new ArrayList<>(sizes);
        }
        return new Result(last - first, latencies, expected, recorded, done, partitions);
    }

    /** Called (on the probe's thread) when a task's first receipt arrives. */
    void onReceipt(java.util.function.Consumer<String> callback) {
        this.onReceipt = callback;
    }

    Map<String, String> terminals() {
        return new HashMap<>(terminal);
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5000);
        consumer.close(Duration.ofSeconds(5));
    }
}
