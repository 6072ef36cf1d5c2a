package dev.r1.gates;

/**
 * A check the harness runs at a checkpoint. Implementations are plain, thread-safe objects
 * built once from the gates file and called for every task; {@link #evaluate} must not throw
 * for bad input (it says BLOCK or ESCALATE instead) and must return a verdict naming {@link #id()}.
 */
public interface Gate {
    /** The id the gates file gives this gate; it is what {@code required_gates} lists. */
    String id();

    GateVerdict evaluate(GateInput input);
}
