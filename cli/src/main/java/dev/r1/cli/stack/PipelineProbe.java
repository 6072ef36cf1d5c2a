package dev.r1.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches r1.events and r1.receipts from their current end, in a thread of its own: when each
 * receipt of a benchmark run arrives, and how many events (and of what sizes) its tasks wrote.
 */
final class PipelineProbe implements AutoCloseable {
    static final String EVENTS = "r1.events";
    static final String RECEIPTS = "r1.receipts";
    /** The header the services put on a phase's closing transition: the phase's work time in µs. */
    static final String PHASE_WORK_MICROS = "r1-phase-work-micros";

    private final KafkaConsumer<String, byte[]> consumer;
    private final String prefix;
    private final Thread thread;
    private final Map<String, Long> receiptAt = new ConcurrentHashMap<>();
    private final Map<String, String> terminal = new ConcurrentHashMap<>();
    private final Map<String, Integer> receiptEvents = new ConcurrentHashMap<>();
    /** The value of every event record of the run, as written: the raw baseline sends the same bytes. */
    private final List<byte[]> values = new ArrayList<>();
    /**
     * Per task, each phase's end: the record time of its closing transition (written by the app
     * on this machine, so on the probe's clock) and its own work in µs, from that record's header.
     */
    private final Map<String, List<long[]>> phaseEnds = new ConcurrentHashMap<>();
    /** Per task, the record time of its receipt. */
    private final Map<String, Long> receiptStamp = new ConcurrentHashMap<>();
    /** The probe's epoch clock against {@link System#nanoTime}, to place submits among record times. */
    private final long epochMillisAtStart = System.currentTimeMillis();
    private final long nanosAtStart = System.nanoTime();
    private final Set<String> eventKeys = new HashSet<>();
    private final int partitions;
    private final boolean readsEvents;
    private volatile java.util.function.Consumer<String> onReceipt = task -> { };
    private volatile boolean stop;
    private volatile Exception failure;

