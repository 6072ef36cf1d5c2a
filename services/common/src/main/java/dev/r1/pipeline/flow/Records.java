package dev.r1.pipeline.flow;

import dev.r1.pipeline.Headers;
import dev.r1.pipeline.TaskPartitioner;
import dev.r1.pipeline.Topics;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/** The outgoing Kafka messages R1 writes, each with its topic and key. */
public final class Records {
    private Records() {}

    public static Message<byte[]> event(Event e) {
        return to(Topics.EVENTS, TaskPartitioner.eventKey(e.task(), e.id()), EventCodec.canonical(e), null);
    }

    /** The transition that ends a phase, with the phase's work time in a header. */
    public static Message<byte[]> transition(Event e, Duration work) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.PHASE_WORK_MICROS, Long.toString(work.toNanos() / 1000).getBytes(StandardCharsets.UTF_8));
        return to(Topics.EVENTS, TaskPartitioner.eventKey(e.task(), e.id()), EventCodec.canonical(e), headers);
    }

    public static Message<byte[]> blob(String sha256, String mediaType, byte[] bytes) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.MEDIA_TYPE, mediaType.getBytes(StandardCharsets.UTF_8));
        return to(Topics.BLOBS, sha256, bytes, headers);
    }

    public static Message<byte[]> handoff(String topic, Handoff handoff) {
        return to(topic, handoff.task(), Json.write(handoff), null);
    }

    public static Message<byte[]> lease(Lease lease) {
        return to(Topics.LEASES, lease.key(), Json.write(lease), null);
    }

    /** A tombstone: compaction then forgets the lease. */
    public static Message<byte[]> release(Lease lease) {
        return to(Topics.LEASES, lease.key(), null, null);
    }

    /** A parked task on r1.control (compacted): kept until an operator decides. */
    public static Message<byte[]> park(Parked parked) {
        return to(Topics.CONTROL, parked.key(), Json.write(parked), null);
    }

    /** The tombstone of a parked task, written with the transition that resumes it. */
    public static Message<byte[]> unpark(Parked parked) {
        return to(Topics.CONTROL, parked.key(), null, null);
    }

    /** Any record on r1.control, e.g. an operator's decision. */
    public static Message<byte[]> control(String key, byte[] value) {
        return to(Topics.CONTROL, key, value, null);
    }

    /** The original bytes and key, with why and where from in headers. */
    public static Message<byte[]> deadLetter(IncomingKafkaRecordMetadata<?, ?> source, byte[] value, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(Headers.DLQ_TOPIC, source.getTopic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", String.valueOf(source.getPartition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", String.valueOf(source.getOffset()).getBytes(StandardCharsets.UTF_8));
        Object key = source.getKey();
        return to(Topics.DLQ, key == null ? null : key.toString(), value, headers);
    }

    private static Message<byte[]> to(String topic, String key, byte[] value, RecordHeaders headers) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> meta =
                OutgoingKafkaRecordMetadata.<String>builder().withTopic(topic).withKey(key);
        if (headers != null) meta.withHeaders(headers);
        return Message.of(value).addMetadata(meta.build());
    }
}
