package dev.r1.executor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Keeps tool paths inside a worktree: relative paths only, no {@code ..}, nothing under
 * {@code .git}, and no symbolic link (anywhere along the path) that leads out of the
 * worktree or nowhere. Refusals name the path as given and the offending link relative to
 * the worktree, never an absolute path.
 */
final class WorktreePaths {
    private final Path root;

    WorktreePaths(Path worktree) {
        try {
            this.root = worktree.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A path that may be used: as recorded (normalised, relative) and on disk. */
    record Resolved(String relative, Path file) {}

    /** Why a path may not be used. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    Path root() {
        return root;
    }

    /** A directory to work in: like {@link #resolve}, but {@code "."} (or nothing) names the worktree itself. */
    Resolved resolveDir(String raw) throws Refused {
        if (raw == null || raw.isEmpty() || Path.of(".").equals(safePath(raw).normalize()) || safePath(raw).normalize().toString().isEmpty()) {
            return new Resolved(".", root);
        }
        return resolve(raw);
    }

    private static Path safePath(String raw) throws Refused {
        try {
            return Path.of(raw);
        } catch (InvalidPathException e) {
            throw new Refused("refused: " + raw + " is not a valid path");
        }
    }

    /** Whether a file found while walking the worktree may be shown: not under .git, and not a link leading out. */
    boolean visible(Path file) {
        Path rel = root.relativize(file);
        if (rel.getNameCount() > 0 && rel.getName(0).toString().equals(".git")) return false;
        try {
            resolve(rel.toString());
            return true;
        } catch (Refused e) {
            return false;
        }
    }

    Resolved resolve(String raw) throws Refused {
        if (raw == null || raw.isEmpty()) throw new Refused("refused: empty path");
        if (raw.indexOf('\0') >= 0) throw new Refused("refused: the path contains a NUL character");
        Path p;
        try {
            p = Path.of(raw);
        } catch (InvalidPathException e) {
            throw new Refused("refused: " + raw + " is not a valid path");
        }
        if (p.isAbsolute()) {
            throw new Refused("refused: " + raw + " is an absolute path; tools take paths relative to the repository root");
        }
        for (Path name : p) {
            if (name.toString().equals("..")) throw new Refused("refused: " + raw + " contains '..'; paths must stay inside the worktree");
        }
        Path rel = p.normalize();
        if (rel.toString().isEmpty()) throw new Refused("refused: " + raw + " names the worktree itself, not a file in it");
        if (rel.getName(0).toString().equals(".git")) throw new Refused("refused: " + raw + " is inside .git, which tools may not touch");
        Path cur = root;
        for (Path name : rel) {
            cur = cur.resolve(name);
            if (Files.isSymbolicLink(cur)) {
                String link = root.relativize(cur).toString();
                Path real;
                try {
                    real = cur.toRealPath();
                } catch (IOException e) {
                    throw new Refused("refused: " + raw + " goes through the symbolic link " + link + ", which leads nowhere");
                }
                if (!real.startsWith(root)) {
                    throw new Refused("refused: " + raw + " leads outside the worktree through the symbolic link " + link);
                }
            } else if (!Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
                break;
            }
        }
        return new Resolved(rel.toString(), root.resolve(rel));
    }
}
