package dev.r1.pipeline.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/** Removing worktrees, including what a crashed run left half made. */
final class Worktrees {
    private Worktrees() {}

    /** Unregisters and deletes the worktree at {@code wt}, if there is one. */
    static void remove(Path repo, Path wt) {
        if (Files.exists(wt)) {
            Git.run(repo, Map.of(), Git.LOCAL, "worktree", "remove", "--force", "--force", wt.toString());
            try {
                deleteTree(wt);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Git.run(repo, Map.of(), Git.LOCAL, "worktree", "prune");
    }

    /** Deletes a directory tree without following symbolic links out of it. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) throw e;
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
