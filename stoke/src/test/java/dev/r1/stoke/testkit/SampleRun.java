package dev.r1.stoke.testkit;

import static dev.r1.stoke.event.Stage.COMMIT;
import static dev.r1.stoke.event.Stage.DONE;
import static dev.r1.stoke.event.Stage.EXECUTE;
import static dev.r1.stoke.event.Stage.VERIFY;

import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Tier;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.SealedReceipt;
import java.util.List;

/**
 * One complete, valid run with a name for every event: START->PLAN, two gated moves, a failed
 * verification and a retry, an escalation overridden by an operator, and COMMIT->DONE.
 */
public final class SampleRun {
    public static final String TASK = "task-sample.1";

    public final Event root;
    public final Event planThought;
    public final Event planRead;
    public final Event planSkill;
    public final Event planBeacon;
    public final Event budget;
    public final Event scopeFit;
    public final Event planToExecute;
    public final Event toolCall;
    public final Event memoryWrite;
    public final Event secrets;
    public final Event executeToVerify;
    public final Event testsRun;
    public final Event testsBlock;
    public final Event retry;
    public final Event fixCall;
    public final Event secretsAgain;
    public final Event executeToVerifyAgain;
    public final Event lint;
    public final Event testsEscalate;
    public final Event verifyToCommit;
    public final Event commitArtifact;
    public final Event policy;
    public final Event done;
    public final List<Event> events;

    public SampleRun() {
        RunBuilder run = new RunBuilder(TASK);
        root = run.start();
        planThought = run.thought("read the issue, then plan");
        planRead = run.memoryRead(Tier.SEMANTIC, "plan/working-set");
        planSkill = run.skill("q-scope", "only the parser", 0.8);
        planBeacon = run.beacon("session_opened");
        budget = run.decision("budget", EXECUTE, Verdict.ALLOW);
        scopeFit = run.decision("scope-fit", EXECUTE, Verdict.ALLOW);
        planToExecute = run.transition(EXECUTE, List.of("budget", "scope-fit"), null);
        toolCall = run.toolCall("edit");
        memoryWrite = run.memoryWrite(Tier.EPISODIC, "decisions");
        secrets = run.decision("secrets", VERIFY, Verdict.ALLOW);
        executeToVerify = run.transition(VERIFY, List.of("secrets"), null);
        testsRun = run.toolCall("tests");
        testsBlock = run.decision("tests", COMMIT, Verdict.BLOCK);
        retry = run.transition(EXECUTE, List.of(), null);
        fixCall = run.toolCall("edit");
        secretsAgain = run.decision("secrets", VERIFY, Verdict.ALLOW);
        executeToVerifyAgain = run.transition(VERIFY, List.of("secrets"), null);
        lint = run.decision("lint", COMMIT, Verdict.ALLOW);
        testsEscalate = run.decision("tests", COMMIT, Verdict.ESCALATE);
        verifyToCommit = run.transition(COMMIT, List.of("lint", "tests"),
                new Payload.Override(RunBuilder.OPERATOR, RunBuilder.OVERRIDE_REASON, List.of(testsEscalate.id())));
        commitArtifact = run.artifact("text/x-diff");
        policy = run.decision("policy", DONE, Verdict.ALLOW);
        done = run.transition(DONE, List.of("policy"), null);
        events = run.events();
    }

    public SealedReceipt seal() {
        return new ReceiptSealer(TestKeys.SIGNER).seal(events);
    }

    public byte[] file() {
        return seal().file();
    }
}
