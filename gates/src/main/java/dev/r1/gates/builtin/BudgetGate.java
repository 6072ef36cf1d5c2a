package dev.r1.gates.builtin;

import dev.r1.gates.Checkpoint;
import dev.r1.gates.Gate;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.config.Settings;
import java.util.Locale;

/**
 * {@code budget}: is the money (and the tool calls) within the task's budget?
 * <ul>
 *   <li>PLAN->EXECUTE: the plan's estimated cost against the limit — the task's
 *       {@code budget.max_cost_usd}, lowered by the gate's {@code max_cost_usd} if set.</li>
 *   <li>Elsewhere: the cost spent so far against the same limit, and the tool calls made
 *       against {@code budget.max_tool_calls} (at {@code tool}, counting the call asked for).</li>
 * </ul>
 * ALLOW within the limit; ESCALATE when the cost is over it by at most {@code escalate_margin}
 * (a fraction, default 0.25) or the plan gives no estimate; BLOCK beyond that, or for a tool call over
 * the call limit.
 */
public final class BudgetGate implements Gate {
    private final String id;
    private final double capUsd;
    private final double margin;

    public BudgetGate(String id, double capUsd, double margin) {
        this.id = id;
        this.capUsd = capUsd;
        this.margin = margin;
    }

    public static BudgetGate create(Settings s) {
        double cap = s.decimal("max_cost_usd", Double.POSITIVE_INFINITY, 0, 1e9);
        double margin = s.decimal("escalate_margin", 0.25, 0, 100);
        s.finish();
        return new BudgetGate(s.gate(), cap, margin);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public GateVerdict evaluate(GateInput in) {
        double limit = Math.min(in.task().maxCostUsd(), capUsd);
        String limitText = usd(limit) + (capUsd < in.task().maxCostUsd() ? " (the gate's cap)" : "");
        if (in.checkpoint() == Checkpoint.PLAN_EXECUTE) {
            if (in.plan().isEmpty()) {
                return GateVerdict.escalate(id, "there is no plan to check against the " + limitText
                        + " budget: the planner must attach its plan, or an operator must approve running without one");
            }
            double est = in.plan().get().estimatedCostUsd();
            if (!(est >= 0) || Double.isInfinite(est)) {
                return GateVerdict.escalate(id, "the plan gives no cost estimate, so it cannot be checked against the " + limitText
                        + " budget: have the planner estimate the cost, or approve the run");
            }
            return cost("the plan's estimated cost", est, limit, limitText, "narrow the goal so the plan costs less");
        }
        int max = in.task().maxToolCalls();
        int calls = in.usage().toolCalls() + (in.checkpoint() == Checkpoint.TOOL ? 1 : 0);
        if (calls > max) {
            return GateVerdict.block(id, "this would be tool call " + calls + " of a budget of " + max
                    + ": raise budget.max_tool_calls in the task spec or split the task");
        }
        GateVerdict v = cost("the cost so far", in.usage().spentUsd(), limit, limitText, "stop the task or split it");
        if (v.allowed()) {
            return GateVerdict.allow(id, v.reason() + "; " + calls + " of " + max + " tool calls");
        }
        return v;
    }

    private GateVerdict cost(String what, double cost, double limit, String limitText, String otherwise) {
        if (cost <= limit) {
            return GateVerdict.allow(id, what + " " + usd(cost) + " is within the " + limitText + " budget");
        }
        double over = limit > 0 ? (cost - limit) / limit : Double.POSITIVE_INFINITY;
        String by = limit > 0 ? String.format(Locale.ROOT, "%.0f%%", over * 100) : usd(cost);
        if (over <= margin) {
            return GateVerdict.escalate(id, what + " " + usd(cost) + " is " + by + " over the " + limitText + " budget"
                    + " (within the " + String.format(Locale.ROOT, "%.0f%%", margin * 100) + " an operator may approve):"
                    + " approve the overrun, raise budget.max_cost_usd in the task spec, or " + otherwise);
        }
        return GateVerdict.block(id, what + " " + usd(cost) + " is " + by + " over the " + limitText + " budget: raise"
                + " budget.max_cost_usd in the task spec to at least " + usd(cost) + ", or " + otherwise);
    }

    static String usd(double d) {
        if (Double.isInfinite(d)) return "unlimited";
        return String.format(Locale.ROOT, "$%.2f", d);
    }
}
