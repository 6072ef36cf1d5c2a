package dev.r1.gates.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.gates.Checkpoint;
import dev.r1.gates.Diff;
import dev.r1.gates.Gate;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateSuite;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.GatesConfigException;
import dev.r1.gates.GatesLoader;
import dev.r1.gates.Inputs;
import dev.r1.gates.TestGates;
import dev.r1.stoke.event.Phase;
import dev.r1.stoke.event.Verdict;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyGateTest {
    /** The three examples. */
    static final String RULES = """
            policy:
              rules:
                - id: no-github-writes
                  when: "diff.paths.exists(p, p.startsWith('.github/'))"
                  verdict: block
                  message: "no writes under .github/: CI changes need a person; leave .github/ alone"
                - id: no-git-push-in-execute
                  when: >-
                    task.phase == 'EXECUTE' && tool.kind == 'run'
                    && tool.command.matches(r'\\bgit\\b[^;&|]*\\bpush\\b')
                  verdict: block
                  message: "no git push in EXECUTE: the harness pushes the branch; drop the push"
                - id: big-change
                  when: "diff.changed > 400"
                  verdict: escalate
                  message: "more than 400 changed lines: an operator must approve, or split the task"
            """;
    private final Gate gate = TestGates.gate("policy", RULES);

    private GateVerdict tool(Phase phase, GateInput.ToolCall call) {
        return gate.evaluate(GateInput.at(Checkpoint.TOOL, Inputs.task(phase)).tool(call).role("agent").build());
    }

    @Test
    void noWritesUnderGithub() {
        GateVerdict v = tool(Phase.EXECUTE, GateInput.ToolCall.write(".github/workflows/ci.yml", "on: push\n"));
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).isEqualTo("no-github-writes: no writes under .github/: CI changes need a person; leave .github/ alone");
        assertThat(tool(Phase.EXECUTE, GateInput.ToolCall.write("src/github.py", "x = 1\n")).verdict()).isEqualTo(Verdict.ALLOW);
        // the same rule over a whole change
        GateVerdict change = gate.evaluate(Inputs.atVerify(Inputs.touching(List.of("src/a.py", ".github/dependabot.yml"), 2)));
        assertThat(change.verdict()).isEqualTo(Verdict.BLOCK);
    }

    @Test
    void noGitPushInExecute() {
        assertThat(tool(Phase.EXECUTE, GateInput.ToolCall.run("git push origin HEAD")).verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(tool(Phase.EXECUTE, GateInput.ToolCall.run("cd repo && git -C . push --force")).verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(tool(Phase.EXECUTE, GateInput.ToolCall.run("git status && make test")).verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(tool(Phase.EXECUTE, GateInput.ToolCall.run("echo pushing")).verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(tool(Phase.COMMIT, GateInput.ToolCall.run("git push origin r1/t-1")).verdict()).isEqualTo(Verdict.ALLOW);
        GateInput.ToolCall bash = new GateInput.ToolCall("bash", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("command", "git push"), Optional.empty(), Optional.empty());
        assertThat(tool(Phase.EXECUTE, bash).verdict()).as("any engine's spelling of a shell tool").isEqualTo(Verdict.BLOCK);
    }

    @Test
    void atMost400ChangedLinesWithoutEscalation() {
        GateVerdict small = gate.evaluate(Inputs.atVerify(Inputs.touching(List.of("src/a.py", "src/b.py"), 200)));
        assertThat(small.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(small.reason()).isEqualTo("3 policy rules checked, none matched");
        GateVerdict big = gate.evaluate(Inputs.atVerify(Inputs.touching(List.of("src/a.py", "src/b.py"), 201)));
        assertThat(big.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(big.reason()).contains("big-change");
    }

    @Test
    void aBlockOutranksAnEscalationAndBothAreNamed() {
        GateVerdict v = gate.evaluate(Inputs.atVerify(Inputs.touching(List.of(".github/x.yml", "src/b.py"), 300)));
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).startsWith("2 policy rules matched — no-github-writes").contains("big-change");
    }

    @Test
    void rulesSeeTheActorAndCanBeLimitedToCheckpoints() {
        Gate g = TestGates.gate("policy", """
                policy:
                  rules:
                    - id: finisher
                      at: [COMMIT->DONE]
                      when: "!(actor.role in ['committer', 'operator'])"
                      verdict: block
                      message: only the committer may finish a task
                """);
        GateInput byExecutor = GateInput.at(Checkpoint.COMMIT_DONE, Inputs.task(Phase.COMMIT)).role("executor").build();
        GateInput byCommitter = GateInput.at(Checkpoint.COMMIT_DONE, Inputs.task(Phase.COMMIT)).role("committer").build();
        assertThat(g.evaluate(byExecutor).verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(g.evaluate(byCommitter).verdict()).isEqualTo(Verdict.ALLOW);
        GateVerdict elsewhere = g.evaluate(GateInput.at(Checkpoint.TOOL, Inputs.task()).role("executor").build());
        assertThat(elsewhere.reason()).isEqualTo("no policy rule applies at tool");
    }

    @Test
    void aRuleThatCannotBeEvaluatedBlocks() {
        Gate g = TestGates.gate("policy", """
                policy:
                  rules:
                    - id: careless
                      when: "tool.args.command.startsWith('rm')"
                      verdict: escalate
                      message: removing things needs a person
                """);
        GateVerdict v = g.evaluate(GateInput.at(Checkpoint.TOOL, Inputs.task()).tool(GateInput.ToolCall.write("a", "b")).build());
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("careless").contains("could not be evaluated").contains("has()");
    }

    @Test
    void aRuleThatDoesNotCompileIsAConfigurationErrorAtItsLine() {
        String yaml = """
                gates:
                  policy:
                    rules:
                      - id: ok
                        when: "diff.changed > 1"
                        verdict: block
                        message: fine
                      - id: broken
                        when: "diff.paths.exists(p, p.startsWith("
                        verdict: block
                        message: never compiles
                      - id: not-bool
                        when: "diff.changed + 1"
                        verdict: block
                        message: not a condition
                transitions:
                  tool: [policy]
                """;
        GatesConfigException e = org.junit.jupiter.api.Assertions.assertThrows(GatesConfigException.class,
                () -> GateSuite.of(GatesLoader.parse(yaml, ".r1/gates.yaml", Optional.empty())));
        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(0).line()).isEqualTo(9);
        assertThat(e.problems().get(0).message()).contains("policy rule 'broken' does not compile");
        assertThat(e.problems().get(1).line()).isEqualTo(13);
        assertThat(e.problems().get(1).message()).contains("'not-bool'").contains("bool");
        assertThat(e.getMessage()).startsWith(".r1/gates.yaml:9: ");
    }

    @Test
    void aRuleNeedsAllItsPartsAndAVerdictThatSaysNo() {
        GatesConfigException e = org.junit.jupiter.api.Assertions.assertThrows(GatesConfigException.class,
                () -> GateSuite.of(GatesLoader.parse("""
                        gates:
                          policy:
                            rules:
                              - id: a
                                when: "true"
                                verdict: allow
                                message: x
                              - id: b
                                when: "true"
                                verdict: block
                        transitions:
                          tool: [policy]
                        """, "f", Optional.empty())));
        assertThat(e.problems()).extracting(GatesConfigException.Problem::line).containsExactly(6, 8);
        assertThat(e.getMessage()).contains("verdict must be block or escalate").contains("needs 'message'");
    }

    @Test
    void theRulesSeeEveryVariable() throws Exception {
        var program = PolicyGate.compile("transition == 'EXECUTE->VERIFY' && task.id == 't-1' && task.goal.contains('greeting')"
                + " && diff.files.all(f, f.status == 'modified') && diff.added == 4 && plan.estimated_cost_usd == -1.0"
                + " && usage.tool_calls == 3 && actor.role == 'executor' && tool.kind == '' && size(task.scope) == 1");
        GateInput in = GateInput.at(Checkpoint.EXECUTE_VERIFY, Inputs.task()).diff(Inputs.touching(List.of("a", "b"), 2))
                .usage(new GateInput.Usage(0.3, 3)).role("executor").build();
        assertThat(program.eval(PolicyContext.of(in))).isEqualTo(true);
        Diff d = Diff.parse(Inputs.newFile("x.txt", "1\n2\n"));
        assertThat(PolicyGate.compile("diff.files[0].status == 'added'").eval(PolicyContext.of(Inputs.atVerify(d)))).isEqualTo(true);
    }
}
