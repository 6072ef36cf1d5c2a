package dev.r1.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.pipeline.Topics;
import dev.r1.pipeline.flow.Parked;
import dev.r1.planner.OperatorAuth;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.receipt.Verification;
import dev.r1.testing.EmbeddedStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
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
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every built-in gate (budget, scope-fit, secrets, syntax, policy, tests, lint) and the shipped
 * WebAssembly gate, through the running pipeline on a real broker and database: one task lets
 * all of them allow, and one task each makes a gate block or escalate. Each task has its own
 * repository whose {@code .r1/gates.yaml} lists every gate, so what a task plans and writes alone
 * decides the verdict. Escalated tasks are seen parked, then an operator approves or rejects them
 * over the API. Every outcome is read back from the task's receipt, verified with the ledger's key.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedStack.class)
class GatesPipelineTest {
    static final Duration PARK_TIMEOUT = Duration.ofMinutes(5);
    static final Duration RECEIPTS_TIMEOUT = Duration.ofMinutes(10);

    static final Transition PLAN_EXECUTE = Transition.of(Stage.PLAN, Stage.EXECUTE);
    static final Transition EXECUTE_VERIFY = Transition.of(Stage.EXECUTE, Stage.VERIFY);
    static final Transition VERIFY_COMMIT = Transition.of(Stage.VERIFY, Stage.COMMIT);
    static final Transition COMMIT_DONE = Transition.of(Stage.COMMIT, Stage.DONE);

    /** A GitHub token of the right shape; random-looking, so the secrets gate cannot take it for a placeholder. */
    static final String GITHUB_TOKEN = "ghp_" + "Zq8Lr2Wm5Kt9Vb3Nx7Hc4Pd6Fj1Gs0Ye8Ua2R";

    /**
     * The policy rules that escalate a big change and a release and keep finishing to the
     * committer, as list items under {@code policy.rules}; {@link EscalationRestartIT} uses them too.
     */
    static final String ESCALATING_RULES = """
                  - id: big-change
                    at: [EXECUTE->VERIFY]
                    when: "diff.changed > 10"
                    verdict: escalate
                    message: "more than 10 changed lines: an operator must approve, or the task must be split"
                  - id: release-sign-off
                    at: [COMMIT->DONE]
                    when: "diff.paths.exists(p, p.startsWith('out/release/'))"
                    verdict: escalate
                    message: "a release needs an operator's sign-off before it is merged"
                  - id: finisher
                    at: [COMMIT->DONE]
                    when: "!(actor.role in ['committer', 'operator'])"
                    verdict: block
                    message: "only the committer (or an operator) may finish a task"
            """;

    /**
     * The gates file of every repository: each gate at its checkpoint, with settings a task can
     * trip on purpose. {@code %s} takes the lint settings that differ between repositories.
     */
    static final String GATES_FILE = """
            version: 1
            extends: default
            gates:
              budget:
                escalate_margin: 0.25
              scope-fit:
                escalate_outside: 1
              syntax:
                commands:
                  .rb: [r1-no-such-ruby-checker, -c, "{file}"]
              lint:
                command: [git, diff, --check, "{base}"]
                timeout_seconds: 60
            %s
              do-not-merge:
                type: wasm
                module: classpath:wasm/do-not-merge.wasm
              policy:
                rules:
                  - id: no-env-files
                    at: [EXECUTE->VERIFY]
                    when: "diff.paths.exists(p, p.endsWith('.env'))"
                    verdict: block
                    message: "no .env files in the repository: configuration comes from the environment; drop the file"
            """ + ESCALATING_RULES + """
            transitions:
              PLAN->EXECUTE: [budget, scope-fit]
              EXECUTE->VERIFY: [do-not-merge, policy, secrets, syntax]
              VERIFY->COMMIT: [lint, tests]
              COMMIT->DONE: [merge, policy]
              tool: []
            """;
    /** git diff --check exits 2 on whitespace errors; this repository counts them as warnings. */
    static final String LINT_WARNS = "    escalate_exit_codes: [2]";

