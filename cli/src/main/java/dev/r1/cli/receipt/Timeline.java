package dev.r1.cli.receipt;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.r1.stoke.Rule;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.Payload;
import dev.r1.stoke.event.Stage;
import dev.r1.stoke.event.Verdict;
import dev.r1.stoke.json.Jcs;
import dev.r1.stoke.receipt.Receipt;
import dev.r1.stoke.receipt.Verification;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Help.Ansi;

/** Renders a receipt for people: one line an event, in time order, with the outcome last. */
final class Timeline {
    private static final int MAX_TEXT = 100;

    private final Ansi ansi;
    private final boolean keysGiven;

    Timeline(Ansi ansi, boolean keysGiven) {
        this.ansi = ansi;
        this.keysGiven = keysGiven;
    }

    void render(Path file, Verification v, PrintWriter out) {
        Receipt r = v.receipt();
        if (r == null) {
            out.println(style("bold,red", "not a readable receipt: ") + file + ": " + v.violation().getMessage());
            out.flush();
            return;
        }
        out.println(style("bold", "receipt ") + r.digest());
        out.println("  task     " + r.task() + ", " + r.events().size() + " events");
        out.println("  signer   " + r.signingKeyId());
        out.println("  status   " + status(v));
        out.println();
        List<Event> byTime = r.events().stream().sorted(Comparator.comparingLong(Event::tMillis)).toList();
        int retries = 0;
        int overrides = 0;
        for (Event e : byTime) {
            out.println(String.format("%9.3fs  %-7s  ", e.tMillis() / 1000.0, e.phase()) + describe(e));
            Payload.PhaseTransition pt = e.asTransition();
            if (pt != null && pt.from() == Stage.VERIFY && pt.to() == Stage.EXECUTE) retries++;
            if (pt != null && pt.override() != null) overrides++;
        }
        out.println();
        Event terminal = byTime.stream().filter(Event::isTerminal).reduce((a, b) -> b).orElse(null);
        String outcome = terminal == null ? style("red", "no terminal transition")
                : terminal.asTransition().to() == Stage.DONE ? style("bold,green", "DONE") : style("bold,red", "FAILED");
        out.println("outcome  " + outcome + (terminal == null ? "" : " at " + terminal.tMillis() / 1000.0 + "s")
                + ", " + retries + (retries == 1 ? " retry" : " retries")
                + ", " + overrides + (overrides == 1 ? " override" : " overrides"));
        out.flush();
    }

    private String status(Verification v) {
        if (v.valid()) return style("bold,green", "verified");
        if (!keysGiven && v.violation().rule() == Rule.UNKNOWN_KEY) {
            return style("yellow", "intact, signature not checked (pass --key to check it)");
        }
        return style("bold,red", "INVALID") + " — " + v.violation().getMessage();
    }

    private String describe(Event e) {
        Payload p = e.payload();
        if (p instanceof Payload.PhaseTransition pt) {
            String line = style("bold", pt.from() + " → " + pt.to());
            if (!pt.requiredGates().isEmpty()) line += "  gates: " + String.join(", ", pt.requiredGates());
            if (pt.override() != null) {
                line += "  " + style("yellow", "override by " + pt.override().operator() + ": " + text(pt.override().reason()));
            }
            return line;
        }
        if (p instanceof Payload.GateDecision gd) {
            String colour = gd.verdict() == Verdict.ALLOW ? "green" : gd.verdict() == Verdict.BLOCK ? "red" : "yellow";
            return "gate " + gd.gate() + " " + gd.transition() + ": " + style("bold," + colour, gd.verdict().wire())
                    + " — " + text(gd.reason());
        }
        if (p instanceof Payload.ToolCall tc) {
            String exit = tc.exitCode() == null ? "" : " exit " + tc.exitCode();
            return style("cyan", "tool " + text(e.label())) + " " + clip(Jcs.canonicalString(tc.args())) + exit;
        }
        if (p instanceof Payload.Artifact a) {
            return style("magenta", "artifact " + text(e.label())) + " " + a.mediaType() + " sha256:" + a.contentHash()
                    + (a.uri() == null ? "" : " " + text(a.uri()));
        }
        if (p instanceof Payload.MemoryRead m) return "memory read  " + e.tier().wire() + " " + text(m.key());
        if (p instanceof Payload.MemoryWrite m) return "memory write " + e.tier().wire() + " " + text(m.key());
        if (p instanceof Payload.Thought) return style("faint", "thought " + text(e.detail()));
        if (p instanceof Payload.SkillAuthoringDecision s) {
            return "skill decision " + text(s.questionId()) + " → " + text(s.answer()) + " (confidence " + s.confidence() + ")";
        }
        if (p instanceof Payload.BeaconLedgerEvent b) {
            return "beacon " + text(b.kind()) + " by " + text(b.operator()) + " on " + text(b.device());
        }
        return e.type().name();
    }

    /** Control characters and quotes shown escaped, so one event stays on one line. */
    private static String text(String s) {
        String quoted = Jcs.canonicalString(TextNode.valueOf(s));
        String inner = quoted.substring(1, quoted.length() - 1);
        return clip(inner);
    }

    private static String clip(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
    }

    private String style(String styles, String s) {
        return ansi.string("@|" + styles + " " + s.replace("|@", "| @") + "|@");
    }
}
