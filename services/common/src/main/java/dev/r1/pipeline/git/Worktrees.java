package dev.r1.pipeline.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.io.file.PathUtils;

/** Removing worktrees, including what a crashed run left half made. */
final class Worktrees {
    private Worktrees() {}

    /** Unregisters and deletes the worktree at {@code wt}, if there is one. */
    static void remove(Path repo, Path wt) {
        if (Files.exists(wt)) {
            Git.run(repo, Map.of(), Git.LOCAL, "worktree", "remove", "--force", "--force", wt.toString());
            try {
                // git has usually removed it already; what is left is a crashed run's debris.
                if (Files.exists(wt, LinkOption.NOFOLLOW_LINKS)) PathUtils.deleteDirectory(wt);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Git.run(repo, Map.of(), Git.LOCAL, "worktree", "prune");
    }
}
