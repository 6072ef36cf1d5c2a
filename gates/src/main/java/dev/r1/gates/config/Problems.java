package dev.r1.gates.config;

import dev.r1.gates.GatesConfigException;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem in a gates file, so one run of the parser reports them all. */
public final class Problems {
    private final String source;
    private final List<GatesConfigException.Problem> list = new ArrayList<>();

    public Problems(String source) {
        this.source = source;
    }

    public String source() {
        return source;
    }

    public void add(ConfigNode at, String message) {
        list.add(new GatesConfigException.Problem(source, at == null ? 0 : at.line(), at == null ? 0 : at.column(), message));
    }

    public void add(int line, String message) {
        list.add(new GatesConfigException.Problem(source, line, 0, message));
    }

    public void addAll(GatesConfigException e) {
        list.addAll(e.problems());
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public int size() {
        return list.size();
    }

    public void throwIfAny() throws GatesConfigException {
        if (!list.isEmpty()) throw new GatesConfigException(list);
    }
}
