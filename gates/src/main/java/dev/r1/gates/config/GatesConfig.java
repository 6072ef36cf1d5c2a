package dev.r1.gates.config;

import dev.r1.gates.Checkpoint;
import dev.r1.stoke.event.Transition;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed, checked gates file: the gates it defines and which run at each checkpoint.
 *
 * @param source where it came from ({@code preset:default}, a file path, ...)
 * @param gates every gate a checkpoint names, by id
 * @param checkpoints the gate ids per checkpoint, in file order; a checkpoint the file does
 *     not mention runs no gates
 */
public record GatesConfig(String source, Map<String, GateSpec> gates, Map<Checkpoint, List<String>> checkpoints) {
    public GatesConfig {
        gates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(gates));
        EnumMap<Checkpoint, List<String>> c = new EnumMap<>(Checkpoint.class);
        for (Checkpoint cp : Checkpoint.values()) c.put(cp, List.copyOf(checkpoints.getOrDefault(cp, List.of())));
        checkpoints = java.util.Collections.unmodifiableMap(c);
    }

    /** The gate ids configured at a checkpoint, sorted: what the transition's {@code required_gates} lists. */
    public List<String> requiredGates(Checkpoint checkpoint) {
        return checkpoints.get(checkpoint).stream().sorted().toList();
    }

    /** {@code required_gates} for a transition; empty for ungated transitions (START->PLAN, VERIFY->EXECUTE, ->FAILED). */
    public List<String> requiredGates(Transition transition) {
        return Checkpoint.of(transition).map(this::requiredGates).orElse(List.of());
    }

    public Optional<GateSpec> gate(String id) {
        return Optional.ofNullable(gates.get(id));
    }
}
