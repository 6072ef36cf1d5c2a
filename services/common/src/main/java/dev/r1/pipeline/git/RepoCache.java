package dev.r1.pipeline.git;

import dev.r1.stoke.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.file.PathUtils;

/**
 * One service's clones of the origin repositories it works on, under
 * {@code <data>/work/<service>/}: a bare clone per origin in {@code repos/}, fetched before
 * each use, and a {@code git worktree} per task in {@code worktrees/}.
 */
public final class RepoCache {
    private final Path root;

    public RepoCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The cache of one service: {@code <data>/work/<service>}. */
    public static RepoCache of(Path data, String service) {
        return new RepoCache(data.resolve("work").resolve(service));
    }

    public Path root() {
        return root;
    }

    /**
     * The cached clone of {@code repository} (a git URL or a path; a relative path is taken
     * from the working directory), created on first use and fetched now.
     */
    public CachedRepo fetch(String repository) {
        String url = originUrl(repository);
        Path dir = root.resolve("repos").resolve(slug(url) + "-" + Sha256.hex(url.getBytes(StandardCharsets.UTF_8)).substring(0, 12) + ".git");
        CachedRepo repo = new CachedRepo(repository, dir, root.resolve("worktrees"));
        repo.locked(() -> {
            if (!Files.isDirectory(dir.resolve("objects"))) create(dir, url);
            repo.fetchNow();
            return null;
        });
        return repo;
    }

    private static void create(Path dir, String url) {
        try {
            if (Files.exists(dir)) PathUtils.deleteDirectory(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Git.out(dir, "init", "--bare", "-q");
        Git.out(dir, "remote", "add", "origin", url);
    }

    /** Where git finds the origin: URLs and scp-like {@code host:path} as given, paths made absolute. */
    public static String originUrl(String repository) {
        if (repository.contains("://")) return repository;
        int colon = repository.indexOf(':');
        int slash = repository.indexOf('/');
        if (colon > 0 && (slash < 0 || colon < slash)) return repository;
        return Path.of(repository).toAbsolutePath().normalize().toString();
    }

    private static String slug(String url) {
        String s = url.replaceAll("/+$", "");
        s = s.substring(Math.max(s.lastIndexOf('/'), s.lastIndexOf(':')) + 1);
        if (s.endsWith(".git")) s = s.substring(0, s.length() - 4);
        s = s.replaceAll("[^A-Za-z0-9._-]", "_");
        if (s.isEmpty() || s.startsWith(".")) s = "repo" + s;
        return s.length() > 40 ? s.substring(0, 40) : s;
    }
}
