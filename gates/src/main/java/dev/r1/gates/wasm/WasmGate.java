package dev.r1.gates.wasm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import dev.r1.gates.Gate;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateVerdict;
import dev.r1.stoke.event.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A custom gate compiled to WebAssembly, run by Chicory's interpreter in a fresh instance per
 * evaluation. The ABI:
 * <ol>
 *   <li>The module imports nothing (a module with any import is refused at load) and exports
 *       {@code memory}, {@code alloc(len: i32) -> i32} and {@code gate(ptr: i32, len: i32) -> i64}.</li>
 *   <li>The host calls {@code alloc} with the input's length, writes the input JSON
 *       ({@link WasmInput}) at the pointer it returns, and calls {@code gate}.</li>
 *   <li>{@code gate} returns {@code (out_ptr << 32) | out_len}; the bytes there are the verdict,
 *       UTF-8 JSON {@code {"verdict": "allow"|"block"|"escalate", "reason": "..."}}.</li>
 * </ol>
 * Limits ({@link WasmLimits}): fuel counted per instruction, memory capped at a page count
 * (memory.grow fails beyond it), and wall time, enforced both by the fuel counter and by
 * interrupting the worker thread. Running out of any of them, trapping, or returning anything
 * but a well-formed verdict is a BLOCK whose reason says which; evaluation never hangs.
 */
public final class WasmGate implements Gate {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_OUTPUT_BYTES = 64 * 1024;
    private static final int MAX_REASON_CHARS = 1000;
    private static final long WORKER_STACK_BYTES = 8L << 20;

    private final String id;
    private final WasmModule module;
    private final WasmLimits limits;
    private final JsonNode settings;

    private WasmGate(String id, WasmModule module, WasmLimits limits, JsonNode settings) {
        this.id = id;
        this.module = module;
        this.limits = limits;
        this.settings = settings;
    }

