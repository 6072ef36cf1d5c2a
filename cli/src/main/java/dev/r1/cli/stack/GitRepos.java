package dev.r1.cli.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.file.PathUtils;

/**
 * Turns a plain source tree into a fresh bare repository with one commit on {@code main}.
 * The commit's author, committer and dates are fixed, so the same tree always gives the same
 * commit id: deterministic tasks that start from it then yield the same receipts.
 */
public final class GitRepos {
    static final String DATE = "2024-01-01T00:00:00Z";

    private GitRepos() {}

    public static Path createBare(Path tree, Path bare) throws IOException, InterruptedException {
        deleteTree(bare);
        Files.createDirectories(bare.getParent());
        git(bare.getParent(), "init", "--quiet", "--bare", "--initial-branch=main", bare.getFileName().toString());
        Path work = Files.createTempDirectory("r1-repo-");
        try {
            copyTree(tree, work);
            git(work, "init", "--quiet", "--initial-branch=main");
            git(work, "add", "--all");
            git(work, "commit", "--quiet", "--no-verify", "-m", "Initial import of " + tree.getFileName());
            git(work, "push", "--quiet", bare.toString(), "main");
        } finally {
            deleteTree(work);
        }
        return bare;
    }

    /** Runs git with a fixed identity and clock, isolated from the user's and the system's config. */
    public static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.add("-c");
        command.add("commit.gpgsign=false");
        command.add("-c");
        command.add("core.autocrlf=false");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_AUTHOR_NAME", "R1 Examples");
        env.put("GIT_AUTHOR_EMAIL", "examples@r1.invalid");
        env.put("GIT_COMMITTER_NAME", "R1 Examples");
        env.put("GIT_COMMITTER_EMAIL", "examples@r1.invalid");
        env.put("GIT_AUTHOR_DATE", DATE);
        env.put("GIT_COMMITTER_DATE", DATE);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("git " + String.join(" ", args) + " failed in " + dir + ":\n" + output);
        return output;
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String name = dir.getFileName().toString();
                if (!dir.equals(from) && (name.equals(".git") || name.equals("__pycache__"))) return FileVisitResult.SKIP_SUBTREE;
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    public static void deleteTree(Path root) throws IOException {
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) PathUtils.deleteDirectory(root);
    }
}
