package dev.r1.gates.builtin;

import dev.r1.gates.Checkpoint;
import dev.r1.gates.Gate;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.Glob;
import dev.r1.gates.config.Settings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code scope-fit}: do the touched paths fit the task? At PLAN->EXECUTE the plan's paths, elsewhere
 * the diff's (and the tool call's path).
 * <ul>
 *   <li>BLOCK: a path leaves the repository (absolute, or ".."); a path matches {@code deny}
 *       (default {@code .git/**}); more paths outside the task's {@code scope} globs than
 *       {@code escalate_outside} (default 1); more files than {@code max_files} (default 50)
 *       by more than {@code escalate_margin} (default 0.25).</li>
 *   <li>ESCALATE: a path matches {@code protected} (default {@code .r1/**}, the gates file
 *       itself); up to {@code escalate_outside} paths outside the scope; a file count
 *       over {@code max_files} within the margin; no plan at PLAN->EXECUTE.</li>
 *   <li>ALLOW otherwise.</li>
 * </ul>
 */
public final class ScopeFitGate implements Gate {
    private static final int LISTED = 5;
    private final String id;
    private final List<Glob> deny;
    private final List<Glob> protect;
    private final int maxFiles;
    private final double margin;
    private final int escalateOutside;

    public ScopeFitGate(String id, List<Glob> deny, List<Glob> protect, int maxFiles, double margin, int escalateOutside) {
        this.id = id;
        this.deny = List.copyOf(deny);
        this.protect = List.copyOf(protect);
        this.maxFiles = maxFiles;
        this.margin = margin;
        this.escalateOutside = escalateOutside;
    }

    public static ScopeFitGate create(Settings s) {
        List<Glob> deny = Glob.all(s.strings("deny", List.of(".git/**")));
        List<Glob> protect = Glob.all(s.strings("protected", List.of(".r1/**")));
        int maxFiles = (int) s.integer("max_files", 50, 1, 1_000_000);
        double margin = s.decimal("escalate_margin", 0.25, 0, 100);
        int outside = (int) s.integer("escalate_outside", 1, 0, 1_000_000);
        s.finish();
        return new ScopeFitGate(s.gate(), deny, protect, maxFiles, margin, outside);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public GateVerdict evaluate(GateInput in) {
        Set<String> paths = new LinkedHashSet<>();
        String what;
        if (in.checkpoint() == Checkpoint.PLAN_EXECUTE) {
            if (in.plan().isEmpty()) {
                return GateVerdict.escalate(id, "there is no plan whose paths could be checked: the planner must attach its plan,"
                        + " or an operator must approve");
            }
            in.plan().get().paths().forEach(p -> paths.add(Glob.normalize(p)));
            what = "the plan";
        } else {
            in.diff().paths().forEach(p -> paths.add(Glob.normalize(p)));
            in.tool().flatMap(GateInput.ToolCall::path).ifPresent(p -> paths.add(Glob.normalize(p)));
            what = in.checkpoint() == Checkpoint.TOOL ? "this tool call" : "the change";
        }
        if (paths.isEmpty()) return GateVerdict.allow(id, what + " touches no files");

        List<String> escaping = new ArrayList<>();
        List<String> denied = new ArrayList<>();
        List<String> guarded = new ArrayList<>();
        List<String> outside = new ArrayList<>();
        List<Glob> scope = Glob.all(in.task().scope().isEmpty() ? List.of("**") : in.task().scope());
        for (String p : paths) {
            if (Glob.escapes(p)) escaping.add(p);
            else if (Glob.anyMatches(deny, p)) denied.add(p);
            else {
                if (Glob.anyMatches(protect, p)) guarded.add(p);
                if (!Glob.anyMatches(scope, p)) outside.add(p);
            }
        }
        String scopeText = String.join(", ", in.task().scope());
        if (!escaping.isEmpty()) {
            return GateVerdict.block(id, what + " names paths outside the repository: " + list(escaping)
                    + "; use paths relative to the repository root without '..'");
        }
        if (!denied.isEmpty()) {
            return GateVerdict.block(id, what + " touches paths no task may change (" + globs(deny) + "): " + list(denied)
                    + "; leave them alone");
        }
        if (outside.size() > escalateOutside) {
            return GateVerdict.block(id, outside.size() + " of " + paths.size() + " paths " + (what.equals("the plan") ? "planned" : "touched")
                    + " are outside the task's scope [" + scopeText + "]: " + list(outside)
                    + "; widen scope in the task spec or leave those files alone");
        }
        int n = paths.size();
        if (n > maxFiles * (1 + margin)) {
            return GateVerdict.block(id, what + " touches " + n + " files, more than the limit of " + maxFiles
                    + " allows: split the task, or raise max_files for the scope-fit gate in .r1/gates.yaml");
        }
        List<String> reasons = new ArrayList<>();
        if (!guarded.isEmpty()) {
            reasons.add(what + " changes protected paths (" + globs(protect) + "): " + list(guarded));
        }
        if (!outside.isEmpty()) {
            reasons.add(outside.size() + " of " + n + " paths are outside the task's scope [" + scopeText + "]: " + list(outside));
        }
        if (n > maxFiles) {
            reasons.add(what + " touches " + n + " files, over the limit of " + maxFiles);
        }
        if (!reasons.isEmpty()) {
            return GateVerdict.escalate(id, String.join("; ", reasons) + ". An operator must approve this, or the task must"
                    + " be narrowed (or its scope widened)");
        }
        return GateVerdict.allow(id, (n == 1 ? "the one path is" : "all " + n + " paths are") + " within the task's scope [" + scopeText + "]");
    }

    static String list(List<String> items) {
        if (items.size() <= LISTED) return String.join(", ", items);
        return String.join(", ", items.subList(0, LISTED)) + " and " + (items.size() - LISTED) + " more";
    }

    private static String globs(List<Glob> g) {
        return String.join(", ", g.stream().map(Glob::pattern).toList());
    }
}