    /** Checks the module against the ABI and the limits; the gate is then ready to run. */
    public static WasmGate load(String id, byte[] wasm, WasmLimits limits, JsonNode settings) throws WasmModuleException {
        WasmModule module;
        try {
            module = Parser.parse(wasm);
        } catch (RuntimeException e) {
            throw new WasmModuleException("not a valid WebAssembly module: " + e.getMessage(), e);
        }
        int imports = module.importSection().importCount();
        if (imports > 0) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < Math.min(imports, 5); i++) {
                Import im = module.importSection().getImport(i);
                names.add(im.module() + "." + im.name() + " (" + im.importType().name().toLowerCase(Locale.ROOT) + ")");
            }
            throw new WasmModuleException("the module imports " + String.join(", ", names) + (imports > 5 ? " and more" : "")
                    + ": custom gates get no host functions or shared state, only their input; remove every import");
        }
        if (module.memorySection().isEmpty() || module.memorySection().get().memoryCount() != 1) {
            throw new WasmModuleException("the module must define exactly one memory and export it as 'memory'");
        }
        MemoryLimits declared = module.memorySection().get().getMemory(0).limits();
        if (declared.initialPages() > limits.memoryPages()) {
            throw new WasmModuleException("the module starts with " + declared.initialPages() + " memory pages, more than the limit of "
                    + limits.memoryPages() + ": shrink its initial memory or raise memory_pages");
        }
        if (declared.shared()) throw new WasmModuleException("the module's memory is shared; a gate's memory must be its own");
        requireExport(module, "memory", ExternalType.MEMORY, null);
        requireExport(module, "alloc", ExternalType.FUNCTION, FunctionType.of(List.of(ValType.I32), List.of(ValType.I32)));
        requireExport(module, "gate", ExternalType.FUNCTION, FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64)));
        return new WasmGate(id, module, limits, settings == null ? JSON.createObjectNode() : settings);
    }

    private static void requireExport(WasmModule m, String name, ExternalType type, FunctionType signature) throws WasmModuleException {
        for (int i = 0; i < m.exportSection().exportCount(); i++) {
            Export e = m.exportSection().getExport(i);
            if (!e.name().equals(name)) continue;
            if (e.exportType() != type) {
                throw new WasmModuleException("the export '" + name + "' must be a " + type.name().toLowerCase(Locale.ROOT));
            }
            if (signature != null) {
                FunctionType actual = m.functionSection().getFunctionType(e.index(), m.typeSection());
                if (!actual.typesMatch(signature)) {
                    throw new WasmModuleException("the export '" + name + "' must have the signature " + show(signature) + ", not " + show(actual));
                }
            }
            return;
        }
        throw new WasmModuleException("the module does not export '" + name + "'; a gate exports memory, alloc(i32)->i32 and gate(i32,i32)->i64");
    }

    private static String show(FunctionType t) {
        return "(" + String.join(",", t.params().stream().map(v -> v.toString().toLowerCase(Locale.ROOT)).toList()) + ")->("
                + String.join(",", t.returns().stream().map(v -> v.toString().toLowerCase(Locale.ROOT)).toList()) + ")";
    }

    @Override
    public String id() {
        return id;
    }

    public WasmLimits limits() {
        return limits;
    }

    /** Why a run stopped early. */
    private static final class Stop extends RuntimeException {
        Stop(String message) {
            super(message, null, false, false);
        }
    }

    private record Outcome(String output, String failure) {}

    @Override
    public GateVerdict evaluate(GateInput in) {
        byte[] input = WasmInput.bytes(in, id, settings, limits.maxInputBytes());
        if (input.length > limits.memoryBytes() / 2) {
            return GateVerdict.block(id, "custom gate '" + id + "': its input (" + input.length + " bytes) does not fit in its memory limit of "
                    + limits.memoryPages() + " pages; raise memory_pages for this gate");
        }
        long deadline = System.nanoTime() + limits.timeout().toNanos();
        Memory[] memory = new Memory[1];
        FutureTask<Outcome> task = new FutureTask<>(() -> run(input, deadline, memory));
        Thread worker = new Thread(null, task, "wasm-gate-" + id, WORKER_STACK_BYTES);
        worker.setDaemon(true);
        worker.start();
        Outcome outcome;
        try {
            outcome = task.get(limits.timeout().toMillis() + 250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.interrupt();
            task.cancel(true);
            return GateVerdict.block(id, "custom gate '" + id + "' ran over its time limit of " + limits.timeout().toMillis()
                    + " ms and was stopped: make it faster, or raise timeout_ms for this gate");
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            return GateVerdict.block(id, "custom gate '" + id + "' was interrupted before it decided");
        } catch (ExecutionException e) {
            return GateVerdict.block(id, "custom gate '" + id + "' failed: " + e.getCause());
        }
        if (outcome.failure() != null) {
            String reason = outcome.failure();
            Memory m = memory[0];
            if (m != null && m.pages() >= limits.memoryPages() && !reason.contains("memory limit")) {
                reason += ", with its memory at the limit of " + limits.memoryPages() + " pages (" + mib(limits.memoryBytes())
                        + "); it may need more memory_pages, or it leaks";
            }
            return GateVerdict.block(id, "custom gate '" + id + "' " + reason);
        }
        return verdict(outcome.output());
    }

    private Outcome run(byte[] input, long deadline, Memory[] memoryOut) {
        long[] fuel = {limits.fuel()};
        try {
            Instance instance = Instance.builder(module)
                    .withMemoryFactory(declared -> {
                        Memory m = new ByteArrayMemory(new MemoryLimits(declared.initialPages(),
                                Math.min(declared.maximumPages(), limits.memoryPages())));
                        memoryOut[0] = m;
                        return m;
                    })
                    .withUnsafeExecutionListener((instruction, stack) -> {
                        long left = --fuel[0];
                        if (left < 0) throw new Stop("used up its fuel of " + limits.fuel() + " instructions and was stopped:"
                                + " make it do less work, or raise fuel for this gate");
                        if ((left & 0xfff) == 0 && System.nanoTime() > deadline) {
                            throw new Stop("ran over its time limit of " + limits.timeout().toMillis() + " ms and was stopped:"
                                    + " make it faster, or raise timeout_ms for this gate");
                        }
                    })
                    .build();
            Memory memory = instance.memory();
            ExportFunction alloc = instance.export("alloc");
            ExportFunction gate = instance.export("gate");
            int ptr = (int) alloc.apply(input.length)[0];
            long size = (long) memory.pages() * Memory.PAGE_SIZE;
            if (ptr < 0 || (long) ptr + input.length > size) {
                return new Outcome(null, "returned an unusable pointer from alloc(" + input.length + "): " + Integer.toUnsignedString(ptr)
                        + " with " + size + " bytes of memory (it may have hit its memory limit of " + limits.memoryPages() + " pages)");
            }
            memory.write(ptr, input);
            long packed = gate.apply(ptr, input.length)[0];
            int outPtr = (int) (packed >>> 32);
            int outLen = (int) packed;
            size = (long) memory.pages() * Memory.PAGE_SIZE;
            if (outLen < 0 || outLen > MAX_OUTPUT_BYTES || outPtr < 0 || (long) outPtr + outLen > size) {
                return new Outcome(null, "returned an output outside its memory or over 64 KiB (ptr "
                        + Integer.toUnsignedString(outPtr) + ", len " + Integer.toUnsignedString(outLen) + ")");
            }
            return new Outcome(new String(memory.readBytes(outPtr, outLen), StandardCharsets.UTF_8), null);
        } catch (Stop e) {
            return new Outcome(null, e.getMessage());
        } catch (ChicoryInterruptedException e) {
            return new Outcome(null, "ran over its time limit of " + limits.timeout().toMillis() + " ms and was stopped");
        } catch (TrapException e) {
            return new Outcome(null, "trapped (" + e.getMessage() + ")");
        } catch (ChicoryException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            if (root instanceof Stop s) return new Outcome(null, s.getMessage());
            return new Outcome(null, "failed (" + e.getMessage() + ")");
        } catch (StackOverflowError e) {
            return new Outcome(null, "exhausted its call stack");
        } catch (OutOfMemoryError e) {
            return new Outcome(null, "ran the host out of memory");
        } catch (RuntimeException e) {
            return new Outcome(null, "failed (" + e + ")");
        }
    }

    private GateVerdict verdict(String output) {
        JsonNode doc;
        try {
            doc = JSON.readTree(output);
        } catch (Exception e) {
            return GateVerdict.block(id, "custom gate '" + id + "' returned something that is not JSON (" + preview(output)
                    + "); it must return {\"verdict\": \"allow|block|escalate\", \"reason\": \"...\"}");
        }
        if (doc == null || !doc.isObject() || !doc.path("verdict").isTextual() || !doc.path("reason").isTextual()) {
            return GateVerdict.block(id, "custom gate '" + id + "' returned " + preview(output)
                    + "; it must return {\"verdict\": \"allow|block|escalate\", \"reason\": \"...\"}");
        }
        Optional<Verdict> v = Verdict.fromWire(doc.get("verdict").asText());
        String reason = doc.get("reason").asText().replaceAll("\\p{Cntrl}", " ").strip();
        if (v.isEmpty()) {
            return GateVerdict.block(id, "custom gate '" + id + "' returned the verdict '" + preview(doc.get("verdict").asText())
                    + "'; a verdict is allow, block or escalate");
        }
        if (reason.isEmpty()) {
            return GateVerdict.block(id, "custom gate '" + id + "' said " + v.get().wire() + " without a reason; a verdict needs one");
        }
        if (reason.length() > MAX_REASON_CHARS) reason = reason.substring(0, MAX_REASON_CHARS) + "…";
        return new GateVerdict(id, v.get(), reason);
    }

    private static String preview(String s) {
        String p = s.replaceAll("\\p{Cntrl}", " ");
        return p.length() > 80 ? p.substring(0, 80) + "…" : p;
    }

    private static String mib(long bytes) {
        return bytes >= (1 << 20) ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }
}
