package dev.r1.pipeline.flow;

import dev.r1.stoke.event.Stage;

/**
 * A claim by one service instance on one task's phase. The owner renews it while it works;
 * once {@code expiresAtMillis} passes without renewal, another instance takes the work over
 * from {@code handoff}, which is all it needs to start the phase again.
 */
public record Lease(String task, Stage stage, String owner, long expiresAtMillis, Handoff handoff) {
    public String key() {
        return keyOf(task, stage);
    }

    public static String keyOf(String task, Stage stage) {
        return task + "/" + stage.name();
    }

    public Lease renewed(String newOwner, long newExpiry) {
        return new Lease(task, stage, newOwner, newExpiry, handoff);
    }
}
