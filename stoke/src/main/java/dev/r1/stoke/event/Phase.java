package dev.r1.stoke.event;

/** The four phases an event can be recorded in. */
public enum Phase {
    PLAN,
    EXECUTE,
    VERIFY,
    COMMIT;

    public Stage stage() {
        return Stage.valueOf(name());
    }
}
