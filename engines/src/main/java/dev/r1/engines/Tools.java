package dev.r1.engines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.r1.stoke.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tools an agent has in its worktree. Each has a short id (the TOOL_CALL label, the same
 * whichever engine asked) and the name a model sees:
 * <pre>
 * id    model name   input
 * read  read_file    path, offset? (first line, from 0), limit? (lines)
 * write write_file   path, content
 * edit  edit_file    path, old (exact text, must occur once), new
 * list  list_dir     path? (default the repository root)
 * glob  glob         pattern (e.g. src/**&#47;*.java), path?
 * grep  grep         pattern (Java regex), path?, glob?, ignore_case?, max_results?
 * run   bash         command, timeout_seconds?, cwd?
 * diff  git_diff     paths?
 * </pre>
 */
public final class Tools {
    public static final String READ = "read";
    public static final String WRITE = "write";
    public static final String EDIT = "edit";
    public static final String LIST = "list";
    public static final String GLOB = "glob";
    public static final String GREP = "grep";
    public static final String RUN = "run";
    public static final String DIFF = "diff";

    /** Model-facing name → tool id. */
    private static final Map<String, String> BY_MODEL_NAME = Map.of(
            "read_file", READ, "write_file", WRITE, "edit_file", EDIT, "list_dir", LIST,
            "glob", GLOB, "grep", GREP, "bash", RUN, "git_diff", DIFF);

    /** Text inputs recorded by hash and size, never inline. */
    private static final Set<String> BULKY = Set.of("content", "old", "new", "old_string", "new_string", "new_str", "old_str",
            "patch", "input");
    /** Longest text an argument keeps inline; longer ones are recorded by hash. */
    static final int INLINE_LIMIT = 4096;

    private Tools() {}

    /** The tool id a model-facing name stands for; ids are accepted too. */
    public static Optional<String> idOf(String modelName) {
        if (BY_MODEL_NAME.containsKey(modelName)) return Optional.of(BY_MODEL_NAME.get(modelName));
        return BY_MODEL_NAME.containsValue(modelName) ? Optional.of(modelName) : Optional.empty();
    }

    public static List<ToolSpecification> specifications() {
        return List.of(
                tool("read_file", "Read a text file of the repository. Lines are counted from 0.",
                        JsonObjectSchema.builder().addStringProperty("path", "path relative to the repository root")
                                .addIntegerProperty("offset", "first line to return, from 0").addIntegerProperty("limit", "how many lines")
                                .required("path").build()),
                tool("write_file", "Create or overwrite a file with the given content.",
                        JsonObjectSchema.builder().addStringProperty("path", "path relative to the repository root")
                                .addStringProperty("content", "the whole new content").required("path", "content").build()),
                tool("edit_file", "Replace one exact occurrence of `old` with `new` in a file. Fails if `old` occurs zero or several times.",
                        JsonObjectSchema.builder().addStringProperty("path", "path relative to the repository root")
                                .addStringProperty("old", "exact text to replace, unique in the file")
                                .addStringProperty("new", "replacement text").required("path", "old", "new").build()),
                tool("list_dir", "List a directory of the repository.",
                        JsonObjectSchema.builder().addStringProperty("path", "directory relative to the repository root; default the root").build()),
                tool("glob", "Find files whose repository-relative path matches a glob (** crosses directories).",
                        JsonObjectSchema.builder().addStringProperty("pattern", "e.g. src/**/*.java").addStringProperty("path", "directory to search")
                                .required("pattern").build()),
                tool("grep", "Search file contents with a regular expression; prints path:line:text.",
                        JsonObjectSchema.builder().addStringProperty("pattern", "Java regular expression")
                                .addStringProperty("path", "file or directory to search; default the root")
                                .addStringProperty("glob", "only files matching this glob").addBooleanProperty("ignore_case")
                                .addIntegerProperty("max_results").required("pattern").build()),
                tool("bash", "Run a bash command in the repository (no network secrets, killed on timeout).",
                        JsonObjectSchema.builder().addStringProperty("command").addIntegerProperty("timeout_seconds")
                                .addStringProperty("cwd", "directory relative to the repository root").required("command").build()),
                tool("git_diff", "Show what has changed in the worktree so far (git diff against the start of this run).",
                        JsonObjectSchema.builder().addProperty("paths", JsonArraySchema.builder().items(new JsonStringSchema()).build()).build()));
    }

    private static ToolSpecification tool(String name, String description, JsonObjectSchema params) {
        return ToolSpecification.builder().name(name).description(description).parameters(params).build();
    }

    /**
     * Arguments as recorded: file contents and long texts replaced by {@code <name>_sha256} and
     * {@code <name>_bytes}, everything else as given (nested objects and arrays too).
     */
    public static ObjectNode canonicalArgs(JsonNode input) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (input == null || !input.isObject()) return out;
        Iterator<Map.Entry<String, JsonNode>> fields = input.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode v = f.getValue();
            if (v.isTextual() && (BULKY.contains(f.getKey()) || v.textValue().length() > INLINE_LIMIT)) {
                byte[] b = v.textValue().getBytes(StandardCharsets.UTF_8);
                out.put(f.getKey() + "_sha256", Sha256.hex(b));
                out.put(f.getKey() + "_bytes", b.length);
            } else if (v.isObject()) {
                out.set(f.getKey(), canonicalArgs(v));
            } else if (v.isArray()) {
                var arr = out.putArray(f.getKey());
                for (JsonNode item : v) arr.add(item.isObject() ? canonicalArgs(item) : item);
            } else if (v.isFloatingPointNumber() && (Double.isNaN(v.doubleValue()) || Double.isInfinite(v.doubleValue()))) {
                out.put(f.getKey(), v.asText());
            } else {
                out.set(f.getKey(), v);
            }
        }
        return out;
    }
}
