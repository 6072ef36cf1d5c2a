package dev.r1.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A task spec file on its way to {@code POST /v1/tasks}. YAML or JSON is read here only to
 * resolve a repository given as a path relative to the spec file; the server checks every
 * field, so a file this cannot read is sent as it is and refused there with its reasons.
 */
public final class SpecFile {
    private static final ObjectMapper YAML = new YAMLMapper();

    private SpecFile() {}

    /** The body and content type to submit. */
    public record Body(byte[] bytes, String contentType) {}

    public static Body load(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        ObjectNode spec = parse(raw);
        if (spec == null) {
            String name = file.getFileName().toString();
            return new Body(raw, name.endsWith(".json") ? "application/json" : "application/yaml");
        }
        resolveRepository(spec, file.toAbsolutePath().getParent());
        return new Body(ApiClient.JSON.writeValueAsBytes(spec), "application/json");
    }

    /** The spec as a JSON object, or null when it is not a YAML/JSON mapping. */
    public static ObjectNode parse(byte[] raw) {
        try {
            JsonNode node = YAML.readTree(raw);
            return node instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * A {@code repository} that names a directory relative to the spec file becomes absolute,
     * since the server resolves paths from its own working directory. URLs and absolute paths
     * stay as they are.
     */
    static void resolveRepository(ObjectNode spec, Path base) {
        JsonNode repo = spec.get("repository");
        if (repo == null || !repo.isTextual()) return;
        String r = repo.textValue();
        if (r.contains("://") || r.startsWith("/") || r.contains("@")) return;
        Path candidate = base.resolve(r).normalize();
        if (Files.isDirectory(candidate)) spec.put("repository", candidate.toString());
    }
}
