package dev.r1.gates;

import dev.r1.gates.builtin.BudgetGate;
import dev.r1.gates.builtin.LintGate;
import dev.r1.gates.builtin.ScopeFitGate;
import dev.r1.gates.builtin.SecretsGate;
import dev.r1.gates.builtin.SyntaxGate;
import dev.r1.gates.config.ConfigNode;
import dev.r1.gates.config.GateSpec;
import dev.r1.gates.config.GateTypes;
import dev.r1.gates.config.GatesConfig;
import dev.r1.gates.config.Problems;
import dev.r1.gates.config.Settings;
import dev.r1.gates.policy.PolicyGate;
import dev.r1.gates.wasm.WasmGate;
import dev.r1.gates.wasm.WasmLimits;
import dev.r1.gates.wasm.WasmModuleException;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.event.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gates of one gates file, built and ready: what a service holds (per repository and
 * base commit) and calls at each checkpoint.
 * <pre>
 * GateSuite suite = GateSuite.of(GatesLoader.forRepository(repo, spec.gates()));
 * List&lt;GateVerdict&gt; verdicts = suite.evaluate(GateInput.at(Checkpoint.EXECUTE_VERIFY, task).diff(diff).build());
 * List&lt;String&gt; required = suite.requiredGates(Checkpoint.EXECUTE_VERIFY);   // the transition's required_gates
 * </pre>
 * Gates of type {@code external} ({@code tests}, {@code cross-family-review}) are listed in
 * {@code required_gates} but decided by the calling service; {@link #externalGates} names them.
 */
public final class GateSuite {
    private static final long MAX_MODULE_BYTES = 16L << 20;

    private final GatesConfig config;
    private final Map<String, Gate> gates;

    private GateSuite(GatesConfig config, Map<String, Gate> gates) {
        this.config = config;
        this.gates = Map.copyOf(gates);
    }

    /** Builds every gate the file defines; all problems (bad settings, CEL that does not compile, bad modules) are reported at once. */
    public static GateSuite of(GatesConfig config) throws GatesConfigException {
        List<GatesConfigException.Problem> problems = new ArrayList<>();
        Map<String, Gate> gates = new LinkedHashMap<>();
        for (GateSpec spec : config.gates().values()) {
            Problems p = new Problems(spec.source());
            Settings s = new Settings(spec, p);
            Gate g = build(spec, s);
            if (!p.isEmpty()) {
                try {
                    p.throwIfAny();
                } catch (GatesConfigException e) {
                    problems.addAll(e.problems());
                }
            } else if (g != null) {
                gates.put(spec.id(), g);
            }
        }
        if (!problems.isEmpty()) throw new GatesConfigException(problems);
        return new GateSuite(config, gates);
    }

    /** A preset, built. */
    public static GateSuite preset(String name) throws GatesConfigException {
        return of(GatesLoader.preset(name));
    }

    /** The repository's {@code .r1/gates.yaml}, else the preset, built. */
    public static GateSuite forRepository(Path repoRoot, String preset) throws GatesConfigException {
        return of(GatesLoader.forRepository(repoRoot, preset));
    }

    private static Gate build(GateSpec spec, Settings s) {
        return switch (spec.type()) {
            case GateTypes.BUDGET -> BudgetGate.create(s);
            case GateTypes.SCOPE_FIT -> ScopeFitGate.create(s);
            case GateTypes.SECRETS -> SecretsGate.create(s);
            case GateTypes.SYNTAX -> SyntaxGate.create(s);
            case GateTypes.LINT -> LintGate.create(s);
            case GateTypes.POLICY -> PolicyGate.create(s);
            case GateTypes.WASM -> wasm(spec, s);
            case GateTypes.EXTERNAL -> {
                s.finish();
                yield null;
            }
            default -> {
                s.problem(null, "unknown gate type " + spec.type());
                yield null;
            }
        };
    }

    private static Gate wasm(GateSpec spec, Settings s) {
        Optional<String> module = s.optString("module");
        long fuel = s.integer("fuel", WasmLimits.DEFAULT.fuel(), 1, 1_000_000_000_000L);
        int pages = (int) s.integer("memory_pages", WasmLimits.DEFAULT.memoryPages(), 1, 65_536);
        long timeoutMs = s.integer("timeout_ms", WasmLimits.DEFAULT.timeout().toMillis(), 1, 600_000);
        int maxInput = (int) s.integer("max_input_bytes", WasmLimits.DEFAULT.maxInputBytes(), 1024, 256L << 20);
        ConfigNode settingsNode = s.node("settings").orElse(null);
        if (settingsNode != null && !(settingsNode instanceof ConfigNode.Mapping)) {
            s.problem(settingsNode, "'settings' must be a mapping; it is passed to the module as JSON");
        }
        s.finish();
        if (module.isEmpty()) {
            s.problem(null, "a wasm gate needs 'module': a .wasm file relative to the repository root, or classpath:wasm/NAME.wasm");
            return null;
        }
        ConfigNode at = s.node("module").orElse(null);
        byte[] bytes;
        try {
            bytes = moduleBytes(module.get(), spec.baseDir());
        } catch (IOException e) {
            s.problem(at, e.getMessage());
            return null;
        }
        try {
            return WasmGate.load(spec.id(), bytes, new WasmLimits(fuel, pages, Duration.ofMillis(timeoutMs), maxInput),
                    settingsNode == null ? null : settingsNode.toJson());
        } catch (WasmModuleException e) {
            s.problem(at, "module " + module.get() + ": " + e.getMessage());
            return null;
        }
    }

    private static byte[] moduleBytes(String module, Optional<Path> baseDir) throws IOException {
        if (module.endsWith(".wat")) {
            throw new IOException("module " + module + " is WebAssembly text: compile it to .wasm first (wat2wasm)");
        }
        if (module.startsWith("classpath:")) {
            String name = module.substring("classpath:".length());
            if (name.startsWith("/")) name = name.substring(1);
            try (InputStream in = GateSuite.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) throw new IOException("module " + module + " is not on the class path");
                return in.readNBytes((int) MAX_MODULE_BYTES + 1);
            }
        }
        if (baseDir.isEmpty()) throw new IOException("module " + module + ": this file can only load classpath: modules");
        Path base = baseDir.get().toAbsolutePath().normalize();
        Path file = base.resolve(module).normalize();
        if (!file.startsWith(base) || Glob.escapes(module)) {
            throw new IOException("module " + module + " is outside the repository; give a path relative to its root");
        }
        if (!Files.isRegularFile(file)) throw new IOException("module " + module + " does not exist");
        if (!GatesLoader.insideRepository(base, file)) {
            throw new IOException("module " + module + " links out of the repository; commit the module itself");
        }
        if (Files.size(file) > MAX_MODULE_BYTES) throw new IOException("module " + module + " is larger than 16 MiB");
        return Files.readAllBytes(file);
    }

    public GatesConfig config() {
        return config;
    }

    /** The sorted gate ids for a checkpoint's transition: its {@code required_gates}. */
    public List<String> requiredGates(Checkpoint checkpoint) {
        return config.requiredGates(checkpoint);
    }

    /** {@code required_gates} for any transition; empty for the ungated ones. */
    public List<String> requiredGates(Transition transition) {
        return config.requiredGates(transition);
    }

    /** The gates at a checkpoint the calling service decides itself (type {@code external}), sorted. */
    public List<String> externalGates(Checkpoint checkpoint) {
        return requiredGates(checkpoint).stream().filter(id -> !gates.containsKey(id)).toList();
    }

    public Optional<Gate> gate(String id) {
        return Optional.ofNullable(gates.get(id));
    }

    /**
     * Runs this library's gates at the input's checkpoint, in id order, and returns one verdict
     * each. Never throws: a gate that fails is a BLOCK naming the failure.
     */
    public List<GateVerdict> evaluate(GateInput input) {
        List<GateVerdict> out = new ArrayList<>();
        for (String id : requiredGates(input.checkpoint())) {
            Gate g = gates.get(id);
            if (g == null) continue;
            out.add(run(g, input));
        }
        return out;
    }

    /**
     * Every decision a transition needs: this library's verdicts at the input's checkpoint plus the
     * caller's own (for the {@link #externalGates}), one per required gate, in id order. A required
     * gate the caller gave no verdict for becomes a BLOCK that names it, so the transition can
     * always be recorded with its {@code required_gates} covered. Verdicts for gates that are not
     * required come last, as given.
     */
    public List<GateVerdict> decide(GateInput input, List<GateVerdict> external) {
        Map<String, GateVerdict> byId = new LinkedHashMap<>();
        for (GateVerdict v : evaluate(input)) byId.put(v.gate(), v);
        List<GateVerdict> extra = new ArrayList<>();
        for (GateVerdict v : external) {
            if (gates.containsKey(v.gate())) continue; // this library decides its own gates
            if (requiredGates(input.checkpoint()).contains(v.gate())) byId.putIfAbsent(v.gate(), v);
            else extra.add(v);
        }
        List<GateVerdict> out = new ArrayList<>();
        for (String id : requiredGates(input.checkpoint())) {
            GateVerdict v = byId.get(id);
            out.add(v != null ? v : GateVerdict.block(id, "no decision was made for the required gate '" + id + "' at "
                    + input.checkpoint().wire() + ": the service that runs it did not report one; check its configuration"));
        }
        out.addAll(extra);
        return out;
    }

    /** Runs one gate, turning a failure into a BLOCK. */
    public static GateVerdict run(Gate g, GateInput input) {
        try {
            GateVerdict v = g.evaluate(input);
            if (v == null) return GateVerdict.block(g.id(), "gate '" + g.id() + "' gave no verdict (a bug in the gate)");
            if (!v.gate().equals(g.id())) return new GateVerdict(g.id(), v.verdict(), v.reason());
            return v;
        } catch (RuntimeException | StackOverflowError e) {
            return GateVerdict.block(g.id(), "gate '" + g.id() + "' failed while deciding (" + e + "); this is a bug in the gate"
                    + " or its configuration, and the change cannot pass until it is fixed");
        }
    }

    /** The verdict of a set of verdicts: BLOCK if any blocks, else ESCALATE if any escalates, else ALLOW. */
    public static Verdict overall(List<GateVerdict> verdicts) {
        Verdict v = Verdict.ALLOW;
        for (GateVerdict g : verdicts) v = GateVerdict.worst(v, g.verdict());
        return v;
    }
}
