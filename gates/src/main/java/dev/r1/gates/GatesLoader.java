package dev.r1.gates;

import dev.r1.gates.config.GatesConfig;
import dev.r1.gates.config.GatesFileParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where gates files come from: a repository's {@code .r1/gates.yaml}, a server's own file, or
 * one of the presets shipped in this library ({@code fast}, {@code default}, {@code strict}).
 */
public final class GatesLoader {
    /** The gates file of a target repository, relative to its root. */
    public static final String REPOSITORY_FILE = ".r1/gates.yaml";
    public static final List<String> PRESETS = List.of("fast", "default", "strict");
    private static final long MAX_FILE_BYTES = 1 << 20;
    private static final Map<String, GatesConfig> PRESET_CACHE = new ConcurrentHashMap<>();

    private GatesLoader() {}

    /** A shipped preset; throws IllegalArgumentException for a name not in {@link #PRESETS}. */
    public static GatesConfig preset(String name) throws GatesConfigException {
        if (!PRESETS.contains(name)) {
            throw new IllegalArgumentException("unknown gates preset '" + name + "'; the presets are " + String.join(", ", PRESETS));
        }
        GatesConfig cached = PRESET_CACHE.get(name);
        if (cached != null) return cached;
        String text;
        try (InputStream in = GatesLoader.class.getResourceAsStream("/presets/" + name + ".yaml")) {
            if (in == null) throw new IllegalStateException("preset " + name + " is missing from the library");
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read preset " + name, e);
        }
        GatesConfig parsed = GatesFileParser.parse(text, "preset:" + name, Optional.empty(), n -> Optional.empty());
        PRESET_CACHE.put(name, parsed);
        return parsed;
    }

    /**
     * Parses a gates file's text.
     *
     * @param source how problems name the file, e.g. {@code .r1/gates.yaml}
     * @param baseDir what relative module paths resolve against (the repository root)
     */
    public static GatesConfig parse(String yaml, String source, Optional<Path> baseDir) throws GatesConfigException {
        return GatesFileParser.parse(yaml, source, baseDir, name -> PRESETS.contains(name) ? Optional.of(preset(name)) : Optional.empty());
    }

    /** Reads a gates file; relative paths in it resolve against {@code baseDir}. */
    public static GatesConfig read(Path file, Path baseDir, String source) throws GatesConfigException {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) throw new GatesConfigException(source, 0, "the file is larger than 1 MiB");
            return parse(Files.readString(file, StandardCharsets.UTF_8), source, Optional.of(baseDir));
        } catch (java.nio.charset.MalformedInputException e) {
            throw new GatesConfigException(source, 0, "the file is not UTF-8 text");
        } catch (IOException e) {
            throw new GatesConfigException(source, 0, "cannot read the file: " + e.getMessage());
        }
    }

    /**
     * The gates for a repository: its {@code .r1/gates.yaml} if it has one, else {@code fallback}
     * (the server's default). Read the file from the commit the task starts from, not from an
     * agent's worktree, so a change cannot loosen the gates that judge it.
     */
    public static GatesConfig forRepository(Path repoRoot, GatesConfig fallback) throws GatesConfigException {
        Path file = repoRoot.resolve(REPOSITORY_FILE);
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return fallback;
        if (!insideRepository(repoRoot, file)) {
            throw new GatesConfigException(REPOSITORY_FILE, 0, "the gates file must be a regular file inside the repository,"
                    + " not a link out of it");
        }
        return read(file, repoRoot, REPOSITORY_FILE);
    }

    /** A regular file whose real path (links resolved) is under the repository's real root. */
    static boolean insideRepository(Path root, Path file) {
        try {
            return Files.isRegularFile(file) && file.toRealPath().startsWith(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** As {@link #forRepository(Path, GatesConfig)} with a preset (the task spec's {@code gates} field) as the fallback. */
    public static GatesConfig forRepository(Path repoRoot, String preset) throws GatesConfigException {
        return forRepository(repoRoot, preset(preset));
    }
}
