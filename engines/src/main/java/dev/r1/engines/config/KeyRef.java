package dev.r1.engines.config;

import dev.r1.engines.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a provider's API key is: an environment variable's name or a file's path, never the key
 * itself. {@link #describe()} is what may be shown or recorded.
 */
public record KeyRef(String env, Path file) {
    public static final KeyRef NONE = new KeyRef(null, null);

    public boolean isNone() {
        return env == null && file == null;
    }

    /** The key, read now; empty text when there is no reference. */
    public String resolve(String provider, Map<String, String> environment) {
        if (env != null) {
            String v = environment.get(env);
            if (v == null || v.isBlank()) {
                throw new EngineException.ProviderFailure(provider, "provider " + provider + " needs an API key: set the environment variable " + env);
            }
            return v.strip();
        }
        if (file != null) {
            try {
                String v = Files.readString(file).strip();
                if (v.isEmpty()) throw new EngineException.ProviderFailure(provider, "provider " + provider + "'s key file " + file + " is empty");
                return v;
            } catch (IOException e) {
                throw new EngineException.ProviderFailure(provider, "provider " + provider + "'s key file " + file + " cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        return "";
    }

    public String describe() {
        if (env != null) return "env " + env;
        if (file != null) return "file " + file;
        return "none";
    }
}
