package dev.r1.engines.config;

import dev.r1.engines.EngineException;

/** The engines config file is unusable; the message names the file and the field. */
public final class ConfigException extends EngineException {
    public ConfigException(String message) {
        super(message);
    }
}