    /** What an operator does with a parked task. */
    enum Decision { NONE, APPROVE, REJECT }

    /**
     * One task of the test: how it is shaped from a passing (or steady) scripted task, the gate it
     * is about, where that gate decides, what it must say, and what the operator then does.
     */
    record Case(String task, Specs.Kind kind, boolean lintWarns, UnaryOperator<ObjectNode> shape, String gate, Transition at,
            Verdict verdict, Decision decision) {
        Stage terminal() {
            return verdict == Verdict.ALLOW || decision == Decision.APPROVE ? Stage.DONE : Stage.FAILED;
        }

        String file() {
            return Specs.file(task);
        }
    }

    @TestHTTPResource("/")
    URL url;

    private static Case allow(String task, UnaryOperator<ObjectNode> shape) {
        return new Case(task, Specs.Kind.PASS, false, shape, null, null, Verdict.ALLOW, Decision.NONE);
    }

    private static Case block(String task, Specs.Kind kind, UnaryOperator<ObjectNode> shape, String gate, Transition at) {
        return new Case(task, kind, false, shape, gate, at, Verdict.BLOCK, Decision.NONE);
    }

    private static Case escalate(String task, boolean lintWarns, UnaryOperator<ObjectNode> shape, String gate, Transition at, Decision d) {
        return new Case(task, Specs.Kind.PASS, lintWarns, shape, gate, at, Verdict.ESCALATE, d);
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(allow("gates-all-allow", s -> Specs.alsoWrites(s, "out/gates-all-allow.json", "{\"ok\": true}\n")));

        c.add(block("gates-budget-block", Specs.Kind.PASS, s -> Specs.plan(s, 2.0, "out/gates-budget-block.txt"), "budget", PLAN_EXECUTE));
        c.add(escalate("gates-budget-escalate", false, s -> Specs.plan(s, 1.1, "out/gates-budget-escalate.txt"),
                "budget", PLAN_EXECUTE, Decision.APPROVE));

        c.add(block("gates-scope-block", Specs.Kind.PASS, s -> Specs.plan(s, 0.01, "out/gates-scope-block.txt", "docs/guide.md", "src/main.c"),
                "scope-fit", PLAN_EXECUTE));
        c.add(escalate("gates-scope-escalate", false, s -> Specs.plan(s, 0.01, "out/gates-scope-escalate.txt", "docs/guide.md"),
                "scope-fit", PLAN_EXECUTE, Decision.REJECT));

        c.add(block("gates-secrets-block", Specs.Kind.PASS, s -> Specs.alsoWrites(s, "out/gates-secrets-block.conf",
                "GITHUB_TOKEN=" + GITHUB_TOKEN + "\n"), "secrets", EXECUTE_VERIFY));
        c.add(escalate("gates-secrets-escalate", false, s -> Specs.alsoWrites(s, "out/gates-secrets-escalate.conf",
                "password = \"Summer2024!\"\n"), "secrets", EXECUTE_VERIFY, Decision.APPROVE));

        c.add(block("gates-syntax-block", Specs.Kind.PASS, s -> Specs.alsoWrites(s, "out/gates-syntax-block.json", "{\"ok\": tru\n"),
                "syntax", EXECUTE_VERIFY));
        c.add(escalate("gates-syntax-escalate", false, s -> Specs.alsoWrites(s, "out/gates-syntax-escalate.rb", "puts 'ok'\n"),
                "syntax", EXECUTE_VERIFY, Decision.REJECT));

        c.add(block("gates-policy-block", Specs.Kind.PASS, s -> Specs.alsoWrites(s, "out/gates-policy-block.env", "COLOUR=blue\n"),
                "policy", EXECUTE_VERIFY));
        c.add(escalate("gates-policy-escalate", false, s -> Specs.alsoWrites(s, "out/gates-policy-escalate.md",
                "line\n".repeat(12)), "policy", EXECUTE_VERIFY, Decision.APPROVE));

        c.add(block("gates-wasm-block", Specs.Kind.PASS, s -> Specs.alsoWrites(s, "out/gates-wasm-block.md",
                "half done: DO NOT MERGE\n"), "do-not-merge", EXECUTE_VERIFY));

        c.add(block("gates-tests-block", Specs.Kind.FAIL, UnaryOperator.identity(), "tests", VERIFY_COMMIT));
        c.add(block("gates-lint-block", Specs.Kind.STEADY, s -> Specs.alsoWrites(s, "out/gates-lint-block.md", "trailing space \n"),
                "lint", VERIFY_COMMIT));
        c.add(escalate("gates-lint-escalate", true, s -> Specs.alsoWrites(s, "out/gates-lint-escalate.md", "trailing space \n"),
                "lint", VERIFY_COMMIT, Decision.APPROVE));

        c.add(escalate("gates-commit-escalate", false, s -> Specs.alsoWrites(s, "out/release/notes.md", "1.0\n"),
                "policy", COMMIT_DONE, Decision.APPROVE));
        return c;
    }

