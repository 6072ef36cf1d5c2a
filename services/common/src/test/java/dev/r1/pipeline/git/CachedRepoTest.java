package dev.r1.pipeline.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachedRepoTest {
    @TempDir
    Path tmp;

    @Test
    void theClonesBranchesStayPackedAsTheOriginGrows() throws IOException {
        Path origin = tmp.resolve("origin");
        Files.createDirectories(origin);
        Git.out(origin, "init", "-q");
        Files.writeString(origin.resolve("README"), "r1\n");
        Git.out(origin, "add", "README");
        Git.check(origin, Git.run(origin, Git.commitEnv(false, 0), Git.LOCAL, "commit", "-q", "-m", "first"), "commit");
        for (int i = 0; i < 40; i++) Git.out(origin, "branch", "r1/task-" + i);

        RepoCache cache = new RepoCache(tmp.resolve("work"));
        CachedRepo repo = cache.fetch(origin.toString());
        String head = Git.out(origin, "rev-parse", "HEAD");
        String pushed = repo.push(head, "r1/pushed", Optional.of("")).summary();
        Git.out(origin, "branch", "r1/task-40");
        repo = cache.fetch(origin.toString());

        assertThat(pushed).isEqualTo("[new branch]");
        assertThat(repo.branch("r1/task-7")).contains(head);
        assertThat(repo.branch("r1/task-40")).contains(head);
        assertThat(repo.branch("r1/pushed")).contains(head);
        assertThat(looseRefs(cache.root())).as("ref files outside packed-refs").isEmpty();
    }

    private static List<Path> looseRefs(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root.resolve("repos"))) {
            return files.filter(Files::isRegularFile).filter(f -> root.relativize(f).toString().contains("/refs/")).toList();
        }
    }
}
