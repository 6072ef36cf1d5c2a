package dev.r1.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.pipeline.Topics;
import dev.r1.pipeline.flow.Parked;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Transition;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.receipt.Verification;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Parked tasks survive a restart of every service. The packaged app runs as its own process;
 * three tasks escalate at three checkpoints (a plan over budget at PLAN->EXECUTE, a change too
 * big for the repository's policy at EXECUTE->VERIFY, a release that needs a sign-off at
 * COMMIT->DONE) and park. The app is killed with SIGKILL, which takes all five services down at
 * once, and started again on the same broker, database and data directory. The tasks are still
 * parked, with the same events in the ledger; callers without a token or without the operator
 * role are turned away and change nothing; the operator's approvals finish two tasks DONE with
 * her override on record, and her reject fails the third. Every receipt verifies with the
 * ledger's key.
 */
class EscalationRestartIT {
    static final Duration TIMEOUT = Duration.ofMinutes(4);
    static final String OPERATOR_TOKEN = "op-7f3a9c1e5b2d4f60";
    static final String VIEWER_TOKEN = "view-2b8e6a4c0d1f3e57";
    static final String OPERATOR = "olivia";
    /** Short leases, as in CrashRecoveryIT; the operators come from configuration, not the generated token file. */
    static final Map<String, String> ENV = Map.of("R1_LEASE_TTL", "PT5S",
            "R1_AUTH_TOKENS", OPERATOR_TOKEN + "=" + OPERATOR + ":operator," + VIEWER_TOKEN + "=victor:viewer");

    /** Escalates a plan over budget by less than the margin (PLAN), big changes (EXECUTE) and releases (COMMIT). */
    static final String GATES_FILE = """
            version: 1
            extends: default
            gates:
              budget:
                escalate_margin: 0.25
              policy:
                rules:
            """ + GatesPipelineTest.ESCALATING_RULES;

    /** A task parked at {@code at} by {@code gate}, and whether the operator lets it through. */
    record Parking(String task, String gate, Transition at, boolean approve) {
        String key() {
            return Parked.key(task, at.from());
        }
    }

    static final Parking BIG = new Parking("esc-big-change", "policy", Transition.of(Stage.EXECUTE, Stage.VERIFY), true);
    static final Parking OVER = new Parking("esc-over-budget", "budget", Transition.of(Stage.PLAN, Stage.EXECUTE), false);
    static final Parking RELEASE = new Parking("esc-release", "policy", Transition.of(Stage.COMMIT, Stage.DONE), true);
    static final List<Parking> ALL = List.of(BIG, OVER, RELEASE);

    private final Path repos = Path.of("target", "it-repos", "escalation").toAbsolutePath();
    private final Processes processes = new Processes(ENV);

    @AfterEach
    void stopAll() {
        processes.close();
    }

    private static ObjectNode spec(Parking p, Path repo) {
        ObjectNode s = Specs.task(p.task(), repo, Specs.Kind.PASS, true);
        if (p == BIG) return Specs.alsoWrites(s, "out/esc-big-change.md", "line\n".repeat(12));
        if (p == OVER) return Specs.plan(s, 1.1, Specs.file(p.task()));
        return Specs.alsoWrites(s, "out/release/notes.md", "1.0\n");
    }

