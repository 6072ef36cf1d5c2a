package dev.r1.engines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.engines.config.Families;
import dev.r1.engines.config.R1Config;
import dev.r1.pipeline.spec.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code cross-family-review} gate of VERIFY->COMMIT for tasks a model implemented: a reviewer
 * of another model family than the implementer reads the task, the diff and the test results —
 * never the implementer's reasoning — and approves or rejects with reasons. With no reviewer of
 * another family in {@code routes.reviewer}, review is refused; a configured
 * {@code review.same_family_override} lets a same-family reviewer decide, and the verifier records
 * that override on the transition.
 */
public final class CrossFamilyReview {
    public static final String GATE = "cross-family-review";
    static final int DIFF_FOR_REVIEW = 100 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Engines engines;

    public CrossFamilyReview(Engines engines) {
        this.engines = engines;
    }

    /** What the reviewer is shown. */
    public record Material(TaskSpec spec, Identity implementer, String diff, String testCommand, int testExit, String testTail) {}

    /**
     * The review's outcome: {@code approved}; {@code refused} when no acceptable reviewer exists
     * (no decision was asked of anyone); {@code override} set when a same-family reviewer decided
     * under the configured override; {@code report} the review artifact (JSON).
     */
    public record Outcome(boolean approved, boolean refused, String reason, Optional<R1Config.Override> override, Engines.Answer answer,
            byte[] report) {}

    public Outcome review(Material m, CostMeter meter, Path dir) {
        String family = m.implementer().family();
        List<Engines.Choice> all = engines.route(Role.REVIEWER, m.spec());
        List<Engines.Choice> cross = new ArrayList<>();
        List<Engines.Choice> same = new ArrayList<>();
        for (Engines.Choice c : all) {
            String f = c.identity().family();
            if (!f.equals(family) && !f.equals(Families.UNKNOWN) && !family.equals(Families.UNKNOWN) && !family.isBlank()) cross.add(c);
            else same.add(c);
        }
        Optional<R1Config.Override> override = Optional.empty();
        List<Engines.Choice> use = cross;
        if (cross.isEmpty()) {
            Optional<R1Config.Override> configured = engines.config().sameFamilyOverride();
            if (configured.isEmpty() || same.isEmpty()) {
                String reason = all.isEmpty()
                        ? "no reviewer is configured (routes.reviewer is empty); add a provider of a family other than " + family
                        : "every configured reviewer (" + String.join(", ", all.stream().map(Engines.Choice::name).toList()) + ") is of the "
                                + "implementer's family (" + family + ") or of an unknown one; same-family review is refused: add a reviewer of "
                                + "another family to routes.reviewer, or configure review.same_family_override";
                return new Outcome(false, true, reason, Optional.empty(), null, report(m, null, false, List.of(reason), true, Optional.empty()));
            }
            override = configured;
            use = same;
        }
        Engines.Answer a = engines.ask(use, Prompts.REVIEWER, prompt(m), meter, dir);
        Verdict v = parse(a.text());
        String who = a.who().toString();
        String reason;
        if (override.isPresent()) {
            reason = "same-family review: " + who + " reviewed the work of " + m.implementer() + " under the override of "
                    + override.get().operator() + " (" + override.get().reason() + "); it " + (v.approve() ? "approved" : "rejected")
                    + ": " + String.join("; ", v.reasons());
        } else {
            reason = who + " " + (v.approve() ? "approved" : "rejected") + " the work of " + m.implementer() + ": "
                    + String.join("; ", v.reasons());
        }
        return new Outcome(v.approve(), false, engines.redact(reason), override, a, report(m, a, v.approve(), v.reasons(), false, override));
    }

    record Verdict(boolean approve, List<String> reasons) {}

    /** The reviewer's JSON answer (a fenced or surrounded object is found); anything else is a rejection that says so. */
    static Verdict parse(String text) {
        String t = text == null ? "" : text;
        int start = t.indexOf('{');
        int end = t.lastIndexOf('}');
        if (start >= 0 && end > start) {
            try {
                JsonNode n = JSON.readTree(t.substring(start, end + 1));
                String verdict = n.path("verdict").asText("");
                List<String> reasons = new ArrayList<>();
                n.path("reasons").forEach(r -> reasons.add(r.asText()));
                if (verdict.equals("approve") || verdict.equals("reject")) {
                    if (reasons.isEmpty()) reasons.add("no reasons given");
                    return new Verdict(verdict.equals("approve"), reasons);
                }
            } catch (Exception e) {
                // fall through
            }
        }
        return new Verdict(false, List.of("the reviewer's answer is not the JSON verdict asked for: "
                + (t.length() > 200 ? t.substring(0, 200) + "…" : t)));
    }

    static String prompt(Material m) {
        String diff = m.diff().length() > DIFF_FOR_REVIEW
                ? m.diff().substring(0, DIFF_FOR_REVIEW) + "\n[diff cut: " + (m.diff().length() - DIFF_FOR_REVIEW) + " more characters]"
                : m.diff();
        return "Task: " + m.spec().goal().strip() + "\n\nScope: " + m.spec().scope() + "\n\nTests: `" + m.testCommand() + "` exited "
                + m.testExit() + (m.testTail().isBlank() ? "" : "; last lines of output:\n" + m.testTail()) + "\n\nDiff:\n```diff\n" + diff + "\n```\n";
    }

    private byte[] report(Material m, Engines.Answer a, boolean approved, List<String> reasons, boolean refused,
            Optional<R1Config.Override> override) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.set("implementer", m.implementer().toJson());
        if (a != null) r.set("reviewer", a.who().toJson());
        r.put("verdict", refused ? "refused" : approved ? "approve" : "reject");
        var arr = r.putArray("reasons");
        reasons.forEach(x -> arr.add(engines.redact(x)));
        r.put("same_family", override.isPresent());
        override.ifPresent(o -> r.putObject("override").put("operator", o.operator()).put("reason", o.reason()));
        return dev.r1.stoke.json.Jcs.canonicalize(r);
    }
}
