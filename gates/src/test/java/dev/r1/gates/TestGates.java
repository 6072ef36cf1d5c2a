package dev.r1.gates;

import java.util.Optional;

/** Builds one gate from a {@code gates:} entry, as the gates file would. */
public final class TestGates {
    private TestGates() {}

    /** @param definition YAML for the gate's entry under gates:, e.g. "budget:\n  escalate_margin: 0.1" */
    public static Gate gate(String id, String definition) {
        String indented = definition.strip().indent(2);
        String yaml = "gates:\n" + indented + "transitions:\n  tool: [" + id + "]\n";
        try {
            return GateSuite.of(GatesLoader.parse(yaml, "test.yaml", Optional.empty())).gate(id).orElseThrow();
        } catch (GatesConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
