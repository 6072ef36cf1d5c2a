package dev.r1.gates.policy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.r1.gates.Checkpoint;
import dev.r1.gates.Gate;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.config.ConfigNode;
import dev.r1.gates.config.Settings;
import dev.r1.stoke.event.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code policy}: rules in CEL over the tool call, the diff, the task and the actor (see
 * {@link PolicyContext} for the variables). Each rule has an {@code id}, a boolean CEL
 * condition {@code when}, the {@code verdict} it yields when the condition holds ({@code block}
 * or {@code escalate}), a {@code message} saying what to do, and optionally the checkpoints
 * it applies {@code at}.
 * <ul>
 *   <li>BLOCK: a block rule matches, or a rule fails to evaluate (unless {@code on_error} says otherwise).</li>
 *   <li>ESCALATE: only escalate rules match.</li>
 *   <li>ALLOW: no rule matches.</li>
 * </ul>
 * Every matching rule is named in the reason, blocking ones first. A rule that does not compile
 * is a configuration error at its line.
 */
public final class PolicyGate implements Gate {
    private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setOptions(CelOptions.current().comprehensionMaxIterations(100_000).build())
            .addVar("transition", SimpleType.STRING)
            .addVar("task", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("tool", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("diff", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("plan", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("actor", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("usage", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addCompilerLibraries(CelExtensions.strings())
            .addRuntimeLibraries(CelExtensions.strings())
            .setResultType(SimpleType.BOOL)
            .build();

    private final String id;
    private final List<PolicyRule> rules;
    private final Verdict onError;

    public PolicyGate(String id, List<PolicyRule> rules, Verdict onError) {
        this.id = id;
        this.rules = List.copyOf(rules);
        this.onError = onError;
    }

    public List<PolicyRule> rules() {
        return rules;
    }

    /** Compiles a condition; the error text is CEL's, with the position inside the expression. */
    public static CelRuntime.Program compile(String expression) throws PolicyCompileException {
        CelValidationResult r = CEL.compile(expression);
        if (r.hasError()) {
            List<String> errs = new ArrayList<>();
            for (CelIssue i : r.getErrors()) {
                errs.add("at " + i.getSourceLocation().getLine() + ":" + (i.getSourceLocation().getColumn() + 1) + " " + i.getMessage());
            }
            throw new PolicyCompileException(String.join("; ", errs));
        }
        try {
            return CEL.createProgram(r.getAst());
        } catch (Exception e) {
            throw new PolicyCompileException(e.getMessage());
        }
    }

    public static final class PolicyCompileException extends Exception {
        PolicyCompileException(String message) {
            super(message);
        }
    }

    public static PolicyGate create(Settings s) {
        List<PolicyRule> rules = new ArrayList<>();
        Optional<ConfigNode> node = s.node("rules");
        Set<String> ids = new HashSet<>();
        if (node.isPresent()) {
            if (node.get() instanceof ConfigNode.Sequence seq) {
                for (ConfigNode item : seq.items()) {
                    PolicyRule r = rule(item, s, ids);
                    if (r != null) rules.add(r);
                }
            } else {
                s.problem(node.get(), "'rules' must be a list of rules, each with id, when, verdict and message");
            }
        }
        String onErrorText = s.string("on_error", "block");
        Verdict onError = Verdict.fromWire(onErrorText.toLowerCase(Locale.ROOT)).orElse(null);
        if (onError == null) {
            s.problem(s.node("on_error").orElse(null), "'on_error' must be block, escalate or allow, not '" + onErrorText + "'");
            onError = Verdict.BLOCK;
        }
        s.finish();
        return new PolicyGate(s.gate(), rules, onError);
    }

    private static PolicyRule rule(ConfigNode item, Settings s, Set<String> ids) {
        if (!(item instanceof ConfigNode.Mapping m)) {
            s.problem(item, "a policy rule is a mapping with id, when, verdict and message, not " + item.describe());
            return null;
        }
        for (ConfigNode.Entry e : m.entries()) {
            if (!List.of("id", "when", "verdict", "message", "at").contains(e.key())) {
                s.problems().add(e.line(), "gate '" + s.gate() + "': unknown rule key '" + e.key()
                        + "'; a rule has id, when, verdict, message and optionally at");
            }
        }
        String rid = text(m, "id", s);
        String when = text(m, "when", s);
        String verdictText = text(m, "verdict", s);
        String message = text(m, "message", s);
        if (rid == null || when == null || verdictText == null || message == null) return null;
        String label = "policy rule '" + rid + "'";
        ConfigNode idNode = m.get("id").get();
        if (!RULE_ID.matcher(rid).matches()) {
            s.problem(idNode, label + ": a rule id is 1-64 letters, digits, '.', '_' and '-'");
            return null;
        }
        if (!ids.add(rid)) {
            s.problem(idNode, label + " is defined twice; rule ids must be unique");
            return null;
        }
        Verdict verdict = Verdict.fromWire(verdictText.toLowerCase(Locale.ROOT)).orElse(null);
        if (verdict == null || verdict == Verdict.ALLOW) {
            s.problem(m.get("verdict").get(), label + ": verdict must be block or escalate, not '" + verdictText
                    + "' (a rule says what is wrong; write exceptions into its condition)");
            return null;
        }
        Set<Checkpoint> at = EnumSet.noneOf(Checkpoint.class);
        Optional<ConfigNode> atNode = m.get("at");
        if (atNode.isPresent()) {
            Optional<List<String>> names = s.stringList(atNode.get(), "at");
            if (names.isEmpty()) return null;
            for (String n : names.get()) {
                Optional<Checkpoint> c = Checkpoint.fromWire(n);
                if (c.isEmpty()) {
                    s.problem(atNode.get(), label + ": unknown checkpoint '" + n + "' in at; use PLAN->EXECUTE, EXECUTE->VERIFY,"
                            + " VERIFY->COMMIT, COMMIT->DONE or tool");
                    return null;
                }
                at.add(c.get());
            }
        }
        ConfigNode whenNode = m.get("when").get();
        try {
            return new PolicyRule(rid, when, verdict, message, at, compile(when), whenNode.line());
        } catch (PolicyCompileException e) {
            s.problem(whenNode, label + " does not compile: " + e.getMessage());
            return null;
        }
    }

    private static String text(ConfigNode.Mapping m, String key, Settings s) {
        Optional<ConfigNode> n = m.get(key);
        if (n.isEmpty()) {
            s.problem(m, "a policy rule needs '" + key + "' (rules have id, when, verdict and message)");
            return null;
        }
        if (n.get() instanceof ConfigNode.Scalar sc && sc.type() != ConfigNode.ScalarType.NULL && !sc.text().isBlank()) {
            return sc.text();
        }
        s.problem(n.get(), "a policy rule's '" + key + "' must be a non-empty string, not " + n.get().describe());
        return null;
    }

    @Override
    public String id() {
        return id;
    }

    private record Hit(PolicyRule rule, Verdict verdict, String text) {}

    @Override
    public GateVerdict evaluate(GateInput in) {
        Map<String, Object> vars = PolicyContext.of(in);
        List<Hit> hits = new ArrayList<>();
        int checked = 0;
        for (PolicyRule r : rules) {
            if (!r.appliesAt(in.checkpoint())) continue;
            checked++;
            Object result;
            try {
                result = r.program().eval(vars);
            } catch (CelEvaluationException | RuntimeException e) {
                if (onError != Verdict.ALLOW) {
                    hits.add(new Hit(r, onError, "rule '" + r.id() + "' could not be evaluated (" + oneLine(e.getMessage())
                            + "); fix its condition, e.g. guard optional fields with has() or 'key' in map"));
                }
                continue;
            }
            if (!(result instanceof Boolean b)) {
                if (onError != Verdict.ALLOW) {
                    hits.add(new Hit(r, onError, "rule '" + r.id() + "' gave " + result + " instead of true or false; fix its condition"));
                }
                continue;
            }
            if (b) hits.add(new Hit(r, r.verdict(), r.id() + ": " + r.message()));
        }
        if (hits.isEmpty()) {
            return GateVerdict.allow(id, checked == 0 ? "no policy rule applies at " + in.checkpoint().wire()
                    : checked + " policy rule" + (checked == 1 ? "" : "s") + " checked, none matched");
        }
        hits.sort(Comparator.comparingInt((Hit h) -> -GateVerdict.severity(h.verdict())));
        Verdict worst = hits.get(0).verdict();
        List<String> texts = hits.stream().map(Hit::text).toList();
        String reason = (hits.size() == 1 ? "" : hits.size() + " policy rules matched — ") + String.join("; ", texts);
        return new GateVerdict(id, worst, reason);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}
