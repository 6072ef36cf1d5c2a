package dev.r1.gates.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One gate as the gates file defines it: its id, its type (which implementation runs it),
 * its settings, and where it was written.
 *
 * @param baseDir the directory relative paths in the settings resolve against (the
 *     repository root for {@code .r1/gates.yaml}); empty for presets
 */
public record GateSpec(String id, String type, ConfigNode.Mapping settings, String source, Optional<Path> baseDir, int line) {
    public GateSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(baseDir, "baseDir");
    }
}
