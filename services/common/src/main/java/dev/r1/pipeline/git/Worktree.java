package dev.r1.pipeline.git;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A detached {@code git worktree} of a {@link CachedRepo}, removed again on {@link #close()}. */
public final class Worktree implements AutoCloseable {
    /** Diff options fixed so the bytes do not depend on anyone's git configuration. */
    private static final List<String> DIFF = List.of("diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative",
            "--binary", "--find-renames", "--diff-algorithm=myers", "--indent-heuristic", "--unified=3",
            "--src-prefix=a/", "--dst-prefix=b/");

    private final CachedRepo repo;
    private final Path dir;

    Worktree(CachedRepo repo, Path dir) {
        this.repo = repo;
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public String head() {
        return Git.out(dir, "rev-parse", "HEAD");
    }

    /**
     * Commits every change in the worktree ({@code git add -A}) with the given environment
     * (identity and dates); empty when nothing changed.
     */
    public Optional<String> commitAll(String message, Map<String, String> env) {
        Git.out(dir, "add", "-A");
        Subprocess.Result staged = Git.run(dir, Map.of(), Git.LOCAL, "diff", "--cached", "--quiet");
        if (staged.exitCode() == 0) return Optional.empty();
        String[] args = {"commit", "--quiet", "--no-verify", "--allow-empty-message", "-m", message};
        Git.check(dir, Git.run(dir, env, Git.LOCAL, args), args);
        return Optional.of(head());
    }

    /** {@code git diff from...to}: what {@code to} changed since it left {@code from}. */
    public byte[] diff(String from, String to) {
        String[] args = concat(DIFF, from + "..." + to);
        return Git.check(dir, Git.run(dir, Map.of(), Git.LOCAL, args), args).output();
    }

    /** How a merge went: the merge commit, or the conflicting paths. */
    public record MergeResult(Optional<String> commit, List<String> conflicts) {
        public boolean clean() {
            return commit.isPresent();
        }
    }

    /** Merges {@code commit} into the checked-out commit with a merge commit; on conflict, aborts. */
    public MergeResult merge(String commit, String message, Map<String, String> env) {
        String[] args = {"merge", "--no-ff", "--no-edit", "--quiet", "-m", message, commit};
        Subprocess.Result r = Git.run(dir, env, Git.LOCAL, args);
        if (r.ok()) return new MergeResult(Optional.of(head()), List.of());
        String unmerged = Git.out(dir, "diff", "--name-only", "--diff-filter=U");
        Git.run(dir, Map.of(), Git.LOCAL, "merge", "--abort");
        if (unmerged.isBlank()) throw new GitException(args, r);
        return new MergeResult(Optional.empty(), List.of(unmerged.split("\n")));
    }

    @Override
    public void close() {
        repo.removeWorktree(dir);
    }

    private static String[] concat(List<String> head, String... tail) {
        String[] all = head.toArray(new String[head.size() + tail.length]);
        System.arraycopy(tail, 0, all, head.size(), tail.length);
        return all;
    }
}
