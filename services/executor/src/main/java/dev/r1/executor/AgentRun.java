package dev.r1.executor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.engines.CostMeter;
import dev.r1.engines.Engine;
import dev.r1.engines.EngineException;
import dev.r1.engines.Identity;
import dev.r1.engines.Step;
import dev.r1.engines.Tools;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Drives one engine to its end in one worktree and records every step: thoughts (with the model
 * call's token use and cost in {@code x.usage}) as THOUGHT, tools as TOOL_CALL, provider switches
 * as THOUGHT labelled {@code provider-switch}. Ends when the engine is done, the attempt's tool
 * budget or the task's money budget is spent, or the engine fails.
 */
final class AgentRun {
    /** How a run ended. */
    sealed interface End {
        record Done(Optional<Identity> identity) implements End {}

        record ToolBudget(int max) implements End {}

        record CostBudget(String reason) implements End {}

        record Failed(String reason) implements End {}
    }

    private final Engine engine;
    private final WorktreeTools tools;
    private final Recorder recorder;
    private final CostMeter meter;
    private final int maxToolCalls;
    private final UnaryOperator<String> redact;
    private int calls;
    private ToolGuard guard;

    /** Gates every write, edit and command before it runs. */
    AgentRun guarded(ToolGuard guard) {
        this.guard = guard;
        return this;
    }

    AgentRun(Engine engine, WorktreeTools tools, Recorder recorder, CostMeter meter, int maxToolCalls, UnaryOperator<String> redact) {
        this.engine = engine;
        this.tools = tools;
        this.recorder = recorder;
        this.meter = meter;
        this.maxToolCalls = maxToolCalls;
        this.redact = redact;
    }

    int toolCalls() {
        return calls;
    }

    End run() {
        try (engine) {
            Engine.ToolOutput last = null;
            while (true) {
                Optional<Step> next;
                try {
                    next = engine.next(last);
                } catch (EngineException.BudgetExhausted e) {
                    return new End.CostBudget(redact.apply(e.getMessage()));
                } catch (EngineException e) {
                    return new End.Failed(redact.apply(e.getMessage()));
                } catch (RuntimeException e) {
                    return new End.Failed(redact.apply("the engine failed: " + e));
                }
                if (next.isEmpty()) return new End.Done(engine.identity());
                last = null;
                Step step = next.get();
                if (step instanceof Step.Thought t) {
                    ObjectNode x = t.usage() == null ? null : t.usage().toX();
                    if (t.usage() != null) meter.charge(t.usage());
                    recorder.thought(t.usage() == null ? "thought" : "model", redact.apply(t.text()), x);
                    if (t.usage() != null && meter.exhausted()) {
                        return new End.CostBudget("the task's budget of " + CostMeter.usd(meter.limitUsd()) + " is spent ("
                                + CostMeter.usd(meter.spentUsd()) + "): raise budget.max_cost_usd or use a cheaper model");
                    }
                } else if (step instanceof Step.ProviderSwitch s) {
                    recorder.thought("provider-switch", redact.apply("provider " + s.from() + " failed, going on with " + s.to() + ": " + s.reason()), null);
                } else if (step instanceof Step.ToolUse use) {
                    if (calls == maxToolCalls) return new End.ToolBudget(maxToolCalls);
                    calls++;
                    if (guard != null) {
                        java.util.List<dev.r1.pipeline.flow.TaskTrace.GateResult> refused = guard.check(use.tool(), use.input(), meter.spentUsd(), calls);
                        if (!refused.isEmpty()) {
                            recorder.decisions(refused);
                            String why = ToolGuard.refusal(refused);
                            String label = Tools.idOf(use.tool()).orElse(use.tool());
                            recorder.toolCall(label, Tools.canonicalArgs(use.input()), utf8(why), WorktreeTools.REFUSED, redact.apply("refused: " + why), null);
                            last = new Engine.ToolOutput(WorktreeTools.REFUSED, utf8(why));
                            continue;
                        }
                    }
                    WorktreeTools.Call call = tools.call(use.tool(), use.input());
                    recorder.toolCall(call.label(), call.args(), call.result(), call.exitCode(), redact.apply(call.detail()), null);
                    last = new Engine.ToolOutput(call.exitCode(), call.result());
                } else if (step instanceof Step.Observed o) {
                    if (calls == maxToolCalls) return new End.ToolBudget(maxToolCalls);
                    calls++;
                    String label = Tools.idOf(o.tool()).orElse(o.tool());
                    recorder.toolCall(label, o.args(), o.result(), o.exitCode(), o.detail() == null ? null : redact.apply(o.detail()), null);
                }
            }
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
