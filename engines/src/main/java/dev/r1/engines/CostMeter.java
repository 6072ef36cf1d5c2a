package dev.r1.engines;

import java.math.BigDecimal;

/**
 * The money a task may still spend on models: charged by engines after each call and checked
 * before the next. Shared by the engines of one phase (parallel plan items included).
 */
public final class CostMeter {
    private final double limitUsd;
    private double spentUsd;

    public CostMeter(double limitUsd, double alreadySpentUsd) {
        this.limitUsd = limitUsd;
        this.spentUsd = alreadySpentUsd;
    }

    public static CostMeter unlimited() {
        return new CostMeter(Double.MAX_VALUE, 0);
    }

    public synchronized void charge(Usage usage) {
        if (usage != null) spentUsd += usage.costUsd();
    }

    public synchronized double spentUsd() {
        return spentUsd;
    }

    public double limitUsd() {
        return limitUsd;
    }

    public synchronized boolean exhausted() {
        return spentUsd >= limitUsd;
    }

    /** Throws when nothing is left to spend, before a call is made. */
    public synchronized void checkBeforeCall(String what) {
        if (exhausted()) {
            throw new EngineException.BudgetExhausted("the task's budget of " + usd(limitUsd) + " is spent (" + usd(spentUsd)
                    + " so far); " + what + " was not made: raise budget.max_cost_usd or use a cheaper model");
        }
    }

    public static String usd(double amount) {
        BigDecimal d = BigDecimal.valueOf(amount).stripTrailingZeros();
        if (d.scale() < 2) d = d.setScale(2);
        return "$" + d.toPlainString();
    }
}
