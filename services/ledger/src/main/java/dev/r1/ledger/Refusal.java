package dev.r1.ledger;

import dev.r1.stoke.Rule;
import dev.r1.stoke.StokeViolation;
import java.util.Locale;

/**
 * Why the ledger refuses a record. The message starts with the rule ({@code "gate invariant: ..."},
 * {@code "oversized: ..."}), and it is what the DLQ record carries in its {@code dead-letter-reason}
 * header; {@link #rule()} is the short tag used on metrics.
 */
public final class Refusal extends RuntimeException {
    /** Rules of the ledger's own, besides the STOKE ones. */
    public static final String OVERSIZED = "oversized";
    public static final String EMPTY = "empty";
    public static final String KEY = "key mismatch";
    public static final String BLOB_HASH = "blob hash";
    public static final String STORAGE = "storage";

    private final String rule;

    public Refusal(String rule, String detail) {
        super(rule + ": " + detail, null, false, false);
        this.rule = tag(rule);
    }

    private Refusal(StokeViolation v) {
        super(v.getMessage(), v, false, false);
        this.rule = tag(v.rule().title());
    }

    public static Refusal of(StokeViolation v) {
        return new Refusal(v);
    }

    public static Refusal of(Rule rule, String eventId, String detail) {
        return new Refusal(new StokeViolation(rule, eventId, detail));
    }

    /** The rule as a metric tag: {@code gate_invariant}, {@code oversized}, {@code id_mismatch}, ... */
    public String rule() {
        return rule;
    }

    private static String tag(String rule) {
        return rule.toLowerCase(Locale.ROOT).replace(' ', '_');
    }
}
