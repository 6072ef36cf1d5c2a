package dev.r1.ledger.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.r1.ledger.LedgerKey;
import dev.r1.ledger.LedgerRebuild;
import dev.r1.ledger.store.LedgerStore;
import dev.r1.stoke.Sha256;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The ledger's read API: tasks, their events (JSON or SSE), receipts, blobs and keys; and the rebuild. */
@Path("/v1")
@Tag(name = "ledger")
public class LedgerResource {
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** The most events one JSON answer holds. */
    private static final int MAX_EVENTS = 100_000;

    private final LedgerStore store;
    private final LedgerKey key;
    private final LedgerRebuild rebuild;
    private final Duration ssePoll;

    public LedgerResource(LedgerStore store, LedgerKey key, LedgerRebuild rebuild,
            @ConfigProperty(name = "r1.ledger.sse.poll", defaultValue = "PT0.2S") Duration ssePoll) {
        this.store = store;
        this.key = key;
        this.rebuild = rebuild;
        this.ssePoll = ssePoll;
    }

    /** A task as the ledger sees it; {@code t} values are seconds since the task started. */
    public record TaskView(
            String task,
            String state,
            long events,
            @JsonProperty("receipt_digest") String receiptDigest,
            @JsonProperty("first_t") double firstT,
            @JsonProperty("last_t") double lastT) {}

    public record KeyView(String kid, String pem) {}

    @GET
    @Path("tasks/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A task's state (running, DONE or FAILED), event count, receipt digest and time span")
    public Uni<TaskView> task(@PathParam("id") String id) {
        checkTask(id);
        return store.task(id).map(t -> {
            if (t == null) throw Problem.notFound("the ledger holds no event of task " + id);
            return new TaskView(t.task(), t.terminal() == null ? "running" : t.terminal(), t.events(), t.receiptDigest(),
                    t.firstMillis() / 1000.0, t.lastMillis() / 1000.0);
        });
    }

    @GET
    @Path("tasks/{id}/events")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A task's events as a JSON array of canonical event objects, in arrival order")
    public Uni<Response> events(@PathParam("id") String id) {
        checkTask(id);
        return store.events(id, 0, MAX_EVENTS).map(rows -> {
            if (rows.isEmpty()) throw Problem.notFound("the ledger holds no event of task " + id);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write('[');
            for (int i = 0; i < rows.size(); i++) {
                if (i > 0) out.write(',');
                out.writeBytes(rows.get(i).canonical());
            }
            out.write(']');
            return Response.ok(out.toByteArray(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @GET
    @Path("tasks/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @NonBlocking
    @Operation(summary = "A task's events as server-sent events (id = arrival sequence, data = canonical JSON);"
            + " resumes after Last-Event-ID and closes after the terminal transition")
    public void stream(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId,
            @Context SseEventSink sink, @Context Sse sse) {
        checkTask(id);
        long after = 0;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = Long.parseLong(lastEventId.trim());
            } catch (NumberFormatException e) {
                throw Problem.badRequest("Last-Event-ID must be an event sequence number, got " + lastEventId);
            }
        }
        new EventFeed(store, id, after, sink, sse, Vertx.currentContext(), ssePoll).start();
    }

    @GET
    @Path("receipts/{task}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The task's signed receipt file (JCS bytes)")
    public Uni<Response> receipt(@PathParam("task") String task) {
        checkTask(task);
        return store.receipt(task).map(r -> {
            if (r == null) throw Problem.notFound("task " + task + " has no sealed receipt");
            return Response.ok(r.file(), MediaType.APPLICATION_JSON_TYPE).header("ETag", "\"" + r.digest() + "\"").build();
        });
    }

    @GET
    @Path("blobs/{hash}")
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "An artifact's bytes by SHA-256, with its media type")
    public Uni<Response> blob(@PathParam("hash") String hash) {
        if (!Sha256.isHex(hash)) throw Problem.badRequest("a blob hash is 64 lowercase hex digits, got " + hash);
        return store.blob(hash).map(b -> {
            if (b == null) throw Problem.notFound("no blob " + hash);
            return Response.ok(b.bytes).type(b.mediaType).header("ETag", "\"" + b.hash + "\"").build();
        });
    }

    @GET
    @Path("keys")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The public keys receipts are signed with: the ledger's current key first")
    public List<KeyView> keys() {
        return key.publicKeys().stream().map(k -> new KeyView(k.keyId(), k.toPem())).toList();
    }

    @POST
    @Path("admin/rebuild")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Wipes the ledger's tables and replays r1.blobs and r1.events from offset 0")
    public LedgerRebuild.Report rebuild() {
        return rebuild.run();
    }

    private static void checkTask(String id) {
        if (!TASK_ID.matcher(id).matches()) throw Problem.badRequest("a task id is 1-128 characters of [A-Za-z0-9._:-]");
    }
}
