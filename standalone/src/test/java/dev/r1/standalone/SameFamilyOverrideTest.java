package dev.r1.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.engines.standins.Recorded;
import dev.r1.standalone.StandInProviders.Case;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventType;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.receipt.Verification;
import dev.r1.testing.EmbeddedStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same task {@link EnginesPipelineTest} sees refused — implemented by a Meta-family model,
 * with only a Meta-family reviewer — on an app whose engines config carries
 * {@code review.same_family_override}: the same-family reviewer decides, its approval is
 * recorded as a block (the rule was not met), and the VERIFY->COMMIT transition in the receipt
 * carries the operator's override naming that decision. The config is read at boot, hence an app
 * of its own.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedStack.class)
@QuarkusTestResource(value = StandInProviders.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = StandInProviders.OVERRIDE, value = "alice: only Meta models are licensed here"))
class SameFamilyOverrideTest {
    @TestHTTPResource("/")
    URL url;

    @Test
    void theOverrideLetsTheSameFamilyReviewDecideAndShowsInTheReceipt() throws Exception {
        Http http = new Http(url.toString());
        Case c = Case.SAME_FAMILY;
        Path origin = Repos.create(Files.createTempDirectory(EmbeddedStack.dataDir(), "override-").resolve("origin.git"),
                Map.of("README.md", StandInProviders.README));
        HttpResponse<String> r = http.post("v1/tasks", "application/json", Specs.bytes(Specs.model(c.task(), origin,
                EnginesPipelineTest.API_GOAL + c.marker(), EnginesPipelineTest.API_TEST, "openai", "llama")));
        assertThat(r.statusCode()).as("POST: %s", r.body()).isEqualTo(202);

        byte[] bytes = Wait.until("the receipt of " + c.task(), Duration.ofMinutes(5), () -> http.receipt(c.task()).orElse(null));
        Verification v = ReceiptCheck.verify(EmbeddedStack.dataDir().resolve("keys"), bytes);
        assertThat(v.valid()).as("the receipt verifies: %s", v.violation()).isTrue();
        assertThat(ReceiptCheck.terminal(v)).isEqualTo("DONE");
        assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain(StandInProviders.KEY);
        assertThat(ToolCalls.executed(v)).isEqualTo(ToolCalls.fromOpenAi(Recorded.OPENAI_1, Recorded.OPENAI_2, Recorded.OPENAI_3));

        List<Event> reviews = v.receipt().events().stream()
                .filter(e -> e.type() == EventType.GATE_DECISION && e.label().equals("cross-family-review")).toList();
        assertThat(reviews).hasSize(1);
        Payload.GateDecision review = (Payload.GateDecision) reviews.get(0).payload();
        assertThat(review.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(review.reason()).startsWith("same-family review: reviewer/llama-3.3-70b (meta) reviewed the work of llama/llama-3.1-8b (meta)"
                + " under the override of alice (only Meta models are licensed here); it approved");

        Payload.PhaseTransition toCommit = v.receipt().events().stream().map(Event::asTransition)
                .filter(t -> t != null && t.from() == Stage.VERIFY && t.to() == Stage.COMMIT).findFirst().orElseThrow();
        assertThat(toCommit.override()).isNotNull();
        assertThat(toCommit.override().operator()).isEqualTo("alice");
        assertThat(toCommit.override().reason()).isEqualTo("only Meta models are licensed here");
        assertThat(toCommit.override().decisions()).containsExactly(reviews.get(0).id());

        assertThat(Repos.show(origin, "main", "hello.txt")).isEqualTo("hello, world\n");
        assertThat(Repos.show(origin, "main", "README.md")).isEqualTo("# Demo\n\nHello from R1.\n");
    }
}
