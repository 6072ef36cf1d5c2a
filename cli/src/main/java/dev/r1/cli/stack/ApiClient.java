package dev.r1.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/** The HTTP API of a running stack: intake (planner) and the ledger's read side. */
public final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final HttpClient http;

    public ApiClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    }

    public URI base() {
        return base;
    }

    /** A request the server refused, with its status and body (problem+json for a bad spec). */
    public static final class Refused extends IOException {
        private final int status;
        private final String body;

        Refused(String what, int status, String body) {
            super(what + " refused with HTTP " + status + (body.isBlank() ? "" : ": " + body.strip()));
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public String body() {
            return body;
        }
    }

    /** {@code GET /q/health/ready} answers 200. */
    public boolean ready() {
        try {
            HttpResponse<Void> r = http.send(get("/q/health/ready").timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code POST /v1/tasks}: returns the task id the planner accepted. */
    public String submit(byte[] spec, String contentType) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(resolve("/v1/tasks")).timeout(TIMEOUT)
                .header("Content-Type", contentType).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(spec)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new Refused("the task", r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        JsonNode task = body.get("task");
        if (task == null || !task.isTextual()) throw new IOException("unexpected answer to POST /v1/tasks: " + r.body());
        return task.textValue();
    }

    /** {@code GET /v1/receipts/{task}}: the receipt file's bytes once the ledger has sealed it. */
    public Optional<byte[]> receipt(String task) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(get("/v1/receipts/" + encode(task)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 404) return Optional.empty();
        if (r.statusCode() != 200) throw new Refused("GET /v1/receipts/" + task, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return Optional.of(r.body());
    }

    /** {@code GET /v1/tasks/{task}}: the ledger's view of a task; empty if it knows none. */
    public Optional<JsonNode> task(String task) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(get("/v1/tasks/" + encode(task)).header("Accept", "application/json")
                .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) return Optional.empty();
        if (r.statusCode() != 200) throw new Refused("GET /v1/tasks/" + task, r.statusCode(), r.body());
        return Optional.of(JSON.readTree(r.body()));
    }

    /** {@code GET /v1/keys}: the raw answer (the ledger's public keys). */
    public HttpResponse<String> keys() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(get("/v1/keys").timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new Refused("GET /v1/keys", r.statusCode(), r.body());
        return r;
    }

    /** One server-sent event. */
    public record Sse(String id, String event, String data) {}

    /**
     * Follows {@code GET /v1/tasks/{task}/events} as server-sent events from {@code lastEventId}
     * (null: from the start), handing each to {@code handler} until it returns true (done) or
     * the server closes the stream. Returns the id of the last event seen (or {@code lastEventId}).
     *
     * @throws ConnectException and other I/O errors when the stream breaks; callers reconnect
     */
    public String follow(String task, String lastEventId, Predicate<Sse> handler, boolean[] done)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = get("/v1/tasks/" + encode(task) + "/events").header("Accept", "text/event-stream");
        if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            String body;
            try (InputStream in = r.body()) {
                body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            throw new Refused("GET /v1/tasks/" + task + "/events", r.statusCode(), body);
        }
        String last = lastEventId;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = new StringBuilder();
            boolean any = false;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (any) {
                        if (id != null) last = id;
                        Sse sse = new Sse(id, event, data.toString());
                        id = null;
                        event = null;
                        data.setLength(0);
                        any = false;
                        if (handler.test(sse)) {
                            done[0] = true;
                            return last;
                        }
                    }
                    continue;
                }
                if (line.startsWith(":")) continue;
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) value = value.substring(1);
                switch (field) {
                    case "id" -> {
                        id = value;
                        any = true;
                    }
                    case "event" -> {
                        event = value;
                        any = true;
                    }
                    case "data" -> {
                        if (!data.isEmpty()) data.append('\n');
                        data.append(value);
                        any = true;
                    }
                    default -> { }
                }
            }
        }
        return last;
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(resolve(path)).GET();
    }

    URI resolve(String path) {
        return base.resolve(path);
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
