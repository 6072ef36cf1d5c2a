package dev.r1.engines.standins;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;

/**
 * A local stand-in for a model API on 127.0.0.1 (WireMock): answers the provider's endpoint
 * ({@code /v1/chat/completions} or {@code /v1/messages}) with a recorded sequence of responses,
 * one per call, in order.
 */
public final class ProviderServer implements AutoCloseable {
    public static final String OPENAI_PATH = "/v1/chat/completions";
    public static final String ANTHROPIC_PATH = "/v1/messages";

    private final WireMockServer server;
    private final String path;

    private ProviderServer(String path) {
        this.path = path;
        server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .containerThreads(8).jettyAcceptors(1));
        server.start();
    }

    public static ProviderServer openai() {
        return new ProviderServer(OPENAI_PATH);
    }

    public static ProviderServer anthropic() {
        return new ProviderServer(ANTHROPIC_PATH);
    }

    /** The base URL to configure: {@code http://127.0.0.1:PORT/v1} (openai) or {@code .../v1/} (anthropic). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + (path.equals(OPENAI_PATH) ? "/v1" : "/v1/");
    }

    /** Answers the calls in order with these responses; the last one repeats. */
    public ProviderServer replies(ResponseDefinitionBuilder... responses) {
        return replies(List.of(), responses);
    }

    /**
     * Answers the calls whose body contains every one of {@code markers} in order with these
     * responses; the last one repeats. Each set of markers is its own conversation, so one server
     * can stand in for a provider that several tasks, roles or plan items call at the same time.
     * A later set takes precedence over an earlier one that also matches.
     */
    public ProviderServer replies(List<String> markers, ResponseDefinitionBuilder... responses) {
        String scenario = markers.isEmpty() ? "exchange" : "exchange " + String.join(" + ", markers);
        String state = Scenario.STARTED;
        for (int i = 0; i < responses.length; i++) {
            String next = i + 1 < responses.length ? "call-" + (i + 2) : state;
            MappingBuilder call = post(urlPathEqualTo(path));
            for (String m : markers) call = call.withRequestBody(containing(m));
            server.stubFor(call.inScenario(scenario).whenScenarioStateIs(state).willReturn(responses[i]).willSetStateTo(next));
            state = next;
        }
        return this;
    }

    public static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    public static ResponseDefinitionBuilder status(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** A 200 whose JSON stops halfway. */
    public static ResponseDefinitionBuilder truncated(String body) {
        return json(body.substring(0, body.length() / 2));
    }

    public static ResponseDefinitionBuilder malformed() {
        return json("<html><body>502 Bad Gateway</body></html>");
    }

    public static ResponseDefinitionBuilder connectionReset() {
        return aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
    }

    public static ResponseDefinitionBuilder slow(String body, int millis) {
        return json(body).withFixedDelay(millis);
    }

    public List<LoggedRequest> requests() {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathEqualTo(path)));
    }

    @Override
    public void close() {
        server.stop();
    }
}
