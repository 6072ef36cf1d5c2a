package dev.r1.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1.pipeline.flow.Handoff;
import dev.r1.pipeline.spec.InvalidSpecException;
import dev.r1.pipeline.spec.TaskSpec;
import dev.r1.pipeline.spec.TaskSpecs;
import dev.r1.stoke.event.Stage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TaskIntakeTest {
    private static final String VALID = """
            repository: /srv/origin.git
            goal: Add a greeting
            test_command: "true"
            engine: {kind: scripted, attempts: [[{thought: hi}]]}
            """;

    @Test
    void assignsAnIdWhenTheSpecHasNone() {
        TaskSpec spec = TaskIntake.accept(VALID.getBytes(StandardCharsets.UTF_8));
        assertThat(spec.id()).matches("t-[0-9a-z]{16}");
        // What goes on r1.tasks reads back as the same spec, id included, and starts the task.
        Handoff start = PlannerService.decode(TaskIntake.record(spec));
        assertThat(start.task()).isEqualTo(spec.id());
        assertThat(start.stage()).isEqualTo(Stage.PLAN);
        assertThat(start.cause()).isNull();
        assertThat(start.taskSpec().goal()).isEqualTo("Add a greeting");
    }

    @Test
    void keepsAGivenIdAndReadsJsonToo() {
        TaskSpec spec = TaskIntake.accept("""
                {"id": "t-mine", "repository": "r", "goal": "g", "test_command": "t",
                 "engine": {"kind": "scripted", "attempts": [[{"thought": "x"}]]}}
                """.getBytes(StandardCharsets.UTF_8));
        assertThat(spec.id()).isEqualTo("t-mine");
    }

    @Test
    void anInvalidSpecIsAProblemNamingEveryBadField() {
        byte[] bad = """
                goal: 3
                budget: {max_cost_usd: -1, max_attempts: 0}
                colour: blue
                engine: {kind: scripted}
                """.getBytes(StandardCharsets.UTF_8);
        InvalidSpecException e = (InvalidSpecException) org.assertj.core.api.Assertions.catchThrowable(() -> TaskIntake.accept(bad));
        JsonNode problem = TaskIntake.invalid(e);
        assertThat(problem.get("status").intValue()).isEqualTo(400);
        assertThat(problem.get("problems").findValuesAsText("field")).contains("repository", "goal", "test_command",
                "colour", "budget.max_cost_usd", "budget.max_attempts", "engine.attempts");
        assertThat(problem.get("problems").get(0).has("message")).isTrue();
    }

    @Test
    void anEmptyBodyIsAProblemToo() {
        assertThatThrownBy(() -> TaskIntake.accept(new byte[0])).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void theTasksTopicRefusesASpecWithoutAnId() {
        assertThatThrownBy(() -> PlannerService.decode(TaskSpecs.toJson(TaskSpecs.parse(VALID.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
        assertThatThrownBy(() -> PlannerService.decode("[1, 2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidSpecException.class);
    }
}
