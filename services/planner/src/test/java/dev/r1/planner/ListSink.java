package dev.r1.planner;

import dev.r1.pipeline.flow.EventSink;
import dev.r1.stoke.event.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test scaffolding: keeps what a phase records in memory instead of sending it to Kafka. */
final class ListSink implements EventSink {
    final List<Event> events = new ArrayList<>();
    final Map<String, byte[]> blobs = new LinkedHashMap<>();

    @Override
    public void event(Event event) {
        events.add(event);
    }

    @Override
    public void blob(String sha256, String mediaType, byte[] bytes) {
        blobs.put(sha256, bytes);
    }
}
