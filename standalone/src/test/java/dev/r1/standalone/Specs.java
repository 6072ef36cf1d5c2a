package dev.r1.standalone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Task specs for the end-to-end tests. Each scripted task writes {@code out/<id>.txt}; its
 * test command passes only when that file says {@code ok}, so a task's outcome is decided by
 * what its attempts write, and tasks on one repository never break each other's tests. Model
 * tasks ({@link #model}) do whatever their provider's stand-in answers.
 */
final class Specs {
    static final ObjectMapper JSON = new ObjectMapper();

    enum Kind {
        /** Passes on the first attempt. */
        PASS,
        /** Fails its tests on the first attempt, passes on the second. */
        RETRY,
        /** Fails its tests on both attempts it has: FAILED, nothing merged. */
        FAIL,
        /** Passes its tests on both attempts it has, so only another gate's block can cause the second. */
        STEADY
    }

    private Specs() {}

    static String file(String id) {
        return "out/" + id + ".txt";
    }

    static ObjectNode task(String id, Path repo, Kind kind, boolean deterministic) {
        ObjectNode s = base(id, repo, deterministic);
        ArrayNode attempts = ((ObjectNode) s.get("engine")).putArray("attempts");
        switch (kind) {
            case PASS -> attempt(attempts, id, "ok");
            case RETRY -> {
                attempt(attempts, id, "not yet");
                attempt(attempts, id, "ok");
            }
            case FAIL -> {
                attempt(attempts, id, "wrong");
                attempt(attempts, id, "still wrong");
            }
            case STEADY -> {
                attempt(attempts, id, "ok");
                attempt(attempts, id, "ok");
            }
        }
        return s;
    }

    /** Has every attempt of the task also write {@code path}: what the gates of a test look at. */
    static ObjectNode alsoWrites(ObjectNode spec, String path, String content) {
        for (var attempt : spec.get("engine").get("attempts")) {
            ((ArrayNode) attempt).addObject().putObject("write").put("path", path).put("content", content);
        }
        return spec;
    }

    /** Replaces the recorded plan's cost estimate and the paths it says it will touch (what PLAN->EXECUTE's gates judge). */
    static ObjectNode plan(ObjectNode spec, double estimatedCostUsd, String... paths) {
        ObjectNode plan = (ObjectNode) spec.get("engine").get("plan");
        plan.put("estimated_cost_usd", estimatedCostUsd);
        ArrayNode list = plan.putArray("paths");
        for (String p : paths) list.add(p);
        return spec;
    }

    /** A deterministic task whose only attempt sleeps {@code seconds} in the middle of EXECUTE. */
    static ObjectNode slow(String id, Path repo, int seconds) {
        ObjectNode s = base(id, repo, true);
        ArrayNode steps = ((ObjectNode) s.get("engine")).putArray("attempts").addArray();
        steps.addObject().put("thought", "Write the answer, then take our time.");
        steps.addObject().putObject("write").put("path", file(id)).put("content", "ok\n");
        steps.addObject().put("run", "sleep " + seconds);
        steps.addObject().putObject("read").put("path", file(id));
        return s;
    }

    /**
     * A task for a model engine: {@code engine: {kind, provider}} with the rest of the route as
     * fallbacks, and one attempt, so what the provider answered first decides the outcome.
     */
    static ObjectNode model(String id, Path repo, String goal, String testCommand, String kind, String provider) {
        ObjectNode s = JSON.createObjectNode();
        s.put("id", id);
        s.put("repository", repo.toString());
        s.put("base_ref", "main");
        s.put("target_branch", "main");
        s.put("goal", goal);
        s.put("test_command", testCommand);
        s.putObject("budget").put("max_cost_usd", 2.0).put("max_attempts", 1).put("max_tool_calls", 50);
        s.putObject("engine").put("kind", kind).put("provider", provider);
        return s;
    }

    private static ObjectNode base(String id, Path repo, boolean deterministic) {
        ObjectNode s = JSON.createObjectNode();
        s.put("id", id);
        s.put("repository", repo.toString());
        s.put("base_ref", "main");
        s.put("target_branch", "main");
        s.put("goal", "Write " + file(id) + " saying ok.");
        s.put("test_command", "grep -qx ok " + file(id));
        s.put("deterministic", deterministic);
        s.putArray("scope").add("out/**");
        s.putObject("budget").put("max_cost_usd", 1.0).put("max_attempts", 2).put("max_tool_calls", 50);
        ObjectNode engine = s.putObject("engine");
        engine.put("kind", "scripted");
        engine.putObject("plan").put("summary", "Write " + file(id)).put("estimated_cost_usd", 0.01).putArray("paths").add(file(id));
        return s;
    }

    private static void attempt(ArrayNode attempts, String id, String content) {
        ArrayNode steps = attempts.addArray();
        steps.addObject().put("thought", "The file should say " + content + ".");
        steps.addObject().putObject("write").put("path", file(id)).put("content", content + "\n");
    }

    static byte[] bytes(ObjectNode spec) {
        try {
            return JSON.writeValueAsBytes(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(ObjectNode spec) {
        return new String(bytes(spec), StandardCharsets.UTF_8);
    }
}
