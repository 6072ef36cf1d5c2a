package dev.r1.cli.approve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.r1.cli.R1;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ApproveCommandTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private final List<String> auth = new ArrayList<>();
    private final List<JsonNode> bodies = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/tasks/", ex -> {
            paths.add(ex.getRequestURI().getPath());
            String a = ex.getRequestHeaders().getFirst("Authorization");
            auth.add(a);
            bodies.add(new ObjectMapper().readTree(ex.getRequestBody().readAllBytes()));
            boolean operator = "Bearer op".equals(a);
            byte[] out = (operator ? "{\"task\":\"t-1\"}" : "{\"detail\":\"bob does not have the operator role\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(operator ? 202 : 403, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private record Run(int exit, String out, String err) {}

    private Run r1(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = R1.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String api() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void approvesWithTheOperatorsToken() {
        Run r = r1("approve", "t-1", "--gate", "budget", "--reason", "fine", "--api", api(), "--token", "op");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("approved gate budget of t-1");
        assertThat(paths).containsExactly("/v1/tasks/t-1/approvals");
        assertThat(bodies.get(0).get("decision").textValue()).isEqualTo("approve");
        assertThat(bodies.get(0).get("reason").textValue()).isEqualTo("fine");
    }

    @Test
    void rejectsAndReadsTheTokenFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("tokens"), "# TOKEN NAME ROLES\nview bob viewer\nop alice operator\n");
        Run r = r1("approve", "t-1", "--gate", "policy", "--reason", "no", "--reject", "--api", api(), "--token-file", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(auth).containsExactly("Bearer op");
        assertThat(bodies.get(0).get("decision").textValue()).isEqualTo("reject");
    }

    @Test
    void aRefusalIsReported() {
        Run r = r1("approve", "t-1", "--gate", "budget", "--reason", "fine", "--api", api(), "--token", "view");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("403").contains("operator role");
    }
}
