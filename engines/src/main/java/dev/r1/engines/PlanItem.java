package dev.r1.engines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One item of a plan: what to do, the files it expects to touch and the items it needs first.
 * Items without a path between them run in parallel worktrees in EXECUTE. The planner hands
 * them to the executor in the PLAN->EXECUTE note: {@code {"plan": {"items": [...]}, "spent_usd": n}}.
 */
public record PlanItem(String id, String goal, List<String> paths, List<String> dependsOn) {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,40}");
    private static final ObjectMapper JSON = new ObjectMapper();

    public PlanItem {
        paths = List.copyOf(paths);
        dependsOn = List.copyOf(dependsOn);
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("id", id).put("goal", goal);
        ArrayNode p = n.putArray("paths");
        paths.forEach(p::add);
        ArrayNode d = n.putArray("depends_on");
        dependsOn.forEach(d::add);
        return n;
    }

    /** Items from a JSON array; bad ones (no id, duplicate id, unknown dependency, a cycle) make the whole list invalid. */
    public static List<PlanItem> fromJson(JsonNode items) {
        List<PlanItem> out = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode i : items) {
            String id = i.path("id").asText("");
            if (!ID.matcher(id).matches() || !ids.add(id)) throw new IllegalArgumentException("plan item id '" + id + "' is missing, invalid or repeated");
            List<String> paths = new ArrayList<>();
            i.path("paths").forEach(p -> paths.add(p.asText()));
            List<String> deps = new ArrayList<>();
            i.path("depends_on").forEach(p -> deps.add(p.asText()));
            out.add(new PlanItem(id, i.path("goal").asText(i.path("title").asText(id)), paths, deps));
        }
        for (PlanItem i : out) {
            for (String d : i.dependsOn()) if (!ids.contains(d)) throw new IllegalArgumentException("plan item " + i.id() + " depends on unknown item " + d);
        }
        waves(out);
        return out;
    }

    /** The items in waves: each wave's items depend only on earlier waves', and run side by side. */
    public static List<List<PlanItem>> waves(List<PlanItem> items) {
        List<List<PlanItem>> waves = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        Map<String, PlanItem> left = new LinkedHashMap<>();
        items.forEach(i -> left.put(i.id(), i));
        while (!left.isEmpty()) {
            List<PlanItem> wave = left.values().stream().filter(i -> done.containsAll(i.dependsOn())).toList();
            if (wave.isEmpty()) throw new IllegalArgumentException("plan items depend on each other in a cycle: " + left.keySet());
            wave.forEach(i -> left.remove(i.id()));
            wave.forEach(i -> done.add(i.id()));
            waves.add(wave);
        }
        return waves;
    }

    /** The PLAN->EXECUTE note for these items and what planning cost. */
    public static String note(List<PlanItem> items, double spentUsd) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        ArrayNode a = n.putObject("plan").putArray("items");
        items.forEach(i -> a.add(i.toJson()));
        n.put("spent_usd", spentUsd);
        return n.toString();
    }

    /** The items of a PLAN->EXECUTE note; none for any other note. */
    public static List<PlanItem> fromNote(String note) {
        JsonNode n = noteJson(note);
        return n == null || !n.path("plan").path("items").isArray() ? List.of() : fromJson(n.path("plan").path("items"));
    }

    /** What planning spent, from the note; 0 for any other note. */
    public static double spentFromNote(String note) {
        JsonNode n = noteJson(note);
        return n == null ? 0 : n.path("spent_usd").asDouble(0);
    }

    private static JsonNode noteJson(String note) {
        if (note == null || !note.startsWith("{")) return null;
        try {
            return JSON.readTree(note);
        } catch (Exception e) {
            return null;
        }
    }
}
