package dev.r1.cli.stack;

import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.sample.RunGenerator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The ledger alone: complete, valid task graphs written straight to r1.events as fast as a
 * producer can, timed from the first send to the last of their receipts on r1.receipts. Each
 * event is admitted, checked against its causes, stored in PostgreSQL, and each task's receipt
 * is sealed, signed and published — the ledger's whole ingest path, without the phases in front.
 */
final class LedgerIngest {
    private LedgerIngest() {}

    /** The tasks' records in the order they are sent, and the task ids. */
    record Load(List<String> tasks, List<String> keys, List<byte[]> values) {}

    /** {@code tasks} runs of {@code eventsPerTask} events each, task ids prefixed {@code prefix}. */
    static Load generate(String prefix, int tasks, int eventsPerTask) {
        List<String> ids = new ArrayList<>(tasks);
        List<String> keys = new ArrayList<>(tasks * eventsPerTask);
        List<byte[]> values = new ArrayList<>(tasks * eventsPerTask);
        for (int i = 0; i < tasks; i++) {
            String task = String.format(java.util.Locale.ROOT, "%s%05d", prefix, i);
            ids.add(task);
            for (Event e : RunGenerator.events(task, eventsPerTask, i)) {
                keys.add(task + "/" + e.id());
                values.add(EventCodec.canonical(e));
            }
        }
        return new Load(ids, keys, values);
    }

    /**
     * Sends the load and waits for every task's receipt. A task's events go to one partition
     * (chosen from the task id, as the services' partitioner does), so the ledger reads them in
     * order.
     */
    static PipelineProbe.Result run(String bootstrap, String prefix, Load load, Duration timeout) throws Exception {
        try (PipelineProbe probe = PipelineProbe.start(bootstrap, prefix, false);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(RawKafka.producerProps(bootstrap),
                        new StringSerializer(), new ByteArraySerializer())) {
            int partitions = producer.partitionsFor(PipelineProbe.EVENTS).size();
            long start = System.nanoTime();
            List<Future<RecordMetadata>> sent = new ArrayList<>(load.keys().size());
            for (int i = 0; i < load.keys().size(); i++) {
                String key = load.keys().get(i);
                String task = key.substring(0, key.indexOf('/'));
                int partition = Utils.toPositive(Utils.murmur2(task.getBytes(StandardCharsets.UTF_8))) % partitions;
                sent.add(producer.send(new ProducerRecord<>(PipelineProbe.EVENTS, partition, key, load.values().get(i))));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) f.get();
            long[] sentAt = new long[load.tasks().size()];
            Arrays.fill(sentAt, start);
            return probe.await(load.tasks(), sentAt, timeout);
        }
    }
}
