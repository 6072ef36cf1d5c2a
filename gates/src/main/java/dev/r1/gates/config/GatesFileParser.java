package dev.r1.gates.config;

import dev.r1.gates.Checkpoint;
import dev.r1.gates.GatesConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a gates file:
 * <pre>
 * version: 1                 # optional; 1 is the only version
 * extends: default           # optional: start from a preset (fast, default, strict)
 * gates:                     # settings per gate id; an id that is not built in needs a type
 *   budget: {escalate_margin: 0.1}
 *   no-dnm: {type: wasm, module: .r1/gates/no-dnm.wasm}
 * transitions:               # which gates run where; replaces the preset's list for that key
 *   PLAN->EXECUTE: [budget, scope-fit]
 *   tool: [secrets, policy]
 * </pre>
 * Structure is checked here; each gate's own settings are checked when the gate is built.
 */
public final class GatesFileParser {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Set<String> TOP = Set.of("version", "extends", "gates", "transitions", "description");

    /** Finds a preset by name; throws for an unknown one. */
    @FunctionalInterface
    public interface Presets {
        Optional<GatesConfig> find(String name) throws GatesConfigException;
    }

    private GatesFileParser() {}

    public static GatesConfig parse(String text, String source, Optional<Path> baseDir, Presets presets) throws GatesConfigException {
        ConfigNode root = Yaml.parse(text, source);
        Problems p = new Problems(source);
        if (!(root instanceof ConfigNode.Mapping top)) {
            p.add(root, "a gates file is a mapping with the keys transitions, gates, extends and version, not " + root.describe());
            p.throwIfAny();
            throw new AssertionError();
        }
        for (ConfigNode.Entry e : top.entries()) {
            if (!TOP.contains(e.key())) {
                p.add(e.line(), "unknown key '" + e.key() + "'; a gates file has only version, extends, gates and transitions");
            }
        }
        top.get("version").ifPresent(v -> {
            if (!(v instanceof ConfigNode.Scalar s && s.type() == ConfigNode.ScalarType.INT && s.text().equals("1"))) {
                p.add(v, "version must be 1, not " + v.describe());
            }
        });

        Map<String, GateSpec> gates = new LinkedHashMap<>();
        Map<Checkpoint, List<String>> checkpoints = new EnumMap<>(Checkpoint.class);
        Optional<ConfigNode> ext = top.get("extends");
        if (ext.isPresent()) {
            if (ext.get() instanceof ConfigNode.Scalar s && s.type() == ConfigNode.ScalarType.STRING) {
                Optional<GatesConfig> base;
                try {
                    base = presets.find(s.text());
                } catch (GatesConfigException e) {
                    p.addAll(e);
                    base = Optional.empty();
                }
                if (base.isPresent()) {
                    gates.putAll(base.get().gates());
                    checkpoints.putAll(base.get().checkpoints());
                } else if (p.isEmpty()) {
                    p.add(s, "extends names an unknown preset '" + s.text() + "'; the presets are fast, default and strict");
                }
            } else {
                p.add(ext.get(), "extends must name a preset (fast, default or strict), not " + ext.get().describe());
            }
        }

        Optional<ConfigNode> gatesNode = top.get("gates");
        if (gatesNode.isPresent() && !isNull(gatesNode.get())) {
            if (gatesNode.get() instanceof ConfigNode.Mapping gm) {
                for (ConfigNode.Entry e : gm.entries()) {
                    GateSpec spec = define(e, source, baseDir, p);
                    if (spec != null) gates.put(spec.id(), spec);
                }
            } else {
                p.add(gatesNode.get(), "gates must map gate ids to their settings, not " + gatesNode.get().describe());
            }
        }

        Optional<ConfigNode> tNode = top.get("transitions");
        if (tNode.isEmpty() && ext.isEmpty()) {
            p.add(top.line(), "no transitions: say which gates run where (or extend a preset with 'extends: default')");
        }
        if (tNode.isPresent() && !isNull(tNode.get())) {
            if (tNode.get() instanceof ConfigNode.Mapping tm) {
                for (ConfigNode.Entry e : tm.entries()) {
                    Optional<Checkpoint> cp = Checkpoint.fromWire(e.key());
                    if (cp.isEmpty()) {
                        p.add(e.line(), "unknown transition '" + e.key() + "'; gates run at "
                                + Arrays.stream(Checkpoint.values()).map(Checkpoint::wire).collect(Collectors.joining(", ")));
                        continue;
                    }
                    checkpoints.put(cp.get(), gateList(e, gates, source, baseDir, p));
                }
            } else {
                p.add(tNode.get(), "transitions must map each transition to a list of gate ids, not " + tNode.get().describe());
            }
        }
        p.throwIfAny();
        return new GatesConfig(source, gates, checkpoints);
    }

