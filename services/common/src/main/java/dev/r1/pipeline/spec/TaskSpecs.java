package dev.r1.pipeline.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.r1.pipeline.Limits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads task specs from YAML or JSON (JSON is YAML) and checks every field, collecting
 * all problems so a submitter can fix them in one go.
 */
public final class TaskSpecs {
    static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/-]{1,200}");
    private static final Set<String> TOP = Set.of("id", "repository", "base_ref", "target_branch", "goal", "engine",
            "budget", "test_command", "gates", "scope", "deterministic");
    private static final Set<String> PROFILES = Set.of("fast", "default", "strict");
    private static final Set<String> ENGINES = Set.of("scripted", "openai", "anthropic", "claude-code", "codex");
    private static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder().build());
    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskSpecs() {}

    public static TaskSpec parse(byte[] text) {
        if (text.length > Limits.MAX_RECORD_BYTES) {
            throw new InvalidSpecException(List.of(new Problem("", "spec is " + text.length + " bytes, over the limit of "
                    + Limits.MAX_RECORD_BYTES)));
        }
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            throw new InvalidSpecException(List.of(new Problem("", "not YAML or JSON: " + m.lines().findFirst().orElse(m))));
        }
        return fromTree(root);
    }

    public static TaskSpec fromTree(JsonNode root) {
        Checker c = new Checker();
        if (root == null || !root.isObject()) {
            throw new InvalidSpecException(List.of(new Problem("", "a task spec is a mapping of fields")));
        }
        // Normalise through JSON so the source travels as plain JSON whatever the input format was.
        ObjectNode source;
        try {
            source = (ObjectNode) JSON.readTree(JSON.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new InvalidSpecException(List.of(new Problem("", "not representable as JSON: " + e.getMessage())));
        }
        c.unknown(root, "", TOP);
        String id = c.optionalString(root, "id", TASK_ID, "1-128 characters of [A-Za-z0-9._:-]");
        String repository = c.requiredString(root, "repository");
        String baseRef = c.ref(root, "base_ref", "main", REF);
        String targetBranch = c.ref(root, "target_branch", "main", REF);
        String goal = c.requiredString(root, "goal");
        String testCommand = c.requiredString(root, "test_command");
        String gates = c.string(root, "gates", "gates", "default");
        if (gates != null && !PROFILES.contains(gates)) c.add("gates", "must be one of fast, default, strict");
        List<String> scope = c.strings(root, "scope", List.of("**"));
        boolean deterministic = c.bool(root, "deterministic", false);
        if (deterministic && id == null) c.add("id", "required when deterministic is true: the task id must be fixed");
        Budget budget = budget(c, root.get("budget"));
        Engine engine = engine(c, root.get("engine"));
        c.throwIfAny();
        return new TaskSpec(id, repository, baseRef, targetBranch, goal, engine, budget, testCommand, gates, scope,
                deterministic, source);
    }

    /** The spec with its task id set, as it travels once intake has fixed the id. */
    public static TaskSpec withId(TaskSpec spec, String id) {
        ObjectNode source = spec.source().deepCopy();
        source.put("id", id);
        return fromTree(source);
    }

    public static String toJson(TaskSpec spec) {
        try {
            return JSON.writeValueAsString(spec.source());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Budget budget(Checker c, JsonNode node) {
        if (node == null) return Budget.DEFAULT;
        if (!node.isObject()) {
            c.add("budget", "must be a mapping");
            return Budget.DEFAULT;
        }
        c.unknown(node, "budget.", Set.of("max_cost_usd", "max_attempts", "max_tool_calls"));
        double cost = c.number(node, "budget.max_cost_usd", "max_cost_usd", Budget.DEFAULT.maxCostUsd(), 0, 1e6);
        int attempts = (int) c.number(node, "budget.max_attempts", "max_attempts", Budget.DEFAULT.maxAttempts(), 1, 20);
        int toolCalls = (int) c.number(node, "budget.max_tool_calls", "max_tool_calls", Budget.DEFAULT.maxToolCalls(), 1, 100_000);
        return new Budget(cost, attempts, toolCalls);
    }

    private static Engine engine(Checker c, JsonNode node) {
        Engine none = new Engine(Engine.SCRIPTED, new Plan("", 0, List.of()), List.of(), null);
        if (node == null) {
            c.add("engine", "required");
            return none;
        }
        if (!node.isObject()) {
            c.add("engine", "must be a mapping with at least kind");
            return none;
        }
        String kind = c.requiredString(node, "engine.kind", "kind");
        if (kind != null && !ENGINES.contains(kind)) c.add("engine.kind", "unknown engine " + kind + "; one of " + ENGINES);
        Plan plan = new Plan("", 0, List.of());
        JsonNode planNode = node.get("plan");
        if (planNode != null) {
            if (!planNode.isObject()) {
                c.add("engine.plan", "must be a mapping");
            } else {
                c.unknown(planNode, "engine.plan.", Set.of("summary", "estimated_cost_usd", "paths"));
                plan = new Plan(c.string(planNode, "engine.plan.summary", "summary", ""),
                        c.number(planNode, "engine.plan.estimated_cost_usd", "estimated_cost_usd", 0, 0, 1e6),
                        c.strings(planNode, "engine.plan.paths", "paths", List.of()));
            }
        }
        List<List<Step>> attempts = new ArrayList<>();
        JsonNode attemptsNode = node.get("attempts");
        if (attemptsNode != null) {
            if (!attemptsNode.isArray()) {
                c.add("engine.attempts", "must be a list of step lists");
            } else {
                for (int a = 0; a < attemptsNode.size(); a++) {
                    JsonNode steps = attemptsNode.get(a);
                    String at = "engine.attempts[" + a + "]";
                    if (!steps.isArray()) {
                        c.add(at, "must be a list of steps");
                        continue;
                    }
                    List<Step> list = new ArrayList<>();
                    for (int s = 0; s < steps.size(); s++) {
                        Step step = step(c, steps.get(s), at + "[" + s + "]");
                        if (step != null) list.add(step);
                    }
                    attempts.add(list);
                }
            }
        }
        if (Engine.SCRIPTED.equals(kind) && attempts.isEmpty()) c.add("engine.attempts", "a scripted engine needs at least one attempt");
        ObjectNode settings = node.deepCopy();
        settings.remove(List.of("kind", "plan", "attempts"));
        return new Engine(kind == null ? Engine.SCRIPTED : kind, plan, attempts, settings);
    }

    private static Step step(Checker c, JsonNode node, String at) {
        if (!node.isObject() || node.size() != 1) {
            c.add(at, "a step is a mapping with exactly one of thought, read, write, edit, run");
            return null;
        }
        String kind = node.fieldNames().next();
        JsonNode v = node.get(kind);
        String here = at + "." + kind;
        switch (kind) {
            case "thought":
                if (!v.isTextual()) c.add(here, "must be text");
                return new Step.Thought(v.asText());
            case "run":
                if (v.isTextual()) return new Step.Run(v.textValue(), 300);
                if (!v.isObject()) {
                    c.add(here, "must be a command or {command, timeout_seconds}");
                    return null;
                }
                c.unknown(v, here + ".", Set.of("command", "timeout_seconds"));
                return new Step.Run(c.requiredString(v, here + ".command", "command"),
                        (int) c.number(v, here + ".timeout_seconds", "timeout_seconds", 300, 1, 86_400));
            case "read":
                if (!v.isObject()) {
                    c.add(here, "must be {path, offset?, limit?}");
                    return null;
                }
                c.unknown(v, here + ".", Set.of("path", "offset", "limit"));
                return new Step.Read(c.requiredString(v, here + ".path", "path"),
                        (int) c.number(v, here + ".offset", "offset", 0, 0, Integer.MAX_VALUE),
                        (int) c.number(v, here + ".limit", "limit", 2000, 1, Integer.MAX_VALUE));
            case "write":
                if (!v.isObject()) {
                    c.add(here, "must be {path, content}");
                    return null;
                }
                c.unknown(v, here + ".", Set.of("path", "content"));
                return new Step.Write(c.requiredString(v, here + ".path", "path"), c.string(v, here + ".content", "content", ""));
            case "edit":
                if (!v.isObject()) {
                    c.add(here, "must be {path, old, new}");
                    return null;
                }
                c.unknown(v, here + ".", Set.of("path", "old", "new"));
                return new Step.Edit(c.requiredString(v, here + ".path", "path"), c.requiredString(v, here + ".old", "old"),
                        c.string(v, here + ".new", "new", ""));
            default:
                c.add(at, "unknown step " + kind + "; one of thought, read, write, edit, run");
                return null;
        }
    }

    /** Collects problems while reading fields, returning defaults so checking goes on. */
    private static final class Checker {
        private final List<Problem> problems = new ArrayList<>();

        void add(String field, String message) {
            problems.add(new Problem(field, message));
        }

        void throwIfAny() {
            if (!problems.isEmpty()) throw new InvalidSpecException(problems);
        }

        void unknown(JsonNode node, String prefix, Set<String> allowed) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!allowed.contains(n)) add(prefix + n, "unknown field");
            }
        }

        String requiredString(JsonNode node, String name) {
            return requiredString(node, name, name);
        }

        String requiredString(JsonNode node, String field, String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                add(field, "required");
                return null;
            }
            if (!v.isTextual() || v.textValue().isBlank()) {
                add(field, "must be non-empty text");
                return null;
            }
            return v.textValue();
        }

        String optionalString(JsonNode node, String name, Pattern pattern, String rule) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return null;
            if (!v.isTextual() || !pattern.matcher(v.textValue()).matches()) {
                add(name, "must be " + rule);
                return null;
            }
            return v.textValue();
        }

        String ref(JsonNode node, String name, String fallback, Pattern pattern) {
            String s = string(node, name, name, fallback);
            if (s != null && !pattern.matcher(s).matches()) {
                add(name, "not a valid git ref name: " + s);
            }
            return s;
        }

        String string(JsonNode node, String field, String name, String fallback) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return fallback;
            if (!v.isTextual()) {
                add(field, "must be text");
                return fallback;
            }
            return v.textValue();
        }

        double number(JsonNode node, String field, String name, double fallback, double min, double max) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return fallback;
            if (!v.isNumber() || v.doubleValue() < min || v.doubleValue() > max) {
                add(field, "must be a number from " + fmt(min) + " to " + fmt(max));
                return fallback;
            }
            return v.doubleValue();
        }

        boolean bool(JsonNode node, String name, boolean fallback) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return fallback;
            if (!v.isBoolean()) {
                add(name, "must be true or false");
                return fallback;
            }
            return v.booleanValue();
        }

        List<String> strings(JsonNode node, String name, List<String> fallback) {
            return strings(node, name, name, fallback);
        }

        List<String> strings(JsonNode node, String field, String name, List<String> fallback) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return fallback;
            List<String> out = new ArrayList<>();
            if (!v.isArray()) {
                add(field, "must be a list of text");
                return fallback;
            }
            for (JsonNode item : v) {
                if (!item.isTextual()) add(field, "must be a list of text");
                else out.add(item.textValue());
            }
            return out;
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }
    }
}
