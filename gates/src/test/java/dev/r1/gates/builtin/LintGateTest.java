package dev.r1.gates.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.r1.gates.Checkpoint;
import dev.r1.gates.Diff;
import dev.r1.gates.Gate;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateSuite;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.Inputs;
import dev.r1.gates.TestGates;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LintGateTest {
    @BeforeAll
    static void bash() {
        assumeTrue(CommandRunner.run(List.of("bash", "-c", "true"), Path.of("."), Duration.ofSeconds(20)).ok(), "bash is installed");
    }

    private static GateVerdict lint(String definition, Path worktree, String... changed) {
        Gate g = TestGates.gate("lint", definition);
        StringBuilder diff = new StringBuilder();
        for (String c : changed) diff.append(Inputs.newFile(c, "x\n"));
        return g.evaluate(GateInput.at(Checkpoint.VERIFY_COMMIT, Inputs.task(Phase.VERIFY)).diff(Diff.parse(diff.toString()))
                .worktree(worktree).role("verifier").build());
    }

    @Test
    void allowsWhenTheLinterPasses(@TempDir Path wt) {
        GateVerdict v = lint("lint:\n  command: [bash, -c, \"exit 0\"]", wt, "a.py");
        assertThat(v.verdict()).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void blocksWithTheLintersOutput(@TempDir Path wt) throws Exception {
        Files.writeString(wt.resolve("a.py"), "x = 1  # TODO remove\n");
        Files.writeString(wt.resolve("b.py"), "y = 2\n");
        GateVerdict v = lint("lint:\n  command: [bash, -c, 'grep -Hn TODO \"$@\" && exit 1 || exit 0', lint, \"{files}\"]\n  extensions: [.py]",
                wt, "a.py", "b.py", "notes.md");
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("exited 1").contains("a.py:1:x = 1  # TODO remove");
    }

    @Test
    void escalatesOnWarningExitCodes(@TempDir Path wt) {
        GateVerdict v = lint("lint:\n  command: [bash, -c, \"echo 'W001 line too long'; exit 3\"]\n  escalate_exit_codes: [3]", wt, "a.py");
        assertThat(v.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(v.reason()).contains("warnings").contains("W001");
    }

    @Test
    void skipsWhenNoFileHasItsExtensions(@TempDir Path wt) {
        GateVerdict v = lint("lint:\n  command: [bash, -c, \"exit 1\"]\n  extensions: [.go]", wt, "a.py");
        assertThat(v.verdict()).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void escalatesWithoutAWorktreeOrOnTimeout(@TempDir Path wt) {
        Gate g = TestGates.gate("lint", "lint:\n  command: [bash, -c, \"exit 0\"]");
        GateVerdict none = g.evaluate(GateInput.at(Checkpoint.VERIFY_COMMIT, Inputs.task(Phase.VERIFY)).build());
        assertThat(none.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(none.reason()).contains("needs the worktree");
        GateVerdict slow = lint("lint:\n  command: [bash, -c, \"sleep 30\"]\n  timeout_seconds: 1", wt, "a.py");
        assertThat(slow.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(slow.reason()).contains("ran over 1 s");
    }

    @Test
    void commandsDoNotSeeTheServicesCredentials(@TempDir Path wt) {
        GateVerdict v = lint("lint:\n  command: [bash, -c, 'env | cut -d= -f1 | sort | tr \"\\n\" \" \"; exit 1']", wt, "a.py");
        assertThat(v.reason()).contains("PATH").doesNotContain("MAVEN").doesNotContain("JAVA_TOOL").doesNotContain("USER ");
    }

    @Test
    void aLintGateWithoutACommandIsAConfigurationError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestGates.gate("lint", "lint: {}"))
                .hasMessageContaining("the lint gate needs a command");
    }

    @Test
    void theDefaultPresetsLintFindsWhitespaceErrorsAgainstTheBase(@TempDir Path repo) throws Exception {
        assumeTrue(CommandRunner.run(List.of("git", "--version"), repo, Duration.ofSeconds(20)).ok(), "git is installed");
        git(repo, "init", "-q");
        Files.writeString(repo.resolve("a.txt"), "clean\n");
        git(repo, "add", "a.txt");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "base");
        Files.writeString(repo.resolve("a.txt"), "clean\ntrailing   \n");
        GateSuite suite = GateSuite.preset("default");
        Diff diff = Diff.parse("diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1,2 @@\n clean\n+trailing   \n");
        GateVerdict v = GateSuite.run(suite.gate("lint").orElseThrow(), GateInput.at(Checkpoint.VERIFY_COMMIT,
                Inputs.task(Phase.VERIFY).withBaseRef("HEAD")).diff(diff).worktree(repo).build());
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("git diff --check").contains("trailing whitespace");
        Files.writeString(repo.resolve("a.txt"), "clean\ntidy\n");
        GateVerdict ok = GateSuite.run(suite.gate("lint").orElseThrow(), GateInput.at(Checkpoint.VERIFY_COMMIT,
                Inputs.task(Phase.VERIFY).withBaseRef("HEAD")).diff(diff).worktree(repo).build());
        assertThat(ok.verdict()).isEqualTo(Verdict.ALLOW);
    }

    private static void git(Path dir, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        CommandRunner.Result r = CommandRunner.run(argv, dir, Duration.ofSeconds(30));
        assertThat(r.ok()).as("git %s: %s", String.join(" ", args), r.output()).isTrue();
    }
}