    private static GateSpec define(ConfigNode.Entry e, String source, Optional<Path> baseDir, Problems p) {
        if (!ID.matcher(e.key()).matches()) {
            p.add(e.line(), "gate id '" + e.key() + "' must be 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
            return null;
        }
        ConfigNode.Mapping settings;
        if (isNull(e.value())) {
            settings = ConfigNode.Mapping.empty(e.line());
        } else if (e.value() instanceof ConfigNode.Mapping m) {
            settings = m;
        } else {
            p.add(e.value(), "gate '" + e.key() + "' must be given a mapping of settings, not " + e.value().describe());
            return null;
        }
        String type;
        Optional<ConfigNode> t = settings.get("type");
        if (t.isPresent()) {
            if (t.get() instanceof ConfigNode.Scalar s && GateTypes.TYPES.contains(s.text())) {
                type = s.text();
                Optional<String> implied = GateTypes.implied(e.key());
                if (implied.isPresent() && !implied.get().equals(type)) {
                    p.add(s, "gate '" + e.key() + "' is the built-in " + implied.get() + " gate; give a gate of type " + type
                            + " another id");
                    return null;
                }
            } else {
                p.add(t.get(), "gate '" + e.key() + "': unknown type " + t.get().describe() + "; the types are "
                        + String.join(", ", GateTypes.TYPES));
                return null;
            }
        } else {
            Optional<String> implied = GateTypes.implied(e.key());
            if (implied.isEmpty()) {
                p.add(e.line(), "gate '" + e.key() + "' is not built in (" + String.join(", ", GateTypes.builtinIds())
                        + "): give it a type, one of " + String.join(", ", GateTypes.TYPES));
                return null;
            }
            type = implied.get();
        }
        return new GateSpec(e.key(), type, settings, source, baseDir, e.line());
    }

    private static List<String> gateList(ConfigNode.Entry e, Map<String, GateSpec> gates, String source, Optional<Path> baseDir,
                                         Problems p) {
        if (isNull(e.value())) return List.of();
        List<ConfigNode> items;
        if (e.value() instanceof ConfigNode.Sequence seq) {
            items = seq.items();
        } else {
            p.add(e.value(), e.key() + " must list gate ids, like [secrets, policy], not " + e.value().describe());
            return List.of();
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ConfigNode item : items) {
            if (!(item instanceof ConfigNode.Scalar s) || s.type() != ConfigNode.ScalarType.STRING) {
                p.add(item, e.key() + " must list gate ids (define settings under gates:), not " + item.describe());
                continue;
            }
            String id = s.text();
            if (!seen.add(id)) {
                p.add(s, "gate '" + id + "' is listed twice for " + e.key());
                continue;
            }
            if (!gates.containsKey(id)) {
                Optional<String> implied = GateTypes.implied(id);
                if (implied.isEmpty()) {
                    p.add(s, "unknown gate '" + id + "' for " + e.key() + ": define it under gates: with a type, or use a built-in gate ("
                            + String.join(", ", GateTypes.builtinIds()) + ")");
                    continue;
                }
                gates.put(id, new GateSpec(id, implied.get(), ConfigNode.Mapping.empty(s.line()), source, baseDir, s.line()));
            }
            out.add(id);
        }
        return out;
    }

    private static boolean isNull(ConfigNode n) {
        return n instanceof ConfigNode.Scalar s && s.type() == ConfigNode.ScalarType.NULL;
    }
}
