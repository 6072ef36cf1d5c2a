package dev.r1.pipeline.flow;

import java.util.Objects;

/**
 * An operator's decision on one escalated gate of a parked task, on {@code r1.control} under
 * {@code <task>/approval/<gate>}. Written by {@code POST /v1/tasks/{id}/approvals} (or
 * {@code r1 approve}); read by the phase that parked the task.
 *
 * @param operator who decided: the name the caller's token maps to, never what the caller claims
 */
public record Approval(String task, String gate, String decision, String reason, String operator, long atMillis) {
    public static final String APPROVE = "approve";
    public static final String REJECT = "reject";

    public Approval {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(operator, "operator");
        if (!decision.equals(APPROVE) && !decision.equals(REJECT)) throw new IllegalArgumentException("decision must be approve or reject");
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("an operator's decision needs a reason");
    }

    public boolean approved() {
        return decision.equals(APPROVE);
    }

    public String key() {
        return key(task, gate);
    }

    public static String key(String task, String gate) {
        return task + "/approval/" + gate;
    }
}
