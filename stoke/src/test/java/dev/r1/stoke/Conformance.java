package dev.r1.stoke;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared conformance vectors are: beside the project, never copied into it. */
public final class Conformance {
    private Conformance() {}

    public static Path dir() {
        String configured = System.getProperty("r1.conformance.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "conformance");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("conformance vectors not found at " + dir.toAbsolutePath()
                    + ": check out ../shared beside the project");
        }
        return dir.normalize();
    }

    public static Path resolve(String relative) {
        return dir().resolve(relative);
    }
}
