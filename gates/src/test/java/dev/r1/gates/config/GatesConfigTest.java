package dev.r1.gates.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.r1.gates.Checkpoint;
import dev.r1.gates.GateSuite;
import dev.r1.gates.GatesConfigException;
import dev.r1.gates.GatesLoader;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatesConfigTest {

    private static GatesConfig parse(String yaml) throws GatesConfigException {
        return GatesLoader.parse(yaml, ".r1/gates.yaml", Optional.empty());
    }

    /** Parses and builds, as a service would; returns the problem. */
    private static GatesConfigException refused(String yaml) {
        try {
            GateSuite.of(parse(yaml));
        } catch (GatesConfigException e) {
            return e;
        }
        throw new AssertionError("the file was accepted:\n" + yaml);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fast", "default", "strict"})
    void presetsParseAndBuild(String name) throws Exception {
        GateSuite suite = GateSuite.preset(name);
        for (Checkpoint c : Checkpoint.values()) {
            List<String> required = suite.requiredGates(c);
            assertThat(required).isSorted().doesNotHaveDuplicates();
        }
        assertThat(suite.requiredGates(Checkpoint.TOOL)).contains("secrets");
        assertThat(suite.requiredGates(Checkpoint.VERIFY_COMMIT)).contains("tests");
    }

    @Test
    void theDefaultPresetsRequiredGatesAreSortedPerTransition() throws Exception {
        GatesConfig c = GatesLoader.preset("default");
        assertThat(c.requiredGates(Transition.of(Stage.PLAN, Stage.EXECUTE))).containsExactly("budget", "scope-fit");
        assertThat(c.requiredGates(Transition.of(Stage.EXECUTE, Stage.VERIFY))).containsExactly("policy", "secrets", "syntax");
        assertThat(c.requiredGates(Transition.of(Stage.VERIFY, Stage.COMMIT))).containsExactly("cross-family-review", "lint", "tests");
        assertThat(c.requiredGates(Transition.of(Stage.COMMIT, Stage.DONE))).containsExactly("merge", "policy");
        assertThat(c.requiredGates(Transition.of(Stage.START, Stage.PLAN))).isEmpty();
        assertThat(c.requiredGates(Transition.of(Stage.VERIFY, Stage.EXECUTE))).isEmpty();
        assertThat(c.requiredGates(Transition.of(Stage.EXECUTE, Stage.FAILED))).isEmpty();
        assertThat(GateSuite.of(c).externalGates(Checkpoint.VERIFY_COMMIT)).containsExactly("cross-family-review", "tests");
    }

    @Test
    void theStrictPresetRunsTheExampleWasmGate() throws Exception {
        GateSuite strict = GateSuite.preset("strict");
        assertThat(strict.requiredGates(Checkpoint.EXECUTE_VERIFY)).containsExactly("do-not-merge", "policy", "scope-fit", "secrets", "syntax");
        assertThat(strict.gate("do-not-merge")).isPresent();
    }

    @Test
    void aFileListsItsGatesSortedAsRequiredGates() throws Exception {
        GatesConfig c = parse("""
                version: 1
                gates:
                  budget:
                    max_cost_usd: 2.5
                transitions:
                  PLAN->EXECUTE: [scope-fit, budget]
                  EXECUTE->VERIFY: [syntax, secrets]
                  tool: [secrets]
                """);
        assertThat(c.requiredGates(Checkpoint.PLAN_EXECUTE)).containsExactly("budget", "scope-fit");
        assertThat(c.requiredGates(Checkpoint.EXECUTE_VERIFY)).containsExactly("secrets", "syntax");
        assertThat(c.requiredGates(Checkpoint.VERIFY_COMMIT)).isEmpty();
        assertThat(c.gate("budget").orElseThrow().line()).isEqualTo(3);
        GateSuite.of(c);
    }

    @Test
    void extendingAPresetReplacesOnlyWhatTheFileSays() throws Exception {
        GatesConfig c = parse("""
                extends: default
                gates:
                  no-dnm:
                    type: wasm
                    module: classpath:wasm/do-not-merge.wasm
                transitions:
                  EXECUTE->VERIFY: [secrets, no-dnm]
                """);
        assertThat(c.requiredGates(Checkpoint.EXECUTE_VERIFY)).containsExactly("no-dnm", "secrets");
        assertThat(c.requiredGates(Checkpoint.PLAN_EXECUTE)).containsExactly("budget", "scope-fit");
        assertThat(c.gate("policy")).isPresent();
        GateSuite.of(c);
    }

    @Test
    void aRepositoryFileWinsOverTheFallback(@TempDir Path repo) throws Exception {
        assertThat(GatesLoader.forRepository(repo, "strict").source()).isEqualTo("preset:strict");
        Files.createDirectories(repo.resolve(".r1"));
        Files.writeString(repo.resolve(".r1/gates.yaml"), "extends: fast\n");
        GatesConfig c = GatesLoader.forRepository(repo, "strict");
        assertThat(c.source()).isEqualTo(".r1/gates.yaml");
        assertThat(c.requiredGates(Checkpoint.PLAN_EXECUTE)).containsExactly("budget");
    }

    @Test
    void aGatesFileLinkingOutOfTheRepositoryIsRefused(@TempDir Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo/.r1")).getParent();
        Files.writeString(dir.resolve("elsewhere.yaml"), "extends: fast\n");
        Files.createSymbolicLink(repo.resolve(".r1/gates.yaml"), dir.resolve("elsewhere.yaml"));
        assertThatThrownBy(() -> GatesLoader.forRepository(repo, "default")).hasMessageContaining("not a link out of it");
    }

    @Test
    void aRepositoryWasmModuleResolvesInsideTheRepository(@TempDir Path repo) throws Exception {
        Files.createDirectories(repo.resolve(".r1/gates"));
        try (var in = getClass().getResourceAsStream("/wasm/do-not-merge.wasm")) {
            Files.write(repo.resolve(".r1/gates/dnm.wasm"), in.readAllBytes());
        }
        Files.writeString(repo.resolve(".r1/gates.yaml"), """
                gates:
                  dnm: {type: wasm, module: .r1/gates/dnm.wasm, fuel: 1000000}
                transitions:
                  EXECUTE->VERIFY: [dnm]
                """);
        assertThat(GateSuite.forRepository(repo, "default").gate("dnm")).isPresent();
        Files.writeString(repo.resolve(".r1/gates.yaml"), """
                gates:
                  dnm: {type: wasm, module: ../outside.wasm}
                transitions:
                  EXECUTE->VERIFY: [dnm]
                """);
        assertThatThrownBy(() -> GateSuite.forRepository(repo, "default"))
                .isInstanceOfSatisfying(GatesConfigException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).contains("outside the repository");
                });
    }

    @Test
    void invalidYamlIsRefusedWithItsLine() {
        GatesConfigException e = refused("""
                transitions:
                  PLAN->EXECUTE: [budget
                  tool: [secrets]
                """);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).startsWith(".r1/gates.yaml:3: not valid YAML");
    }

    @Test
    void anUnknownTransitionIsRefusedWithItsLine() {
        GatesConfigException e = refused("""
                version: 1
                transitions:
                  PLAN->EXECUTE: [budget]
                  EXECUTE->COMMIT: [secrets]
                """);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("unknown transition 'EXECUTE->COMMIT'").contains("EXECUTE->VERIFY");
    }

    @Test
    void anUnknownGateIsRefusedWithItsLine() {
        GatesConfigException e = refused("""
                transitions:
                  EXECUTE->VERIFY:
                    - secrets
                    - sekrets
                """);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("unknown gate 'sekrets'");
    }

    @Test
    void aMisspeltSettingIsRefusedWithItsLine() {
        GatesConfigException e = refused("""
                gates:
                  budget:
                    escalate_margin: 0.1
                    max_cost: 3
                transitions:
                  PLAN->EXECUTE: [budget]
                """);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("unknown setting 'max_cost'").contains("max_cost_usd");
    }

    @Test
    void aWronglyTypedSettingIsRefusedWithItsLine() {
        GatesConfigException e = refused("""
                gates:
                  scope-fit:
                    max_files: many
                transitions:
                  PLAN->EXECUTE: [scope-fit]
                """);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("'max_files' must be a whole number");
    }

    @Test
    void duplicateKeysAreRefusedWithTheirLine() {
        GatesConfigException e = refused("""
                transitions:
                  tool: [secrets]
                  tool: [policy]
                """);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).contains("duplicate key 'tool'");
    }

    @Test
    void aCustomGateWithoutATypeIsRefused() {
        GatesConfigException e = refused("""
                gates:
                  my-check: {module: x.wasm}
                transitions:
                  tool: [my-check]
                """);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("give it a type");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        GatesConfigException e = refused("""
                versoin: 1
                gates:
                  lint: {}
                transitions:
                  PLAN->EXECUTE: [budget, budget]
                """);
        assertThat(e.problems()).extracting(GatesConfigException.Problem::line).containsExactly(1, 5);
        assertThat(e.getMessage()).contains("unknown key 'versoin'").contains("listed twice");
    }

    @Test
    void anEmptyFileSaysWhatIsMissing() {
        GatesConfigException e = refused("");
        assertThat(e.getMessage()).contains("no transitions");
    }

    @Test
    void anUnknownPresetIsRefusedWithItsLine() {
        GatesConfigException e = refused("""
                # gates
                extends: paranoid
                """);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage()).contains("unknown preset 'paranoid'");
    }

    @Test
    void aWasmModuleWithImportsIsRefusedWithTheModulesLine() {
        // the test module imports env.log; modules load from the class path here
        GatesConfigException e = refused("""
                gates:
                  chatty:
                    type: wasm
                    module: classpath:wasm/imports.wasm
                transitions:
                  tool: [chatty]
                """);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.getMessage()).contains("imports env.log").contains("remove every import");
    }
}
