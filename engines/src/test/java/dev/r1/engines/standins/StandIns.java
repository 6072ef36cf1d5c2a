package dev.r1.engines.standins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Stand-in executables named {@code claude} and {@code codex}, written into a directory the test
 * puts first on the engine's PATH: each saves its arguments and environment next to itself, does
 * {@code work} (shell) in the worktree, prints {@code output} ({@code %1$s} = the worktree's
 * real path) and exits with {@code exit}.
 */
public final class StandIns {
    private StandIns() {}

    public static Path cli(Path bin, String name, String work, String output, int exit) throws IOException {
        Files.createDirectories(bin);
        Path out = bin.resolve(name + ".out");
        Files.writeString(out, output);
        Path script = bin.resolve(name);
        Files.writeString(script, """
                #!/bin/bash
                here="$(cd "$(dirname "$0")" && pwd)"
                printf '%%s\\n' "$@" > "$here/%1$s.args"
                env | sort > "$here/%1$s.env"
                pwd -P > "$here/%1$s.cwd"
                %2$s
                sed "s#%%1\\$s#$(pwd -P)#g" "$here/%1$s.out"
                exit %3$d
                """.formatted(name, work, exit));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    public static String args(Path bin, String name) throws IOException {
        return Files.readString(bin.resolve(name + ".args"));
    }

    public static String env(Path bin, String name) throws IOException {
        return Files.readString(bin.resolve(name + ".env"));
    }
}
