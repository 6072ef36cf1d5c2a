package dev.r1.engines;

/** What a model is asked to do; routes are declared per role. */
public enum Role {
    PLANNER("planner"), IMPLEMENTER("implementer"), REVIEWER("reviewer");

    private final String key;

    Role(String key) {
        this.key = key;
    }

    /** The name used in the config file's {@code routes}. */
    public String key() {
        return key;
    }
}
