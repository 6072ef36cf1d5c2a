package dev.r1.planner;

import static dev.r1.engines.standins.ProviderServer.json;
import static dev.r1.engines.standins.ProviderServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1.engines.Engines;
import dev.r1.engines.PlanItem;
import dev.r1.engines.config.R1Config;
import dev.r1.engines.standins.ProviderServer;
import dev.r1.engines.standins.Recorded;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.flow.PhaseOutcome;
import dev.r1.pipeline.flow.TaskClock;
import dev.r1.pipeline.flow.TaskTrace;
import dev.r1.pipeline.spec.TaskSpecs;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelPlanTest {
    static final String KEY = "sk-plan-0f1e2d3c4b5a69788";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PLAN = """
            {"summary":"Greeting in two files","estimated_cost_usd":0.12,"items":[
              {"id":"a","goal":"Add hello.txt","paths":["hello.txt"],"depends_on":[]},
              {"id":"b","goal":"Greet from the README","paths":["README.md"],"depends_on":[]},
              {"id":"c","goal":"Mention hello.txt in the README","paths":["README.md"],"depends_on":["a","b"]}]}""";

    static String answer(String text) throws Exception {
        return Recorded.OPENAI_3.replace("\"Added hello.txt and updated the README greeting.\"", JSON.writeValueAsString(text));
    }

    record Run(PhaseOutcome outcome, List<Event> recorded, ListSink sink) {}

    static Run plan(Engines engines) {
        String yaml = """
                id: t-mplan
                repository: /srv/origin.git
                goal: Add a greeting
                test_command: "true"
                scope: ["*.txt", "README.md"]
                budget: {max_cost_usd: 0.5}
                engine: {kind: openai}
                """;
        Handoff h = Handoff.start(TaskSpecs.parse(yaml.getBytes(StandardCharsets.UTF_8)), 0);
        ListSink sink = new ListSink();
        TaskTrace trace = new TaskTrace(h.task(), Phase.PLAN, TaskClock.resume(h, true), sink, h.cause());
        PhaseOutcome outcome = new PlanPhase(engines).run(h, trace);
        return new Run(outcome, trace.recorded(), sink);
    }

    static Engines engines(ProviderServer server) {
        return new Engines(R1Config.parse("""
                providers:
                  p: {kind: openai, base_url: "%s", key_env: K, models: [{name: gpt-4o, input_usd_per_mtok: 2.5, output_usd_per_mtok: 10}]}
                routes: {planner: [p]}
                """.formatted(server.baseUrl()), "test"), Map.of("K", KEY));
    }

    @Test
    void theModelsTaskListIsThePlanAndItsItemsGoToExecute() throws Exception {
        try (ProviderServer server = ProviderServer.openai().replies(json(answer("Here is the plan:\n```json\n" + PLAN + "\n```")))) {
            Run run = plan(engines(server));
            Event artifact = run.recorded().get(1);
            String doc = new String(run.sink().blobs.get(((Payload.Artifact) artifact.payload()).contentHash()), StandardCharsets.UTF_8);
            assertThat(doc).contains("\"summary\":\"Greeting in two files\"").contains("\"estimated_cost_usd\":0.12")
                    .contains("\"paths\":[\"hello.txt\",\"README.md\"]").contains("\"depends_on\":[\"a\",\"b\"]");
            assertThat(artifact.x().path("usage").path("provider").asText()).isEqualTo("p");
            assertThat(artifact.x().path("planner").path("model").asText()).isEqualTo("gpt-4o");
            assertThat(run.outcome().transition().label()).isEqualTo("PLAN->EXECUTE");
            List<PlanItem> items = PlanItem.fromNote(run.outcome().next().note());
            assertThat(items).extracting(PlanItem::id).containsExactly("a", "b", "c");
            assertThat(PlanItem.waves(items)).extracting(w -> w.stream().map(PlanItem::id).toList())
                    .containsExactly(List.of("a", "b"), List.of("c"));
            assertThat(PlanItem.spentFromNote(run.outcome().next().note())).isGreaterThan(0);
            assertThat(server.requests().get(0).getBodyAsString()).contains("Add a greeting");
            for (Event e : run.recorded()) assertThat(new String(EventCodec.canonical(e), StandardCharsets.UTF_8)).doesNotContain(KEY);
        }
    }

    @Test
    void anUnusablePlannerIsRecordedAndTheTaskGoesOnWithItsOwnPlan() throws Exception {
        for (var reply : List.of(json(answer("I think you should just do it.")), status(500, Recorded.ANTHROPIC_OVERLOADED))) {
            try (ProviderServer server = ProviderServer.openai().replies(reply)) {
                Run run = plan(engines(server));
                assertThat(run.recorded().get(1).label()).isEqualTo("plan-error");
                assertThat(run.recorded().get(1).detail()).contains("planning with a model failed");
                assertThat(run.outcome().transition().label()).isEqualTo("PLAN->EXECUTE");
            }
        }
    }
}
