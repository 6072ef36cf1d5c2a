package dev.r1.gates.wasm;

/** A module that cannot be a gate: malformed, importing something, or missing the ABI's exports. */
public final class WasmModuleException extends Exception {
    public WasmModuleException(String message) {
        super(message);
    }

    public WasmModuleException(String message, Throwable cause) {
        super(message, cause);
    }
}