    @Test
    void everyGateAllowsBlocksAndEscalatesThroughThePipeline() throws Exception {
        Http http = new Http(url.toString());
        String bootstrap = EmbeddedStack.bootstrapServers();
        Path root = Files.createTempDirectory(EmbeddedStack.dataDir(), "gates-");
        String token = operatorToken(EmbeddedStack.dataDir());
        List<Case> cases = cases();

        Map<String, Path> repos = new LinkedHashMap<>();
        Map<String, String> bases = new LinkedHashMap<>();
        for (Case c : cases) {
            Path bare = Repos.create(root.resolve(c.task() + ".git"), Map.of("README.md", "gates\n",
                    ".r1/gates.yaml", GATES_FILE.formatted(c.lintWarns() ? LINT_WARNS : "")));
            repos.put(c.task(), bare);
            bases.put(c.task(), Repos.head(bare, "main"));
        }
        // All at once: they run side by side, as they would on a shared server.
        for (Case c : cases) {
            ObjectNode spec = c.shape().apply(Specs.task(c.task(), repos.get(c.task()), c.kind(), true));
            HttpResponse<String> r = http.post("v1/tasks", "application/json", Specs.bytes(spec));
            assertThat(r.statusCode()).as("POST %s: %s", c.task(), r.body()).isEqualTo(202);
        }

        // Escalated tasks park: the parked record is on r1.control, the ledger has the escalation and
        // nothing after it; only then does the operator decide.
        Map<String, String> reasons = new LinkedHashMap<>();
        for (Case c : cases) {
            if (c.verdict() != Verdict.ESCALATE) continue;
            String key = Parked.key(c.task(), c.at().from());
            KafkaTool.Rec parked = Wait.until(c.task() + " parked at " + c.at().wire(), PARK_TIMEOUT, () -> {
                KafkaTool.Rec rec = KafkaTool.latest(bootstrap, Topics.CONTROL).get(key);
                return rec != null && rec.value() != null ? rec : null;
            });
            assertThat(Specs.JSON.readTree(parked.value()).path("gates").findValuesAsText("gate")).as("%s waits for", c.task())
                    .containsExactly(c.gate());
            Wait.until("the ledger to hold the escalation of " + c.task(), PARK_TIMEOUT, () -> escalationInLedger(http, c));
            assertThat(state(http, c.task())).as("state of parked %s", c.task()).isEqualTo("running");

            String decision = c.decision() == Decision.APPROVE ? "approve" : "reject";
            String reason = "gates-pipeline: " + decision + " " + c.gate() + " of " + c.task();
            reasons.put(c.task(), reason);
            HttpResponse<String> r = Wait.until("the API to take the decision on " + c.task(), PARK_TIMEOUT, () -> {
                HttpResponse<String> d = http.decide(c.task(), token, c.gate(), decision, reason);
                return d.statusCode() == 409 ? null : d;
            });
            assertThat(r.statusCode()).as("%s %s: %s", decision, c.task(), r.body()).isEqualTo(202);
        }

        Path keys = EmbeddedStack.dataDir().resolve("keys");
        long deadline = System.nanoTime() + RECEIPTS_TIMEOUT.toNanos();
        for (Case c : cases) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            byte[] receipt = Wait.until("the receipt of " + c.task(), left, () -> http.receipt(c.task()).orElse(null));
            Verification v = ReceiptCheck.verify(keys, receipt);
            assertThat(v.valid()).as("receipt of %s verifies: %s", c.task(), v.violation()).isTrue();
            assertThat(ReceiptCheck.terminal(v)).as("terminal state of %s", c.task()).isEqualTo(c.terminal().name());
            switch (c.verdict()) {
                case ALLOW -> assertAllAllowed(c, v);
                case BLOCK -> assertBlocked(c, v);
                case ESCALATE -> assertEscalated(c, v, reasons.get(c.task()));
            }
            Set<String> merged = Repos.files(repos.get(c.task()), "main");
            if (c.terminal() == Stage.DONE) {
                assertThat(merged).as("main of %s", c.task()).contains(c.file());
            } else {
                assertThat(Repos.head(repos.get(c.task()), "main")).as("main of failed %s is untouched", c.task()).isEqualTo(bases.get(c.task()));
            }
            assertThat(state(http, c.task())).isEqualTo(c.terminal().name());
        }
    }

    /** Every gate of the file decided, each allowed with its reason, and no override was needed. */
    private static void assertAllAllowed(Case c, Verification v) {
        Set<String> decided = new TreeSet<>();
        for (Event e : v.receipt().events()) {
            if (e.payload() instanceof Payload.GateDecision d) {
                assertThat(d.verdict()).as("%s: %s at %s: %s", c.task(), d.gate(), d.transition().wire(), d.reason()).isEqualTo(Verdict.ALLOW);
                assertThat(d.reason()).isNotBlank();
                decided.add(d.transition().wire() + " " + d.gate());
            }
            if (e.asTransition() != null) assertThat(e.asTransition().override()).isNull();
        }
        assertThat(decided).containsExactlyInAnyOrder("PLAN->EXECUTE budget", "PLAN->EXECUTE scope-fit",
                "EXECUTE->VERIFY do-not-merge", "EXECUTE->VERIFY policy", "EXECUTE->VERIFY secrets", "EXECUTE->VERIFY syntax",
                "VERIFY->COMMIT lint", "VERIFY->COMMIT tests", "COMMIT->DONE merge", "COMMIT->DONE policy");
        assertThat(ReceiptCheck.decision(ReceiptCheck.decisions(v, "syntax", EXECUTE_VERIFY).get(0)).reason())
                .as("syntax checked the JSON file").doesNotContain("no changed file");
    }

    /**
     * The gate blocked, saying why; a block at VERIFY->COMMIT sends the task back to EXECUTE while
     * attempts remain, and it blocks again there; a block elsewhere ends the task in that phase.
     */
    private static void assertBlocked(Case c, Verification v) {
        List<Event> decisions = ReceiptCheck.decisions(v, c.gate(), c.at());
        assertThat(decisions).as("%s: decisions of %s at %s", c.task(), c.gate(), c.at().wire()).isNotEmpty();
        for (Event e : decisions) {
            assertThat(ReceiptCheck.decision(e).verdict()).as("%s: %s", c.task(), ReceiptCheck.decision(e).reason()).isEqualTo(Verdict.BLOCK);
            assertThat(ReceiptCheck.decision(e).reason()).isNotBlank();
        }
        assertThat(ReceiptCheck.transitions(v, c.at().from(), c.at().to())).as("%s never made %s", c.task(), c.at().wire()).isEmpty();
        Event failed = v.receipt().terminal();
        assertThat(failed.asTransition().from()).as("%s fails in the phase that was blocked", c.task()).isEqualTo(c.at().from());
        if (c.at().equals(VERIFY_COMMIT)) {
            assertThat(decisions).as("%s: one block per attempt", c.task()).hasSize(2);
            assertThat(ReceiptCheck.transitions(v, Stage.VERIFY, Stage.EXECUTE)).as("%s was retried", c.task()).hasSize(1);
        } else {
            assertThat(decisions).hasSize(1);
            assertThat(failed.causedBy()).as("%s: the block is what failed it", c.task()).contains(decisions.get(0).id());
        }
        switch (c.gate()) {
            case "secrets" -> assertThat(ReceiptCheck.decision(decisions.get(0)).reason()).as("the secret itself is never quoted")
                    .doesNotContain(GITHUB_TOKEN).contains("GitHub");
            case "policy" -> assertThat(ReceiptCheck.decision(decisions.get(0)).reason()).contains("no-env-files");
            case "do-not-merge" -> assertThat(ReceiptCheck.decision(decisions.get(0)).reason()).contains("DO NOT MERGE");
            default -> { }
        }
    }

    /**
     * The gate escalated, saying why; approved, the transition carries the operator's override naming
     * the escalated decision and the task finishes; rejected, the task fails right after the escalation.
     */
    private static void assertEscalated(Case c, Verification v, String reason) {
        List<Event> decisions = ReceiptCheck.decisions(v, c.gate(), c.at());
        assertThat(decisions).as("%s: decisions of %s at %s", c.task(), c.gate(), c.at().wire()).hasSize(1);
        Event escalation = decisions.get(0);
        assertThat(ReceiptCheck.decision(escalation).verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(ReceiptCheck.decision(escalation).reason()).isNotBlank();
        List<Event> moved = ReceiptCheck.transitions(v, c.at().from(), c.at().to());
        if (c.decision() == Decision.APPROVE) {
            assertThat(moved).as("%s: %s after the approval", c.task(), c.at().wire()).hasSize(1);
            Payload.Override o = moved.get(0).asTransition().override();
            assertThat(o).as("%s: the override on %s", c.task(), c.at().wire()).isNotNull();
            assertThat(o.operator()).isEqualTo("operator");
            assertThat(o.reason()).contains(reason);
            assertThat(o.decisions()).containsExactly(escalation.id());
            assertThat(moved.get(0).causedBy()).contains(escalation.id());
        } else {
            assertThat(moved).as("%s: no %s after the reject", c.task(), c.at().wire()).isEmpty();
            Event failed = v.receipt().terminal();
            assertThat(failed.asTransition().from()).isEqualTo(c.at().from());
            assertThat(failed.causedBy()).as("%s: the reject follows the escalation", c.task()).contains(escalation.id());
        }
    }

    private static boolean escalationInLedger(Http http, Case c) {
        HttpResponse<String> r = http.get("v1/tasks/" + c.task() + "/events");
        if (r.statusCode() != 200) return false;
        try {
            for (JsonNode e : Specs.JSON.readTree(r.body())) {
                if (e.path("type").asText().equals("GATE_DECISION") && e.path("gate").asText().equals(c.gate())
                        && e.path("transition").asText().equals(c.at().wire()) && e.path("verdict").asText().equals("escalate")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String state(Http http, String task) throws IOException {
        return Specs.JSON.readTree(http.get("v1/tasks/" + task).body()).path("state").asText();
    }

    /** The operator token the planner wrote at start, as `r1 approve --token-file` reads it. */
    static String operatorToken(Path dataDir) throws IOException {
        for (String line : Files.readAllLines(OperatorAuth.tokenFile(dataDir))) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length >= 3 && !parts[0].startsWith("#") && List.of(parts[2].split(",")).contains(OperatorAuth.OPERATOR)) return parts[0];
        }
        throw new AssertionError("no operator token in " + OperatorAuth.tokenFile(dataDir));
    }
}
