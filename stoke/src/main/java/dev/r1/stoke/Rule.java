package dev.r1.stoke;

/**
 * The STOKE v1.0 rules, in the order a verifier checks them: a receipt is reported
 * under the first rule it breaks.
 */
public enum Rule {
    PARSE("parse", "not canonical I-JSON"),
    SPEC_VERSION("spec_version", "not a STOKE 1.0 receipt"),
    EVENT_SHAPE("event shape", "an event's members are wrong"),
    ID_MISMATCH("id mismatch", "an event's id is not the hash of its content"),
    DUPLICATE("duplicate", "an event appears twice"),
    OPEN_GRAPH("open graph", "a cause is not an event of the task"),
    CYCLE("cycle", "the causes form a cycle"),
    ROOT("root", "the graph does not start with exactly one START->PLAN"),
    SINK("sink", "the graph does not end in exactly one terminal transition"),
    TRANSITION("transition", "a phase transition is not a legal move"),
    ORDER("order", "the events are not in canonical order"),
    GATE_INVARIANT("gate invariant", "a transition is not backed by its gates"),
    UNKNOWN_KEY("unknown key", "the signing key is not trusted"),
    SIGNATURE("signature", "the signature does not verify");

    private final String title;
    private final String meaning;

    Rule(String title, String meaning) {
        this.title = title;
        this.meaning = meaning;
    }

    /** The rule's name as people and the spec write it. */
    public String title() {
        return title;
    }

    public String meaning() {
        return meaning;
    }
}
