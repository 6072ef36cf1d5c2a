package dev.r1.engines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1.pipeline.spec.Plan;
import dev.r1.pipeline.spec.TaskSpec;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** PLAN with a model: the planner route is asked for a task list, which becomes the plan and its items. */
public final class ModelPlanner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Engines engines;

    public ModelPlanner(Engines engines) {
        this.engines = engines;
    }

    public record Result(Plan plan, List<PlanItem> items, Engines.Answer answer) {}

    /**
     * @throws EngineException when no planner answers or the answer is not a plan
     */
    public Result plan(TaskSpec spec, CostMeter meter, Path dir) {
        Engines.Answer a = engines.ask(engines.route(Role.PLANNER, spec), Prompts.PLANNER, prompt(spec), meter, dir);
        String t = a.text() == null ? "" : a.text();
        int start = t.indexOf('{');
        int end = t.lastIndexOf('}');
        try {
            if (start < 0 || end <= start) throw new IllegalArgumentException("no JSON object in it");
            JsonNode n = JSON.readTree(t.substring(start, end + 1));
            List<PlanItem> items = PlanItem.fromJson(n.path("items"));
            Set<String> paths = new LinkedHashSet<>();
            items.forEach(i -> paths.addAll(i.paths()));
            Plan plan = new Plan(n.path("summary").asText(""), Math.max(0, n.path("estimated_cost_usd").asDouble(0)), List.copyOf(paths));
            return new Result(plan, items, a);
        } catch (Exception e) {
            throw new EngineException("the planner's answer (" + a.who() + ") is not the JSON plan asked for: " + e.getMessage());
        }
    }

    static String prompt(TaskSpec spec) {
        return "Task: " + spec.goal().strip() + "\nScope (globs of files that may change): " + spec.scope() + "\nTests: " + spec.testCommand()
                + "\nBudget: " + CostMeter.usd(spec.budget().maxCostUsd()) + "\n";
    }
}
