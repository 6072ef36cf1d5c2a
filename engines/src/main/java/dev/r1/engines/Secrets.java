package dev.r1.engines;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API keys read so far, so that any text about to be recorded or logged can be scrubbed of
 * them: a last line of defence behind never putting keys in events in the first place.
 */
public final class Secrets {
    public static final String REDACTED = "[redacted]";
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public String remember(String key) {
        if (key != null && key.length() >= 8) known.add(key);
        return key;
    }

    public String redact(String text) {
        if (text == null || known.isEmpty()) return text;
        String out = text;
        for (String k : known) if (out.contains(k)) out = out.replace(k, REDACTED);
        return out;
    }
}
