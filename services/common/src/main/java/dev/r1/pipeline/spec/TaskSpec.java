package dev.r1.pipeline.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A coding task as submitted. {@code id} is null when the submitter leaves it to R1;
 * deterministic runs must fix it. {@code source} is the spec as submitted, normalised to
 * JSON, which is what travels in hand-offs.
 */
public record TaskSpec(
        String id,
        String repository,
        String baseRef,
        String targetBranch,
        String goal,
        Engine engine,
        Budget budget,
        String testCommand,
        String gates,
        List<String> scope,
        boolean deterministic,
        ObjectNode source) {

    public TaskSpec {
        scope = List.copyOf(scope);
    }
}
