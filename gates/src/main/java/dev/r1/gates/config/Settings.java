package dev.r1.gates.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A typed view of one gate's settings. Each getter records the key as known, reports a wrong
 * type at its line and falls back to the default; {@link #finish()} reports keys no getter
 * asked for, so a misspelt setting is an error rather than silently ignored.
 */
public final class Settings {
    private final GateSpec spec;
    private final Problems problems;
    private final Set<String> known = new LinkedHashSet<>();

    public Settings(GateSpec spec, Problems problems) {
        this.spec = spec;
        this.problems = problems;
        known.add("type");
    }

    public GateSpec spec() {
        return spec;
    }

    public String gate() {
        return spec.id();
    }

    public int line() {
        return spec.line();
    }

    public Problems problems() {
        return problems;
    }

    public void problem(ConfigNode at, String message) {
        if (at == null) problems.add(spec.line(), "gate '" + spec.id() + "': " + message);
        else problems.add(at, "gate '" + spec.id() + "': " + message);
    }

    public Optional<ConfigNode> node(String key) {
        known.add(key);
        return spec.settings().get(key).filter(n -> !(n instanceof ConfigNode.Scalar s && s.type() == ConfigNode.ScalarType.NULL));
    }

    public Optional<String> optString(String key) {
        Optional<ConfigNode> n = node(key);
        if (n.isEmpty()) return Optional.empty();
        if (n.get() instanceof ConfigNode.Scalar s && s.type() != ConfigNode.ScalarType.NULL) return Optional.of(s.text());
        problem(n.get(), "'" + key + "' must be a string, not " + n.get().describe());
        return Optional.empty();
    }

    public String string(String key, String def) {
        return optString(key).orElse(def);
    }

    public double decimal(String key, double def, double min, double max) {
        Optional<ConfigNode> n = node(key);
        if (n.isEmpty()) return def;
        if (n.get() instanceof ConfigNode.Scalar s && (s.type() == ConfigNode.ScalarType.INT || s.type() == ConfigNode.ScalarType.FLOAT)) {
            double v;
            try {
                v = Double.parseDouble(s.text().replace("_", ""));
            } catch (NumberFormatException e) {
                problem(s, "'" + key + "' must be a number, not " + s.describe());
                return def;
            }
            if (!(v >= min && v <= max)) {
                problem(s, "'" + key + "' must be between " + fmt(min) + " and " + fmt(max) + ", not " + s.text());
                return def;
            }
            return v;
        }
        problem(n.get(), "'" + key + "' must be a number, not " + n.get().describe());
        return def;
    }

    public long integer(String key, long def, long min, long max) {
        Optional<ConfigNode> n = node(key);
        if (n.isEmpty()) return def;
        if (n.get() instanceof ConfigNode.Scalar s && s.type() == ConfigNode.ScalarType.INT) {
            long v;
            try {
                v = Long.parseLong(s.text().replace("_", ""));
            } catch (NumberFormatException e) {
                problem(s, "'" + key + "' must be a whole number between " + min + " and " + max + ", not " + s.text());
                return def;
            }
            if (v < min || v > max) {
                problem(s, "'" + key + "' must be between " + min + " and " + max + ", not " + s.text());
                return def;
            }
            return v;
        }
        problem(n.get(), "'" + key + "' must be a whole number, not " + n.get().describe());
        return def;
    }

    public boolean bool(String key, boolean def) {
        Optional<ConfigNode> n = node(key);
        if (n.isEmpty()) return def;
        if (n.get() instanceof ConfigNode.Scalar s && s.type() == ConfigNode.ScalarType.BOOL) {
            return Boolean.parseBoolean(s.text().toLowerCase(java.util.Locale.ROOT));
        }
        problem(n.get(), "'" + key + "' must be true or false, not " + n.get().describe());
        return def;
    }

    /** A list of strings; a single string counts as a list of one. */
    public List<String> strings(String key, List<String> def) {
        Optional<ConfigNode> n = node(key);
        if (n.isEmpty()) return def;
        return stringList(n.get(), key).orElse(def);
    }

    /** A command: a list of arguments, or one string split on whitespace. */
    public Optional<List<String>> command(String key) {
        Optional<ConfigNode> n = node(key);
        if (n.isEmpty()) return Optional.empty();
        return command(n.get(), key);
    }

    public Optional<List<String>> command(ConfigNode n, String what) {
        Optional<List<String>> argv;
        if (n instanceof ConfigNode.Scalar s && s.type() == ConfigNode.ScalarType.STRING) {
            argv = Optional.of(List.of(s.text().strip().split("\\s+")));
        } else {
            argv = stringList(n, what);
        }
        if (argv.isPresent() && (argv.get().isEmpty() || argv.get().get(0).isBlank())) {
            problem(n, "'" + what + "' must name a program to run");
            return Optional.empty();
        }
        return argv;
    }

    public Optional<List<String>> stringList(ConfigNode n, String what) {
        if (n instanceof ConfigNode.Scalar s && s.type() != ConfigNode.ScalarType.NULL) return Optional.of(List.of(s.text()));
        if (n instanceof ConfigNode.Sequence seq) {
            List<String> out = new ArrayList<>();
            boolean ok = true;
            for (ConfigNode item : seq.items()) {
                if (item instanceof ConfigNode.Scalar s && s.type() != ConfigNode.ScalarType.NULL) out.add(s.text());
                else {
                    problem(item, "'" + what + "' must list strings, not " + item.describe());
                    ok = false;
                }
            }
            return ok ? Optional.of(List.copyOf(out)) : Optional.empty();
        }
        problem(n, "'" + what + "' must be a list of strings, not " + n.describe());
        return Optional.empty();
    }

    /** A mapping's entries in file order. */
    public Map<String, ConfigNode.Entry> mapping(String key) {
        Optional<ConfigNode> n = node(key);
        Map<String, ConfigNode.Entry> out = new LinkedHashMap<>();
        if (n.isEmpty()) return out;
        if (n.get() instanceof ConfigNode.Mapping m) {
            for (ConfigNode.Entry e : m.entries()) out.put(e.key(), e);
        } else {
            problem(n.get(), "'" + key + "' must be a mapping, not " + n.get().describe());
        }
        return out;
    }

    /** Reports every setting no getter asked for. */
    public void finish() {
        for (ConfigNode.Entry e : spec.settings().entries()) {
            if (!known.contains(e.key())) {
                List<String> expected = new ArrayList<>(known);
                expected.remove("type");
                problems.add(e.line(), "gate '" + spec.id() + "': unknown setting '" + e.key() + "'"
                        + (expected.isEmpty() ? "; this gate takes no settings" : "; expected one of " + String.join(", ", expected)));
            }
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
