package dev.r1.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.stoke.receipt.Verification;
import dev.r1.testing.EmbeddedStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Twenty tasks of mixed outcome submitted at once to the all-in-one app on a real broker and
 * database: every one gets a receipt that verifies with the ledger's key and names the right
 * terminal state, and the target repositories hold exactly the work of the tasks that passed.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedStack.class)
class MixedOutcomesTest {
    static final int TASKS = 20;
    static final int REPOS = 4;

    @TestHTTPResource("/")
    URL url;

    @Test
    void twentyTasksOfMixedOutcome() throws Exception {
        Http http = new Http(url.toString());
        Path root = Files.createTempDirectory(EmbeddedStack.dataDir(), "mixed-");
        List<Path> repos = new ArrayList<>();
        List<String> bases = new ArrayList<>();
        for (int r = 0; r < REPOS; r++) {
            Path bare = Repos.create(root.resolve("origin-" + r + ".git"), Map.of("README.md", "repository " + r + "\n"));
            repos.add(bare);
            bases.add(Repos.head(bare, "main"));
        }

        // 10 pass first time, 5 pass on the retry, 5 fail for good; half of them deterministic.
        Map<String, Specs.Kind> kinds = new LinkedHashMap<>();
        Map<String, Integer> repoOf = new LinkedHashMap<>();
        for (int i = 0; i < TASKS; i++) {
            Specs.Kind kind = i < 10 ? Specs.Kind.PASS : i < 15 ? Specs.Kind.RETRY : Specs.Kind.FAIL;
            String id = String.format("mixed-%02d-%s", i, kind.name().toLowerCase());
            kinds.put(id, kind);
            repoOf.put(id, i % REPOS);
        }
        for (Map.Entry<String, Specs.Kind> e : kinds.entrySet()) {
            String id = e.getKey();
            HttpResponse<String> r = http.post("v1/tasks", "application/json",
                    Specs.bytes(Specs.task(id, repos.get(repoOf.get(id)), e.getValue(), id.hashCode() % 2 == 0)));
            assertThat(r.statusCode()).as("POST %s: %s", id, r.body()).isEqualTo(202);
            assertThat(r.body()).contains(id);
        }

        Map<String, byte[]> receipts = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(7).toNanos();
        for (String id : kinds.keySet()) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            receipts.put(id, Wait.until("the receipt of " + id, left, () -> http.receipt(id).orElse(null)));
        }

        Path keys = EmbeddedStack.dataDir().resolve("keys");
        for (Map.Entry<String, byte[]> e : receipts.entrySet()) {
            String id = e.getKey();
            Verification v = ReceiptCheck.verify(keys, e.getValue());
            assertThat(v.valid()).as("receipt of %s verifies: %s", id, v.violation()).isTrue();
            assertThat(v.receipt().task()).isEqualTo(id);
            String expected = kinds.get(id) == Specs.Kind.FAIL ? "FAILED" : "DONE";
            assertThat(ReceiptCheck.terminal(v)).as("terminal state of %s", id).isEqualTo(expected);
            long attempts = v.receipt().events().stream()
                    .filter(ev -> ev.asTransition() != null && ev.asTransition().to().name().equals("EXECUTE")).count();
            assertThat(attempts).as("EXECUTE attempts of %s", id).isEqualTo(kinds.get(id) == Specs.Kind.PASS ? 1 : 2);
        }

        for (int r = 0; r < REPOS; r++) {
            Set<String> passed = new TreeSet<>();
            for (String id : kinds.keySet()) {
                if (repoOf.get(id) == r && kinds.get(id) != Specs.Kind.FAIL) passed.add(Specs.file(id));
            }
            Path bare = repos.get(r);
            Set<String> out = new TreeSet<>(Repos.files(bare, "main"));
            out.remove("README.md");
            assertThat(out).as("files on main of repository %d", r).isEqualTo(passed);
            assertThat(Repos.changedSince(bare, "main", bases.get(r)))
                    .as("paths changed by the commits merged into main of repository %d", r).isEqualTo(passed);
            for (String f : passed) assertThat(Repos.show(bare, "main", f)).isEqualTo("ok\n");
        }
    }
}
