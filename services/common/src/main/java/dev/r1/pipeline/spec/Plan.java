package dev.r1.pipeline.spec;

import java.util.List;

/** What the planner proposes: a summary, an estimated cost and the paths it expects to touch. */
public record Plan(String summary, double estimatedCostUsd, List<String> paths) {
    public Plan {
        paths = List.copyOf(paths);
    }
}
