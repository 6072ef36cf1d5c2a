package dev.r1.stoke;

/** A breach of one STOKE rule, naming the event that breaks it when there is one. */
public final class StokeViolation extends RuntimeException {
    private final Rule rule;
    private final String eventId;

    public StokeViolation(Rule rule, String eventId, String message) {
        super(rule.title() + ": " + message + (eventId == null ? "" : " (event " + eventId + ")"));
        this.rule = rule;
        this.eventId = eventId;
    }

    public StokeViolation(Rule rule, String message) {
        this(rule, null, message);
    }

    public Rule rule() {
        return rule;
    }

    /** The offending event's id, or null when the rule is about the receipt as a whole. */
    public String eventId() {
        return eventId;
    }
}
