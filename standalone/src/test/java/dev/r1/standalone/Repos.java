package dev.r1.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.io.file.PathUtils;

/** Bare origin repositories for the tests, with a fixed first commit, and what their branches hold. */
final class Repos {
    private Repos() {}

    /** A fresh bare repository at {@code bare} whose {@code main} has one commit with these files. */
    static Path create(Path bare, Map<String, String> files) {
        try {
            delete(bare);
            Files.createDirectories(bare.getParent());
            git(bare.getParent(), "init", "-q", "--bare", "--initial-branch=main", bare.getFileName().toString());
            Path work = Files.createTempDirectory("r1-e2e-tree-");
            try {
                for (Map.Entry<String, String> f : files.entrySet()) {
                    Path p = work.resolve(f.getKey());
                    Files.createDirectories(p.getParent());
                    Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
                }
                git(work, "init", "-q", "--initial-branch=main");
                git(work, "add", "--all");
                git(work, "commit", "-q", "-m", "base");
                git(work, "push", "-q", bare.toString(), "main");
            } finally {
                delete(work);
            }
            return bare;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String head(Path bare, String branch) {
        return git(bare, "rev-parse", branch).strip();
    }

    /** Every file on the branch. */
    static Set<String> files(Path bare, String branch) {
        return lines(git(bare, "ls-tree", "-r", "--name-only", branch));
    }

    /** Every path changed by any commit reachable from {@code branch} but not from {@code base}. */
    static Set<String> changedSince(Path bare, String branch, String base) {
        return lines(git(bare, "log", "--format=", "--name-only", "-m", branch, "^" + base));
    }

    /** Subjects of the commits reachable from {@code branch} but not from {@code base}. */
    static List<String> commitsSince(Path bare, String branch, String base) {
        return new ArrayList<>(lines(git(bare, "log", "--format=%H %s", branch, "^" + base)));
    }

    static String show(Path bare, String branch, String path) {
        return git(bare, "show", branch + ":" + path);
    }

    private static Set<String> lines(String s) {
        Set<String> out = new TreeSet<>();
        for (String l : s.split("\n")) if (!l.isBlank()) out.add(l.strip());
        return out;
    }

    static String git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "commit.gpgsign=false"));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        pb.environment().put("GIT_AUTHOR_NAME", "R1 Tests");
        pb.environment().put("GIT_AUTHOR_EMAIL", "tests@r1.invalid");
        pb.environment().put("GIT_COMMITTER_NAME", "R1 Tests");
        pb.environment().put("GIT_COMMITTER_EMAIL", "tests@r1.invalid");
        pb.environment().put("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z");
        pb.environment().put("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z");
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IllegalStateException("git " + String.join(" ", args) + " failed in " + dir + ": " + out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void delete(Path root) throws IOException {
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) PathUtils.deleteDirectory(root);
    }
}
