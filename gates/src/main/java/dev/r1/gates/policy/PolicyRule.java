package dev.r1.gates.policy;

import dev.r1.gates.Checkpoint;
import dev.r1.stoke.event.Verdict;
import dev.cel.runtime.CelRuntime;
import java.util.Set;

/**
 * One policy rule: when its CEL condition holds (at one of its checkpoints), it yields its verdict
 * with its message.
 */
public record PolicyRule(String id, String when, Verdict verdict, String message, Set<Checkpoint> at, CelRuntime.Program program,
                         int line) {
    public PolicyRule {
        at = Set.copyOf(at);
    }

    public boolean appliesAt(Checkpoint c) {
        return at.isEmpty() || at.contains(c);
    }
}
