package dev.r1.planner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.pipeline.spec.InvalidSpecException;
import dev.r1.pipeline.spec.TaskSpec;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/** Task intake: {@code POST /v1/tasks} with a spec in YAML or JSON puts it on r1.tasks for the planner. */
// The class path is /v1, not /v1/tasks: in the all-in-one app the ledger's read API
// (GET /v1/tasks/{id}, ...) is also under /v1, and Quarkus REST routes a request within the one
// resource class whose path matches it best, so a /v1/tasks class would hide the ledger's.
@Path("/v1")
public class TaskResource {
    private static final Logger LOG = Logger.getLogger(TaskResource.class);
    static final String PROBLEM_JSON = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    @Channel("planner-intake")
    MutinyEmitter<byte[]> intake;

    @POST
    @Path("tasks")
    @Operation(summary = "Submit a task", description = "A task spec in YAML or JSON (docs/schema/task-spec.schema.json). "
            + "The task id is assigned as t-<random> when the spec has none.")
    @APIResponse(responseCode = "202", description = "Accepted and on r1.tasks: {task, links}")
    @APIResponse(responseCode = "400", description = "An invalid spec: application/problem+json whose problems name every bad field")
    @APIResponse(responseCode = "503", description = "Kafka did not take the task; nothing was accepted")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, PROBLEM_JSON})
    public Uni<Response> submit(byte[] body) {
        TaskSpec spec;
        try {
            spec = TaskIntake.accept(body);
        } catch (InvalidSpecException e) {
            return Uni.createFrom().item(json(Response.Status.BAD_REQUEST, PROBLEM_JSON, TaskIntake.invalid(e)));
        }
        String task = spec.id();
        Message<byte[]> record = Message.of(TaskIntake.record(spec))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(task).build());
        return intake.sendMessage(record)
                .ifNoItem().after(Duration.ofSeconds(30)).fail()
                .map(ok -> {
                    LOG.infof("intake: task %s accepted", task);
                    Response r = json(Response.Status.ACCEPTED, MediaType.APPLICATION_JSON, TaskIntake.accepted(task));
                    return Response.fromResponse(r).location(URI.create("/v1/tasks/" + task)).build();
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf(e, "intake: task %s could not be written to Kafka", task);
                    return json(Response.Status.SERVICE_UNAVAILABLE, PROBLEM_JSON, TaskIntake.problem(503,
                            "Task not accepted", "the task could not be written to Kafka; try again"));
                });
    }

    @Inject
    @Channel("planner-approvals")
    MutinyEmitter<byte[]> approvals;

    @Inject
    OperatorAuth auth;

    @Inject
    PlannerService planner;

    @POST
    @Path("tasks/{id}/approvals")
    @Operation(summary = "Approve or reject a task's escalated gate",
            description = "Body {gate, decision: approve|reject, reason}. Needs a bearer token with the operator role. "
                    + "Approve: once every escalated gate of the parked task is approved, its phase records the transition with "
                    + "an override naming the operator. Reject: the task ends FAILED.")
    @APIResponse(responseCode = "202", description = "The decision is on r1.control; the owning phase acts on it")
    @APIResponse(responseCode = "400", description = "A bad body")
    @APIResponse(responseCode = "401", description = "No or an unknown bearer token")
    @APIResponse(responseCode = "403", description = "The caller does not have the operator role")
    @APIResponse(responseCode = "409", description = "The task is not parked waiting for that gate")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, PROBLEM_JSON})
    public Uni<Response> approve(@jakarta.ws.rs.PathParam("id") String task,
            @jakarta.ws.rs.HeaderParam("Authorization") String authorization, byte[] body) {
        java.util.Optional<OperatorAuth.Caller> caller = auth.authenticate(authorization);
        if (caller.isEmpty()) {
            return Uni.createFrom().item(Response.fromResponse(json(Response.Status.UNAUTHORIZED, PROBLEM_JSON,
                    TaskIntake.problem(401, "Not authenticated", "send Authorization: Bearer <token>; tokens are in r1.auth.tokens or <data>/auth/tokens")))
                    .header("WWW-Authenticate", "Bearer").build());
        }
        if (!caller.get().operator()) {
            return Uni.createFrom().item(json(Response.Status.FORBIDDEN, PROBLEM_JSON,
                    TaskIntake.problem(403, "Not an operator", caller.get().name() + " does not have the operator role")));
        }
        String gate;
        String decision;
        String reason;
        try {
            com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(body);
            gate = n.path("gate").asText("");
            decision = n.path("decision").asText("");
            reason = n.path("reason").asText("");
            if (gate.isBlank() || reason.isBlank() || !(decision.equals("approve") || decision.equals("reject"))) {
                throw new IllegalArgumentException("the body is {gate, decision: approve|reject, reason}, each given");
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Uni.createFrom().item(json(Response.Status.BAD_REQUEST, PROBLEM_JSON, TaskIntake.problem(400, "Bad approval",
                    e instanceof IllegalArgumentException ? e.getMessage() : "the body is not JSON")));
        }
        java.util.Optional<dev.r1.pipeline.flow.Parked> parked = planner.controlState().parked(task);
        if (parked.isEmpty() || parked.get().gates().stream().noneMatch(g -> g.gate().equals(gate))) {
            return Uni.createFrom().item(json(Response.Status.CONFLICT, PROBLEM_JSON, TaskIntake.problem(409, "Not waiting for that gate",
                    parked.isEmpty() ? "task " + task + " is not parked"
                            : "task " + task + " waits for " + String.join(", ", parked.get().gates().stream().map(dev.r1.pipeline.flow.Parked.Escalation::gate).toList()))));
        }
        dev.r1.pipeline.flow.Approval a = new dev.r1.pipeline.flow.Approval(task, gate, decision, reason, caller.get().name(),
                System.currentTimeMillis());
        Message<byte[]> record = Message.of(dev.r1.pipeline.flow.Json.write(a))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(a.key()).build());
        return approvals.sendMessage(record)
                .ifNoItem().after(Duration.ofSeconds(30)).fail()
                .map(ok -> {
                    LOG.infof("approvals: %s %s gate %s of task %s", a.operator(), decision, gate, task);
                    ObjectNode out = JSON.createObjectNode().put("task", task).put("gate", gate).put("decision", decision)
                            .put("operator", a.operator());
                    return json(Response.Status.ACCEPTED, MediaType.APPLICATION_JSON, out);
                })
                .onFailure().recoverWithItem(e -> json(Response.Status.SERVICE_UNAVAILABLE, PROBLEM_JSON,
                        TaskIntake.problem(503, "Decision not recorded", "the decision could not be written to Kafka; try again")));
    }

    private static Response json(Response.Status status, String type, ObjectNode body) {
        try {
            return Response.status(status).type(type).entity(JSON.writeValueAsBytes(body)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
