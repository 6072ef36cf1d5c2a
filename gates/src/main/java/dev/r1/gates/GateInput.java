package dev.r1.gates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.r1.stoke.event.Phase;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a gate may look at, for one checkpoint of one task. Services build it with
 * {@link #at(Checkpoint, Task)}; a field a checkpoint has no value for stays empty (no plan
 * after PLAN, no tool call at a transition, {@link Diff#EMPTY} before EXECUTE).
 *
 * @param role the actor whose action is gated: the engine's role for tool calls
 *     ({@code "agent"}), the service's for transitions ({@code "planner"}, {@code "executor"}, ...)
 * @param worktree the checked-out change, for gates that run commands on files (syntax, lint)
 */
public record GateInput(
        Checkpoint checkpoint,
        Task task,
        Optional<Plan> plan,
        Optional<ToolCall> tool,
        Diff diff,
        String role,
        Usage usage,
        Optional<Path> worktree) {

    public GateInput {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(diff, "diff");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(worktree, "worktree");
    }

    /**
     * The task spec fields gates read.
     *
     * @param phase the phase the task is in when the gate runs (for a transition X->Y, X)
     * @param scope globs the task may touch ({@code **} = anything)
     * @param baseRef the commit or ref the change is diffed against, for commands that need it
     */
    public record Task(String id, String goal, Phase phase, List<String> scope, double maxCostUsd, int maxToolCalls,
                       Optional<String> baseRef) {
        public Task {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(goal, "goal");
            Objects.requireNonNull(phase, "phase");
            scope = List.copyOf(scope);
            Objects.requireNonNull(baseRef, "baseRef");
        }

        /** A task with the spec defaults: scope {@code **}, $1.00, 200 tool calls, no base ref. */
        public static Task of(String id, String goal, Phase phase) {
            return new Task(id, goal, phase, List.of("**"), 1.0, 200, Optional.empty());
        }

        public Task withScope(List<String> scope) {
            return new Task(id, goal, phase, scope, maxCostUsd, maxToolCalls, baseRef);
        }

        public Task withBudget(double maxCostUsd, int maxToolCalls) {
            return new Task(id, goal, phase, scope, maxCostUsd, maxToolCalls, baseRef);
        }

        public Task withBaseRef(String ref) {
            return new Task(id, goal, phase, scope, maxCostUsd, maxToolCalls, Optional.of(ref));
        }

        public Task withPhase(Phase phase) {
            return new Task(id, goal, phase, scope, maxCostUsd, maxToolCalls, baseRef);
        }
    }

    /** What the planner proposes: an estimated cost and the paths it expects to touch. */
    public record Plan(String summary, double estimatedCostUsd, List<String> paths) {
        public Plan {
            Objects.requireNonNull(summary, "summary");
            paths = List.copyOf(paths);
        }
    }

    /**
     * One tool call an engine wants to make.
     *
     * @param args the call's arguments as recorded in its TOOL_CALL event
     * @param path the file it writes or edits, if any
     * @param content the text it would write: the whole file for a write, the new text for an edit
     */
    public record ToolCall(String name, JsonNode args, Optional<String> path, Optional<String> content) {
        public ToolCall {
            Objects.requireNonNull(name, "name");
            args = args == null ? JsonNodeFactory.instance.objectNode() : args;
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(content, "content");
        }

        public static ToolCall run(String command) {
            return new ToolCall("run", JsonNodeFactory.instance.objectNode().put("command", command), Optional.empty(), Optional.empty());
        }

        public static ToolCall write(String path, String content) {
            return new ToolCall("write", JsonNodeFactory.instance.objectNode().put("path", path), Optional.of(path), Optional.of(content));
        }

        public static ToolCall edit(String path, String newText) {
            return new ToolCall("edit", JsonNodeFactory.instance.objectNode().put("path", path), Optional.of(path), Optional.of(newText));
        }

        /**
         * The tool's family, so rules need not know every engine's spelling:
         * {@code read}, {@code write}, {@code edit}, {@code run} or {@code other}.
         */
        public String kind() {
            String n = name.toLowerCase(Locale.ROOT);
            return switch (n) {
                case "read", "read_file", "view", "cat" -> "read";
                case "write", "write_file", "create_file", "create" -> "write";
                case "edit", "edit_file", "str_replace", "apply_patch", "patch" -> "edit";
                case "run", "run_command", "bash", "shell", "exec", "execute_command" -> "run";
                default -> "other";
            };
        }

        /** The command of a {@code run} call, or "". */
        public String command() {
            JsonNode c = args.get("command");
            return c == null || c.isNull() ? "" : c.isTextual() ? c.asText() : c.toString();
        }
    }

    /** What the task has used so far. */
    public record Usage(double spentUsd, int toolCalls) {
        public static final Usage NONE = new Usage(0, 0);
    }

    public static Builder at(Checkpoint checkpoint, Task task) {
        return new Builder(checkpoint, task);
    }

    public static final class Builder {
        private final Checkpoint checkpoint;
        private final Task task;
        private Plan plan;
        private ToolCall tool;
        private Diff diff = Diff.EMPTY;
        private String role = "agent";
        private Usage usage = Usage.NONE;
        private Path worktree;

        private Builder(Checkpoint checkpoint, Task task) {
            this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
            this.task = Objects.requireNonNull(task, "task");
        }

        public Builder plan(Plan plan) {
            this.plan = plan;
            return this;
        }

        /** The tool call; for a write or edit with content, the diff defaults to that content as added lines. */
        public Builder tool(ToolCall tool) {
            this.tool = tool;
            return this;
        }

        public Builder diff(Diff diff) {
            this.diff = Objects.requireNonNull(diff, "diff");
            return this;
        }

        public Builder role(String role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        public Builder usage(Usage usage) {
            this.usage = Objects.requireNonNull(usage, "usage");
            return this;
        }

        public Builder worktree(Path worktree) {
            this.worktree = worktree;
            return this;
        }

        public GateInput build() {
            Diff d = diff;
            if (d.isEmpty() && tool != null && tool.path().isPresent() && tool.content().isPresent()) {
                d = Diff.ofWrite(tool.path().get(), tool.content().get());
            }
            return new GateInput(checkpoint, task, Optional.ofNullable(plan), Optional.ofNullable(tool), d, role, usage,
                    Optional.ofNullable(worktree));
        }
    }
}