    private PipelineProbe(KafkaConsumer<String, byte[]> consumer, String prefix, int partitions, boolean readsEvents) {
        this.consumer = consumer;
        this.prefix = prefix;
        this.partitions = partitions;
        this.readsEvents = readsEvents;
        this.thread = new Thread(this::loop, "r1-bench-probe");
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching from the current ends. {@code readsEvents} false leaves r1.events unread
     * (no records, work times or overhead split): a driver that wrote the events itself need not
     * spend the measured machine's CPU reading them back.
     */
    static PipelineProbe start(String bootstrap, String prefix, boolean readsEvents) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = new ArrayList<>();
        int eventPartitions = 0;
        for (String topic : List.of(EVENTS, RECEIPTS)) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) throw new IllegalStateException("topic " + topic + " does not exist");
            if (topic.equals(EVENTS)) {
                eventPartitions = infos.size();
                if (!readsEvents) continue;
            }
            for (PartitionInfo p : infos) tps.add(new TopicPartition(topic, p.partition()));
        }
        c.assign(tps);
        c.seekToEnd(tps);
        tps.forEach(c::position); // resolve the end offsets now, before any task is submitted
        PipelineProbe probe = new PipelineProbe(c, prefix, eventPartitions, readsEvents);
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
                        synchronized (values) {
                            if (r.value() != null && eventKeys.add(key)) values.add(r.value());
                        }
                        Header work = r.headers().lastHeader(PHASE_WORK_MICROS);
                        if (work != null) {
                            long micros = Long.parseLong(new String(work.value(), StandardCharsets.UTF_8));
                            phaseEnds.computeIfAbsent(key.substring(0, key.indexOf('/')), t -> Collections.synchronizedList(new ArrayList<>()))
                                    .add(new long[] {r.timestamp(), micros});
                        }
                    } else if (r.value() != null) {
                        String task = key.contains("/") ? key.substring(0, key.indexOf('/')) : key;
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
                        // Last: await() reads the terminal and the event count once the receipt is here.
                        receiptStamp.putIfAbsent(task, r.timestamp());
                        if (receiptAt.putIfAbsent(task, now) == null) onReceipt.accept(task);
                    }
                }
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    /**
     * What the run measured: for each task (in the order given) its latency, its phases' own
     * work, and where the rest of its latency went; and the event records its tasks wrote.
     */
    record Result(long wallNanos, long[] latenciesNanos, long[] workNanos, Overhead overhead, List<byte[]> records, int done,
            int partitions) {
        int events() {
            return records.size();
        }

        long latencyMillis(double q) {
            return quantile(latenciesNanos, q) / 1_000_000;
        }

        long workMillis(double q) {
            return quantile(workNanos, q) / 1_000_000;
        }

        /** Harness overhead per task: its latency less its phases' own work. */
        long overheadMillis(double q) {
            long[] overhead = new long[latenciesNanos.length];
            for (int i = 0; i < overhead.length; i++) overhead[i] = latenciesNanos[i] - workNanos[i];
            return quantile(overhead, q) / 1_000_000;
        }

        int meanEventBytes() {
            return records.isEmpty() ? 0 : (int) (records.stream().mapToLong(v -> v.length).sum() / records.size());
        }
    }

    /**
     * Harness overhead per task in three parts, in ms, from record times: intake (submit to the
     * start of the first phase's work), hand-offs (from each phase's closing transition to the
     * start of the next phase's work, summed), and the receipt (from the last transition to the
     * receipt on r1.receipts). A phase's work starts its work time before its closing transition.
     */
    record Overhead(long[] intakeMillis, long[] handoffMillis, long[] handoffs, long[] receiptMillis) {}

    /** The {@code q} quantile (0..1) of {@code values}, nearest rank. */
    static long quantile(long[] values, double q) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    Result await(List<String> ids, long[] submittedAt, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        // A set: this runs every 20 ms against thousands of tasks, on the machine being measured.
        Set<String> wanted = Set.copyOf(ids);
        while (!receiptAt.keySet().containsAll(wanted)) {
            if (failure != null) throw failure;
            if (System.nanoTime() > deadline) {
                throw new IOException("only " + receiptAt.size() + " of " + ids.size() + " receipts after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
        // The events were written before the receipt; give the probe a moment to read the last of them.
        int expected = ids.stream().mapToInt(id -> receiptEvents.getOrDefault(id, 0)).sum();
        long settle = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (readsEvents && System.nanoTime() < settle) {
            synchronized (values) {
                if (values.size() >= expected) break;
            }
            Thread.sleep(50);
        }
        long first = Arrays.stream(submittedAt).min().orElseThrow();
        long last = ids.stream().mapToLong(receiptAt::get).max().orElseThrow();
        int n = ids.size();
        long[] latencies = new long[n];
        long[] work = new long[n];
        Overhead overhead = new Overhead(new long[n], new long[n], new long[n], new long[n]);
        for (int i = 0; i < n; i++) {
            String task = ids.get(i);
            latencies[i] = receiptAt.get(task) - submittedAt[i];
            List<long[]> recordedEnds = phaseEnds.getOrDefault(task, List.of());
            List<long[]> ends;
            synchronized (recordedEnds) {
                ends = new ArrayList<>(recordedEnds);
            }
            ends.sort(Comparator.comparingLong(e -> e[0]));
            long previous = epochMillisAtStart + (submittedAt[i] - nanosAtStart) / 1_000_000;
            for (int j = 0; j < ends.size(); j++) {
                long[] end = ends.get(j);
                work[i] += end[1] * 1000;
                long gap = end[0] - end[1] / 1000 - previous;
                if (j == 0) overhead.intakeMillis()[i] = gap;
                else overhead.handoffMillis()[i] += gap;
                previous = end[0];
            }
            overhead.handoffs()[i] = Math.max(0, ends.size() - 1);
            overhead.receiptMillis()[i] = receiptStamp.getOrDefault(task, previous) - previous;
        }
        int done = (int) ids.stream().filter(id -> "DONE".equals(terminal.get(id))).count();
        List<byte[]> recorded;
        synchronized (values) {
            recorded = new ArrayList<>(values);
        }
        return new Result(last - first, latencies, work, overhead, recorded, done, partitions);
    }

    int partitions() {
        return partitions;
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
