package dev.r1.pipeline.flow;

import dev.r1.stoke.event.Stage;
import java.util.List;
import java.util.Objects;

/**
 * A task a gate escalated, waiting for an operator. It is kept on {@code r1.control} (compacted,
 * key {@code <task>/park/<STAGE>}) so it outlives the process that parked it: the owning phase
 * reads it back, and on the operator's approval records the transition it would have made, with
 * an override naming the operator and the escalated decisions; on a reject, it records FAILED.
 *
 * @param handoff the hand-off the phase ran with (its spec, attempt and note)
 * @param to where the transition goes on approval
 * @param requiredGates the transition's required gates
 * @param escalated ids of the GATE_DECISION events that escalated
 * @param gates the gates that escalated, with their reasons, for people and the API
 * @param frontier the events the transition is caused by (the recorded decisions)
 * @param clockMillis the task clock at parking, so the resumed events come after the decisions
 * @param nextTopic where the next hand-off goes on approval (null for a terminal transition)
 * @param next the next hand-off on approval, its cause still to be set to the transition's id
 */
public record Parked(
        Handoff handoff,
        Stage to,
        List<String> requiredGates,
        List<String> escalated,
        List<Escalation> gates,
        List<String> frontier,
        long clockMillis,
        String nextTopic,
        Handoff next) {

    /** One escalated gate: its id, its decision's event id and its reason. */
    public record Escalation(String gate, String decision, String reason) {}

    public Parked {
        Objects.requireNonNull(handoff, "handoff");
        Objects.requireNonNull(to, "to");
        requiredGates = List.copyOf(requiredGates);
        escalated = List.copyOf(escalated);
        gates = List.copyOf(gates);
        frontier = List.copyOf(frontier);
    }

    public String task() {
        return handoff.task();
    }

    public Stage stage() {
        return handoff.stage();
    }

    /** The key on r1.control. */
    public String key() {
        return key(handoff.task(), handoff.stage());
    }

    public static String key(String task, Stage stage) {
        return task + "/park/" + stage.name();
    }
}
