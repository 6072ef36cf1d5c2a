package dev.r1.planner;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.pipeline.spec.InvalidSpecException;
import dev.r1.pipeline.spec.Problem;
import dev.r1.pipeline.spec.TaskSpec;
import dev.r1.pipeline.spec.TaskSpecs;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;

/**
 * What {@code POST /v1/tasks} does before anything reaches Kafka: read the spec (YAML or JSON),
 * check every field, and fix the task id ({@code t-<random>} when the submitter left it out).
 */
public final class TaskIntake {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private TaskIntake() {}

    /** The spec with its id fixed. @throws InvalidSpecException naming every bad field */
    public static TaskSpec accept(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidSpecException(List.of(new Problem("", "the request body is empty; send a task spec in YAML or JSON")));
        }
        TaskSpec spec = TaskSpecs.parse(body);
        return spec.id() != null ? spec : TaskSpecs.withId(spec, newId());
    }

    /** {@code t-} and 16 random base-36 characters. */
    public static String newId() {
        char[] s = new char[16];
        for (int i = 0; i < s.length; i++) s[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        return "t-" + new String(s);
    }

    /** The value written to r1.tasks: the spec as JSON, id included. */
    public static byte[] record(TaskSpec spec) {
        return TaskSpecs.toJson(spec).getBytes(StandardCharsets.UTF_8);
    }

    /** The 202 body: the task id and where to follow it. */
    public static ObjectNode accepted(String task) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("task", task);
        ObjectNode links = body.putObject("links");
        links.put("task", "/v1/tasks/" + task);
        links.put("events", "/v1/tasks/" + task + "/events");
        links.put("receipt", "/v1/receipts/" + task);
        return body;
    }

    /** An RFC 9457 problem naming every bad field. */
    public static ObjectNode invalid(InvalidSpecException e) {
        ObjectNode body = problem(400, "Invalid task spec",
                e.problems().size() == 1 ? "1 problem in the task spec" : e.problems().size() + " problems in the task spec");
        body.put("type", "https://r1.dev/problems/invalid-task-spec");
        ArrayNode list = body.putArray("problems");
        for (Problem p : e.problems()) {
            ObjectNode item = list.addObject();
            item.put("field", p.field());
            item.put("message", p.message());
        }
        return body;
    }

    public static ObjectNode problem(int status, String title, String detail) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return body;
    }
}
