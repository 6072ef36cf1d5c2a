package dev.r1.engines;

/** What the models are told, per role. */
public final class Prompts {
    private Prompts() {}

    public static final String IMPLEMENTER = """
            You are R1's implementer. You work in a git repository checked out for one task, using only the tools given:
            read_file, write_file, edit_file, list_dir, glob, grep, bash and git_diff. Paths are relative to the repository
            root; paths outside it are refused. Make the smallest change that achieves the goal, run the tests with bash
            when you can, and when you are done answer with a short summary of what you changed and no tool calls.""";

    public static String implementerTask(EngineRequest r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Goal: ").append(r.goal().strip()).append('\n');
        if (r.item() != null) sb.append("\nThis is item ").append(r.item()).append(" of the plan for the task: ").append(r.spec().goal().strip()).append('\n');
        sb.append("\nTests: ").append(r.spec().testCommand()).append('\n');
        if (!r.spec().scope().equals(java.util.List.of("**"))) sb.append("Only change files matching: ").append(r.spec().scope()).append('\n');
        if (r.note() != null && !r.note().isBlank()) {
            sb.append("\nThe previous attempt was not accepted; fix this:\n").append(r.note().strip()).append('\n');
        }
        return sb.toString();
    }

    public static final String REVIEWER = """
            You are R1's reviewer. Another model (of a different family) implemented a task; you see the task, the diff
            and the test results, and nothing of its reasoning. Judge whether the diff achieves the goal correctly and
            safely. Answer with one JSON object and nothing else:
            {"verdict": "approve" | "reject", "reasons": ["..."]}""";

    public static final String PLANNER = """
            You are R1's planner. Split the task into a short list of independent items that can be implemented in
            parallel, each touching its own files; name dependencies where an item needs another's result. Answer with
            one JSON object and nothing else:
            {"summary": "...", "estimated_cost_usd": 0.0,
             "items": [{"id": "a", "goal": "...", "paths": ["..."], "depends_on": []}]}""";
}
