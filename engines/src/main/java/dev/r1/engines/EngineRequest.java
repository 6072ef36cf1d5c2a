package dev.r1.engines;

import dev.r1.pipeline.spec.TaskSpec;
import java.nio.file.Path;

/**
 * One agent run to start: the task, which EXECUTE attempt, what the previous attempt left to fix
 * ({@code note}, null on the first), the worktree it works in, the money it may spend, and the
 * goal of this run (the task's goal, or one plan item's).
 */
public record EngineRequest(TaskSpec spec, int attempt, String note, Path worktree, CostMeter meter, String goal, String item) {
    public static EngineRequest of(TaskSpec spec, int attempt, String note, Path worktree, CostMeter meter) {
        return new EngineRequest(spec, attempt, note, worktree, meter, spec.goal(), null);
    }

    public EngineRequest forItem(String itemId, String itemGoal, Path itemWorktree, String itemNote) {
        return new EngineRequest(spec, attempt, itemNote, itemWorktree, meter, itemGoal, itemId);
    }
}
