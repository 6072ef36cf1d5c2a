package dev.r1.pipeline.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A bare clone of one origin in a service's {@link RepoCache}. Origin branches are kept as
 * {@code refs/remotes/origin/*}; R1 never creates local branches, so worktrees are detached
 * and tasks never compete for a branch. Operations that touch the clone's refs (fetch, push,
 * adding and removing worktrees) hold a lock, in this JVM and across processes.
 */
public final class CachedRepo {
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{7,64}");

    private final String repository;
    private final Path dir;
    private final Path worktrees;

    CachedRepo(String repository, Path dir, Path worktrees) {
        this.repository = repository;
        this.dir = dir;
        this.worktrees = worktrees;
    }

    /** Fetches every branch and tag of the origin again. */
    public void fetch() {
        locked(() -> {
            fetchNow();
            return null;
        });
    }

    void fetchNow() {
        String[] args = {"fetch", "--quiet", "--prune", "--no-tags", "origin",
                "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"};
        Git.check(dir, Git.run(dir, Map.of(), Git.REMOTE, args), args);
        // gc never runs in these clones (gc.auto=0), and fetch writes each new branch to a file of
        // its own: with a branch per task, a busy origin leaves thousands, which every later fetch
        // reads (120 ms a fetch at 1,200 branches, 50 ms packed). Packing the few new ones is cheap.
        Git.out(dir, "pack-refs", "--all");
    }

    /** The commit an origin branch points at, as last fetched. */
    public Optional<String> branch(String name) {
        return revision("refs/remotes/origin/" + name);
    }

    /** A branch of the origin, a tag or a commit id, as a commit id. */
    public String resolve(String ref) {
        Optional<String> found = branch(ref);
        if (found.isEmpty()) found = revision("refs/tags/" + ref);
        if (found.isEmpty() && HEX.matcher(ref).matches()) found = revision(ref);
        return found.orElseThrow(() -> new GitException(ref + " is not a branch, tag or commit of " + repository));
    }

    private Optional<String> revision(String rev) {
        Subprocess.Result r = Git.run(dir, Map.of(), Git.LOCAL, "rev-parse", "--verify", "--quiet", rev + "^{commit}");
        return r.ok() ? Optional.of(Git.text(r)) : Optional.empty();
    }

    /** Whether {@code ancestor} is {@code commit} or one of its ancestors. */
    public boolean isAncestor(String ancestor, String commit) {
        Subprocess.Result r = Git.run(dir, Map.of(), Git.LOCAL, "merge-base", "--is-ancestor", ancestor, commit);
        if (r.exitCode() > 1 || r.timedOut()) throw new GitException(new String[] {"merge-base", "--is-ancestor", ancestor, commit}, r);
        return r.exitCode() == 0;
    }

    /** Runs a git command in the clone and returns its output. */
    public String git(String... args) {
        return Git.out(dir, args);
    }

    /**
     * A fresh worktree named {@code name} with {@code commit} checked out (detached). A
     * leftover of the same name, from a run that crashed, is removed first.
     */
    public Worktree checkout(String name, String commit) {
        Path wt = worktrees.resolve(name);
        return locked(() -> {
            Worktrees.remove(dir, wt);
            try {
                Files.createDirectories(worktrees);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Git.out(dir, "worktree", "add", "--quiet", "--force", "--detach", wt.toString(), commit);
            return new Worktree(this, wt);
        });
    }

    void removeWorktree(Path wt) {
        locked(() -> {
            Worktrees.remove(dir, wt);
            return null;
        });
    }

    /** How a push went: {@code summary} is git's word for it, e.g. "[new branch]" or "[rejected] (fetch first)". */
    public record PushResult(boolean ok, String summary) {}

    /**
     * Pushes {@code commit} to the origin's {@code branch}. With {@code expected} set, the push is
     * forced but only over that commit ("" = only if the branch does not exist yet); without it,
     * only a fast-forward is accepted.
     */
    public PushResult push(String commit, String branch, Optional<String> expected) {
        String ref = "refs/heads/" + branch;
        List<String> args = new ArrayList<>(List.of("push", "--porcelain", "--no-verify"));
        expected.ifPresent(e -> args.add("--force-with-lease=" + ref + ":" + e));
        args.add("origin");
        args.add(commit + ":" + ref);
        Subprocess.Result r = locked(() -> {
            Subprocess.Result pushed = Git.run(dir, Map.of(), Git.REMOTE, args.toArray(String[]::new));
            // Keep the remote-tracking branch in step with what the origin now has.
            if (pushed.ok()) Git.out(dir, "update-ref", "refs/remotes/origin/" + branch, commit);
            return pushed;
        });
        String summary = null;
        for (String line : r.text().split("\n")) {
            String[] parts = line.split("\t");
            if (parts.length >= 3 && parts[1].endsWith(":" + ref)) summary = parts[2].strip();
        }
        if (summary == null) {
            String err = r.errorText().strip();
            summary = err.isEmpty() ? "exit " + r.exitCode() : err.lines().reduce((a, b) -> b).orElse(err);
        }
        return new PushResult(r.ok(), summary);
    }

    <T> T locked(Supplier<T> work) {
        ReentrantLock lock = LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        lock.lock();
        try {
            if (lock.getHoldCount() > 1) return work.get();
            Path lockFile = dir.resolveSibling(dir.getFileName() + ".lock");
            Files.createDirectories(lockFile.getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = ch.lock()) {
                return work.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }
}
