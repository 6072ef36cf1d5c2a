package dev.r1.gates.builtin;

import dev.r1.gates.Diff;
import dev.r1.gates.Gate;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.Glob;
import dev.r1.gates.config.Settings;
import dev.r1.gates.secrets.Finding;
import dev.r1.gates.secrets.SecretScanner;
import dev.r1.stoke.event.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code secrets}: no credentials in the change. Scans the diff's added lines and, for a tool call,
 * the text it writes.
 * <ul>
 *   <li>BLOCK: a high-confidence finding — a provider token format (AWS, GitHub, GitLab, Slack,
 *       Stripe live, Google, OpenAI, Anthropic, Hugging Face, npm, PyPI, SendGrid, ...), a private
 *       key block, a JWT, a password in a URL, a random value assigned to a secret-named key.</li>
 *   <li>ESCALATE: only low-confidence findings (a weak value under a secret-named key, a
 *       random-looking string with no key, a Stripe test key), per {@code low_confidence}.</li>
 *   <li>ALLOW: nothing found, or only in {@code allow_paths}.</li>
 * </ul>
 * Reasons give the file, line and kind with a redacted sample, never the secret.
 */
public final class SecretsGate implements Gate {
    private static final int LISTED = 8;
    private final String id;
    private final SecretScanner scanner;
    private final List<Glob> allowPaths;
    private final Verdict lowConfidence;

    public SecretsGate(String id, SecretScanner scanner, List<Glob> allowPaths, Verdict lowConfidence) {
        this.id = id;
        this.scanner = scanner;
        this.allowPaths = List.copyOf(allowPaths);
        this.lowConfidence = lowConfidence;
    }

    public static SecretsGate create(Settings s) {
        List<Glob> allow = Glob.all(s.strings("allow_paths", List.of()));
        String low = s.string("low_confidence", "escalate");
        Verdict lowVerdict = Verdict.fromWire(low.toLowerCase(Locale.ROOT)).orElse(null);
        if (lowVerdict == null) {
            s.problem(s.node("low_confidence").orElse(null), "'low_confidence' must be allow, block or escalate, not '" + low + "'");
            lowVerdict = Verdict.ESCALATE;
        }
        boolean entropy = s.bool("entropy_strings", true);
        s.finish();
        return new SecretsGate(s.gate(), new SecretScanner(entropy), allow, lowVerdict);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public GateVerdict evaluate(GateInput in) {
        List<Finding> findings = new ArrayList<>();
        Set<String> scanned = new LinkedHashSet<>();
        for (Diff.FileChange f : in.diff().files()) {
            if (Glob.anyMatches(allowPaths, f.path())) continue;
            scanned.add(f.path());
            findings.addAll(scanner.scan(f.path(), f.addedLines()));
        }
        in.tool().ifPresent(t -> {
            if (t.content().isEmpty()) return;
            String path = t.path().orElse("");
            if (scanned.contains(path) || (!path.isEmpty() && Glob.anyMatches(allowPaths, path))) return;
            scanned.add(path);
            findings.addAll(scanner.scanText(path, t.content().get()));
        });
        findings.addAll(scanner.scanText("(command)", in.tool().map(GateInput.ToolCall::command).orElse("")));

        List<Finding> high = findings.stream().filter(f -> f.confidence() == Finding.Confidence.HIGH).toList();
        List<Finding> low = findings.stream().filter(f -> f.confidence() == Finding.Confidence.LOW).toList();
        if (!high.isEmpty()) {
            return GateVerdict.block(id, count(high.size(), "likely secret") + " in the change: " + list(high)
                    + (low.isEmpty() ? "" : "; also " + count(low.size(), "possible secret") + ": " + list(low))
                    + (high.size() == 1 ? ". Remove it and load it" : ". Remove them and load them")
                    + " from the environment or a secret store instead; rotate any credential that was ever pushed or shared");
        }
        if (!low.isEmpty() && lowConfidence != Verdict.ALLOW) {
            String reason = count(low.size(), "possible secret") + " in the change: " + list(low)
                    + ". If these are not credentials, an operator can approve (or list the files under allow_paths for the"
                    + " secrets gate); if they are, remove them and load them from the environment";
            return new GateVerdict(id, lowConfidence, reason);
        }
        int files = scanned.size();
        return GateVerdict.allow(id, "no secrets found in the added lines" + (low.isEmpty() ? "" : " (" + low.size()
                + " low-confidence matches allowed by configuration)") + (files == 0 ? "" : " of " + count(files, "file")));
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String list(List<Finding> fs) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < Math.min(LISTED, fs.size()); i++) parts.add(fs.get(i).toString());
        String s = String.join("; ", parts);
        return fs.size() > LISTED ? s + " and " + (fs.size() - LISTED) + " more" : s;
    }
}
