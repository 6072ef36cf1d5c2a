package dev.r1.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;

/**
 * Partitions by task: a key {@code task/event-id} goes where the key {@code task} goes, so
 * one task's events, hand-offs and leases share a partition number and keep their order.
 */
public final class TaskPartitioner implements Partitioner {
    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        int partitions = cluster.partitionCountForTopic(topic);
        return partitionOf(String.valueOf(key), partitions);
    }

    public static int partitionOf(String key, int partitions) {
        int slash = key.indexOf('/');
        String task = slash < 0 ? key : key.substring(0, slash);
        return Utils.toPositive(Utils.murmur2(task.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The key of an event on {@link Topics#EVENTS}. */
    public static String eventKey(String task, String eventId) {
        return task + "/" + eventId;
    }

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public void close() {}
}
