package dev.r1.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.receipt.ReceiptSealer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Following a task over SSE against a stand-in ledger whose first stream breaks off midway:
 * the follower reconnects with Last-Event-ID, sees every event once, stops at the terminal
 * transition, then fetches the receipt and verifies it with the key from GET /v1/keys.
 */
class FollowAndReceiptTest {
    @TempDir
    Path tmp;

    HttpServer server;
    final List<String> lastEventIds = new CopyOnWriteArrayList<>();
    List<Event> events;
    byte[] receipt;
    SigningKey key = SigningKey.generate();

    @BeforeEach
    void ledger() throws IOException {
        Event root = EventCodec.create("t-1", Phase.PLAN, 0, "START->PLAN", null, null, List.of(), null,
                new Payload.PhaseTransition(Stage.START, Stage.PLAN, List.of(), null));
        Event gate = EventCodec.create("t-1", Phase.PLAN, 1, "budget", null, null, List.of(root.id()), null,
                new Payload.GateDecision("budget", new Transition(Stage.PLAN, Stage.EXECUTE), Verdict.BLOCK, "estimated $5 is over the budget of $1"));
        Event failed = EventCodec.create("t-1", Phase.PLAN, 2, "PLAN->FAILED", null, null, List.of(gate.id()), null,
                new Payload.PhaseTransition(Stage.PLAN, Stage.FAILED, List.of(), null));
        events = List.of(root, gate, failed);
        receipt = new ReceiptSealer(key).seal(events).file();

        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/v1/tasks/t-1/events", this::stream);
        server.createContext("/v1/receipts/t-1", x -> send(x, 200, "application/json", receipt));
        server.createContext("/v1/keys", x -> send(x, 200, "application/json",
                ("[{\"kid\":\"" + key.keyId() + "\",\"pem\":" + ApiClient.JSON.writeValueAsString(key.verifyingKey().toPem()) + "}]")
                        .getBytes(StandardCharsets.UTF_8)));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** First connection: events 1 and 2, then the connection breaks. Later ones resume after Last-Event-ID. */
    private void stream(HttpExchange x) throws IOException {
        String last = x.getRequestHeaders().getFirst("Last-Event-ID");
        lastEventIds.add(String.valueOf(last));
        int from = last == null ? 0 : Integer.parseInt(last);
        x.getResponseHeaders().add("Content-Type", "text/event-stream");
        // The first answer promises more bytes than it sends, so the client sees the connection
        // break in the middle of the stream, not a clean end.
        x.sendResponseHeaders(200, last == null ? 1_000_000 : 0);
        try (OutputStream out = x.getResponseBody()) {
            int to = last == null ? 2 : events.size();
            for (int seq = from + 1; seq <= to; seq++) {
                String data = new String(EventCodec.canonical(events.get(seq - 1)), StandardCharsets.UTF_8);
                out.write(("id:" + seq + "\n" + "data:" + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().add("Content-Type", type);
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @Test
    void followsAcrossAReconnectThenVerifiesTheReceipt() throws Exception {
        ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
        List<JsonNode> seen = new ArrayList<>();
        StringWriter text = new StringWriter();
        Progress progress = new Progress(new PrintWriter(text), null);
        TaskFollower.Outcome outcome = TaskFollower.follow(api, "t-1", null, Duration.ofSeconds(30), e -> {
            seen.add(e);
            progress.accept(e);
        });
        assertThat(outcome.terminal()).isEqualTo("FAILED");
        assertThat(outcome.events()).isEqualTo(3);
        assertThat(seen).extracting(e -> e.path("id").asText()).containsExactly(events.get(0).id(), events.get(1).id(), events.get(2).id());
        assertThat(lastEventIds).containsExactly("null", "2");
        assertThat(text.toString()).contains("==> START -> PLAN", "gate budget", "BLOCK", "over the budget", "==> PLAN -> FAILED");

        Stack stack = new Stack(DataDir.of(tmp));
        TaskResult r = TaskResult.seal(stack, api, "t-1", outcome.terminal(), outcome.events());
        assertThat(r.verifies()).isTrue();
        assertThat(r.terminal()).isEqualTo("FAILED");
        assertThat(r.receipt()).isEqualTo(tmp.resolve("receipts/t-1.json"));
        assertThat(Files.readAllBytes(r.receipt())).isEqualTo(receipt);
        assertThat(tmp.resolve("keys/ledger.pub.pem")).hasContent(key.verifyingKey().toPem().strip());
        assertThat(RunCommand.exit(r)).isEqualTo(1);
    }

    @Test
    void problemsAreListedOnePerLine() {
        String body = "{\"type\":\"about:blank\",\"title\":\"Invalid task spec\",\"status\":400,"
                + "\"problems\":[{\"field\":\"goal\",\"message\":\"required\"},{\"field\":\"engine.kind\",\"message\":\"unknown engine x\"}]}";
        assertThat(Problems.describe(body)).isEqualTo("  Invalid task spec\n  - goal: required\n  - engine.kind: unknown engine x");
    }

    @Test
    void aRelativeRepositoryIsResolvedAgainstTheSpecFile() throws Exception {
        Files.createDirectories(tmp.resolve("repos/calc.git"));
        Path spec = tmp.resolve("task.yaml");
        Files.writeString(spec, "id: a\nrepository: repos/calc.git\ngoal: g\n");
        SpecFile.Body body = SpecFile.load(spec);
        assertThat(body.contentType()).isEqualTo("application/json");
        assertThat(ApiClient.JSON.readTree(body.bytes()).path("repository").asText()).isEqualTo(tmp.resolve("repos/calc.git").toString());

        Files.writeString(spec, "id: [unclosed\n");
        assertThat(SpecFile.load(spec).contentType()).isEqualTo("application/yaml");
    }
}
