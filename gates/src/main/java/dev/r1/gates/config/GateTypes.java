package dev.r1.gates.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The gate implementations a gates file can name, and the ids that imply one. */
public final class GateTypes {
    public static final String BUDGET = "budget";
    public static final String SCOPE_FIT = "scope-fit";
    public static final String SECRETS = "secrets";
    public static final String SYNTAX = "syntax";
    public static final String POLICY = "policy";
    public static final String LINT = "lint";
    public static final String WASM = "wasm";
    /** Decided by a service, not by this library (the verifier's tests and cross-family review, the committer's merge). */
    public static final String EXTERNAL = "external";

    public static final List<String> TYPES = List.of(BUDGET, SCOPE_FIT, SECRETS, SYNTAX, POLICY, LINT, WASM, EXTERNAL);

    private static final Map<String, String> IMPLIED = new LinkedHashMap<>();

    static {
        for (String t : List.of(BUDGET, SCOPE_FIT, SECRETS, SYNTAX, POLICY, LINT)) IMPLIED.put(t, t);
        IMPLIED.put("tests", EXTERNAL);
        IMPLIED.put("cross-family-review", EXTERNAL);
        IMPLIED.put("merge", EXTERNAL);
    }

    private GateTypes() {}

    /** The type a gate id stands for when the file gives it no {@code type}. */
    public static Optional<String> implied(String id) {
        return Optional.ofNullable(IMPLIED.get(id));
    }

    /** Ids usable without a definition. */
    public static List<String> builtinIds() {
        return List.copyOf(IMPLIED.keySet());
    }
}