    @Test
    void parkedTasksSurviveARestartOfEveryServiceAndOnlyAnOperatorFinishesThem() throws Exception {
        Map<String, String> stack = processes.stack();
        String bootstrap = stack.get("kafka.bootstrap.servers");
        Path keys = Path.of(stack.get("r1.data")).resolve("keys");
        int port = AppProcess.freePort();

        Map<String, Path> origin = new java.util.HashMap<>();
        Map<String, String> base = new java.util.HashMap<>();
        AppProcess first = processes.app(stack, port, "escalation-1");
        for (Parking p : ALL) {
            Path repo = Repos.create(repos.resolve(p.task() + ".git"), Map.of("README.md", "escalation\n", ".r1/gates.yaml", GATES_FILE));
            origin.put(p.task(), repo);
            base.put(p.task(), Repos.head(repo, "main"));
            HttpResponse<String> r = first.http().post("v1/tasks", "application/json", Specs.bytes(spec(p, repo)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        }
        Map<String, Set<String>> eventsBefore = new java.util.HashMap<>();
        for (Parking p : ALL) {
            Wait.until(p.task() + " parked at " + p.at().wire(), TIMEOUT, () -> parkedOnControl(bootstrap, p));
            // The parked record's frontier (the decisions) is the last of the task's events: once the ledger
            // holds those, it holds all of them.
            Set<String> frontier = new TreeSet<>();
            tree(new String(KafkaTool.latest(bootstrap, Topics.CONTROL).get(p.key()).value(), java.nio.charset.StandardCharsets.UTF_8))
                    .path("frontier").forEach(id -> frontier.add(id.asText()));
            assertThat(frontier).isNotEmpty();
            eventsBefore.put(p.task(), Wait.until("the ledger to hold the escalation of " + p.task(), TIMEOUT, () -> {
                Set<String> ids = escalated(first.http(), p) ? eventIds(first.http(), p.task()) : Set.of();
                return ids.containsAll(frontier) ? ids : null;
            }));
        }

        // Every service goes down at once, mid-wait; then all come back on the same broker, database and data.
        first.kill();
        AppProcess second = processes.app(stack, port, "escalation-2");
        Http http = second.http();

        for (Parking p : ALL) {
            assertThat(parkedOnControl(bootstrap, p)).as("%s still parked on r1.control", p.task()).isTrue();
            assertThat(eventIds(http, p.task())).as("events of %s after the restart", p.task()).isEqualTo(eventsBefore.get(p.task()));
            assertThat(state(http, p.task())).isEqualTo("running");
            // The restarted services have read the parked task back: the API knows which gate it waits for.
            String other = p.gate().equals("budget") ? "scope-fit" : "secrets";
            Wait.until("the restarted app to know " + p.task() + " waits for " + p.gate(), TIMEOUT, () -> {
                HttpResponse<String> r = http.decide(p.task(), OPERATOR_TOKEN, other, "approve", "not the gate it waits for");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
                return r.body().contains("waits for " + p.gate());
            });

            HttpResponse<String> none = http.decide(p.task(), null, p.gate(), "approve", "let me through");
            assertThat(none.statusCode()).as(none.body()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(http.decide(p.task(), "not-a-token", p.gate(), "approve", "let me through").statusCode()).isEqualTo(401);
            HttpResponse<String> viewer = http.decide(p.task(), VIEWER_TOKEN, p.gate(), "approve", "let me through");
            assertThat(viewer.statusCode()).as(viewer.body()).isEqualTo(403);
            assertThat(viewer.body()).contains("victor");
        }
        // The refused calls changed nothing: no decision reached r1.control, every task is still parked.
        Map<String, KafkaTool.Rec> control = KafkaTool.latest(bootstrap, Topics.CONTROL);
        assertThat(control.keySet()).noneMatch(k -> k.contains("/approval/"));
        for (Parking p : ALL) {
            assertThat(control.get(p.key())).isNotNull();
            assertThat(control.get(p.key()).value()).as("%s parked", p.task()).isNotNull();
            assertThat(eventIds(http, p.task())).isEqualTo(eventsBefore.get(p.task()));
        }

        for (Parking p : ALL) {
            String decision = p.approve() ? "approve" : "reject";
            HttpResponse<String> r = http.decide(p.task(), OPERATOR_TOKEN, p.gate(), decision, reason(p));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(Specs.JSON.readTree(r.body()).path("operator").asText()).isEqualTo(OPERATOR);
        }

        for (Parking p : ALL) {
            byte[] receipt = Wait.until("the receipt of " + p.task(), TIMEOUT, () -> http.receipt(p.task()).orElse(null));
            Verification v = ReceiptCheck.verify(keys, receipt);
            assertThat(v.valid()).as("receipt of %s verifies: %s", p.task(), v.violation()).isTrue();
            List<Event> decisions = ReceiptCheck.decisions(v, p.gate(), p.at());
            assertThat(decisions).hasSize(1);
            Event escalation = decisions.get(0);
            assertThat(ReceiptCheck.decision(escalation).verdict()).isEqualTo(Verdict.ESCALATE);
            assertThat(eventsBefore.get(p.task())).as("the escalation recorded before the restart is the one in the receipt")
                    .contains(escalation.id());
            List<Event> moved = ReceiptCheck.transitions(v, p.at().from(), p.at().to());
            if (p.approve()) {
                assertThat(ReceiptCheck.terminal(v)).isEqualTo("DONE");
                assertThat(moved).hasSize(1);
                Payload.Override o = moved.get(0).asTransition().override();
                assertThat(o).as("override on %s of %s", p.at().wire(), p.task()).isNotNull();
                assertThat(o.operator()).isEqualTo(OPERATOR);
                assertThat(o.reason()).contains(reason(p));
                assertThat(o.decisions()).containsExactly(escalation.id());
                assertThat(moved.get(0).causedBy()).contains(escalation.id());
                assertThat(Repos.files(origin.get(p.task()), "main")).contains(Specs.file(p.task()));
            } else {
                assertThat(ReceiptCheck.terminal(v)).isEqualTo("FAILED");
                assertThat(moved).isEmpty();
                assertThat(v.receipt().terminal().asTransition().from()).isEqualTo(p.at().from());
                assertThat(v.receipt().terminal().causedBy()).contains(escalation.id());
                assertThat(Repos.head(origin.get(p.task()), "main")).isEqualTo(base.get(p.task()));
            }
            assertThat(state(http, p.task())).isEqualTo(p.approve() ? "DONE" : "FAILED");
        }
        // Once decided, nothing is left parked or pending.
        Map<String, KafkaTool.Rec> after = KafkaTool.latest(bootstrap, Topics.CONTROL);
        for (Map.Entry<String, KafkaTool.Rec> e : after.entrySet()) {
            assertThat(e.getValue().value()).as("r1.control %s after the decisions", e.getKey()).isNull();
        }
    }

    private static String reason(Parking p) {
        return (p.approve() ? "approved" : "rejected") + " after the restart: " + p.task();
    }

    private static boolean parkedOnControl(String bootstrap, Parking p) {
        KafkaTool.Rec rec = KafkaTool.latest(bootstrap, Topics.CONTROL).get(p.key());
        return rec != null && rec.value() != null;
    }

    private static boolean escalated(Http http, Parking p) {
        HttpResponse<String> r = http.get("v1/tasks/" + p.task() + "/events");
        if (r.statusCode() != 200) return false;
        for (JsonNode e : tree(r.body())) {
            if (e.path("type").asText().equals("GATE_DECISION") && e.path("gate").asText().equals(p.gate())
                    && e.path("transition").asText().equals(p.at().wire()) && e.path("verdict").asText().equals("escalate")) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> eventIds(Http http, String task) {
        HttpResponse<String> r = http.get("v1/tasks/" + task + "/events");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Set<String> ids = new TreeSet<>();
        tree(r.body()).forEach(e -> ids.add(e.path("id").asText()));
        return ids;
    }

    private static String state(Http http, String task) {
        return tree(http.get("v1/tasks/" + task).body()).path("state").asText();
    }

    private static JsonNode tree(String json) {
        try {
            return Specs.JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
