package dev.r1.gates.secrets;

import dev.r1.gates.Diff;
import dev.r1.gates.secrets.Finding.Confidence;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds secrets in text: first provider formats (each with a check that rules out documented
 * examples and placeholders), then private key blocks, JWTs and credentials in URLs, then
 * random-looking values assigned to secret-named keys, and last, optionally, random-looking
 * quoted strings with no such key (low confidence). A stretch of a line claimed by one
 * detector is not reported again by a later one.
 */
public final class SecretScanner {
    private static final int MAX_LINE_CHARS = 20_000;
    private static final Set<String> LOCKFILES = Set.of("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
            "cargo.lock", "poetry.lock", "pipfile.lock", "gemfile.lock", "composer.lock", "go.sum", "flake.lock", "bun.lock",
            "packages.lock.json", "gradle.lockfile", "mix.lock", "pubspec.lock", "podfile.lock", "uv.lock", "requirements.txt");

    private final boolean entropyStrings;

    /** @param entropyStrings also report random-looking quoted strings that no secret-named key introduces (low confidence) */
    public SecretScanner(boolean entropyStrings) {
        this.entropyStrings = entropyStrings;
    }

    public SecretScanner() {
        this(true);
    }

    /** Scans the added lines of every file in a diff. */
    public List<Finding> scan(Diff diff) {
        List<Finding> out = new ArrayList<>();
        for (Diff.FileChange f : diff.files()) out.addAll(scan(f.path(), f.addedLines()));
        return out;
    }

    /** Scans a whole text (a file a tool call writes, the new text of an edit). */
    public List<Finding> scanText(String path, String content) {
        return scan(Diff.ofWrite(path, content));
    }

    /** Scans lines of one file; the line numbers are the file's. */
    public List<Finding> scan(String path, List<Diff.Line> lines) {
        List<Finding> out = new ArrayList<>();
        boolean lockfile = isLockfile(path);
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).text();
            if (text.length() > MAX_LINE_CHARS) text = text.substring(0, MAX_LINE_CHARS);
            new LineScan(path, lines, i, text, lockfile, out).run();
        }
        return out;
    }

    static boolean isLockfile(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return LOCKFILES.contains(name) || name.endsWith(".lock") || name.endsWith(".sum");
    }

    /** One provider format: the regex's group 1 is the token; {@code prefix} chars of it are fixed text, the rest must look random. */
    private record Format(String kind, String label, Pattern pattern, int prefix, Confidence confidence) {}

    private static Format format(String kind, String label, String regex, int prefix, Confidence c) {
        return new Format(kind, label, Pattern.compile(regex), prefix, c);
    }

    private static final List<Format> FORMATS = List.of(
            format("aws-access-key-id", "AWS access key id", "\\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\\b", 4, Confidence.HIGH),
            format("github-token", "GitHub token", "\\b(gh[pousr]_[A-Za-z0-9]{36,255})\\b", 4, Confidence.HIGH),
            format("github-token", "GitHub fine-grained token", "\\b(github_pat_[A-Za-z0-9_]{50,255})\\b", 11, Confidence.HIGH),
            format("gitlab-token", "GitLab token",
                    "\\b(gl(?:pat|dt|rt|ptt|ft|cbt|oas|imt|soat|agent)-[A-Za-z0-9_\\-]{20,})", 6, Confidence.HIGH),
            format("slack-token", "Slack token", "\\b(xox[abposre]-[A-Za-z0-9-]{10,})", 5, Confidence.HIGH),
            format("slack-webhook", "Slack webhook URL",
                    "(https://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\\-]{20,})", 35, Confidence.HIGH),
            format("stripe-key", "Stripe live key", "\\b((?:sk|rk)_live_[A-Za-z0-9]{20,})", 8, Confidence.HIGH),
            format("stripe-key", "Stripe test-mode key", "\\b((?:sk|rk)_test_[A-Za-z0-9]{20,})", 8, Confidence.LOW),
            format("google-api-key", "Google API key", "\\b(AIza[0-9A-Za-z_\\-]{35})(?![0-9A-Za-z_\\-])", 4, Confidence.HIGH),
            format("google-oauth-secret", "Google OAuth client secret", "\\b(GOCSPX-[A-Za-z0-9_\\-]{28})(?![A-Za-z0-9_\\-])", 7,
                    Confidence.HIGH),
            format("anthropic-key", "Anthropic API key", "\\b(sk-ant-[A-Za-z0-9_\\-]{32,})", 7, Confidence.HIGH),
            format("openai-key", "OpenAI API key", "\\b(sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_\\-]{20,})", 8, Confidence.HIGH),
            format("openai-key", "OpenAI-style API key", "\\b(sk-[A-Za-z0-9]{32,})(?![A-Za-z0-9_\\-])", 3, Confidence.HIGH),
            format("huggingface-token", "Hugging Face token", "\\b(hf_[A-Za-z0-9]{34,})\\b", 3, Confidence.HIGH),
            format("npm-token", "npm token", "\\b(npm_[A-Za-z0-9]{36})\\b", 4, Confidence.HIGH),
            format("pypi-token", "PyPI token", "\\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\\-]{50,})", 24, Confidence.HIGH),
            format("sendgrid-key", "SendGrid API key", "\\b(SG\\.[A-Za-z0-9_\\-]{22}\\.[A-Za-z0-9_\\-]{43})(?![A-Za-z0-9_\\-])", 3,
                    Confidence.HIGH),
            format("digitalocean-token", "DigitalOcean token", "\\b(do[opr]_v1_[a-f0-9]{64})\\b", 7, Confidence.HIGH),
            format("shopify-token", "Shopify token", "\\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\\b", 6, Confidence.HIGH),
            format("azure-storage-key", "Azure storage account key", "AccountKey=([A-Za-z0-9+/]{86}==)", 0, Confidence.HIGH));

    private static final Pattern AWS_SECRET = Pattern.compile(
            "(?i)(?:aws_?secret(?:_?access)?_?key|secret_?access_?key)[\"']?\\s*(?::=|=>|=|:)\\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])");
    private static final Pattern AWS_PAIR = Pattern.compile(
            "\\b(?:AKIA|ASIA)[A-Z0-9]{16}[\"']?\\s*[,:;|\\s]\\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])");
    private static final Pattern PEM = Pattern.compile("-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----");
    private static final Pattern PEM_BODY = Pattern.compile("^[A-Za-z0-9+/=]{40,}$");
    private static final Pattern JWT = Pattern.compile("\\b(eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{16,})");
    private static final Pattern URL_CREDENTIALS = Pattern.compile(
            "\\b([a-zA-Z][a-zA-Z0-9+.\\-]{1,15})://([^\\s:/?#@\"'<>\\[\\]]{0,64}):([^\\s/?#@\"'<>]{1,128})@([A-Za-z0-9._\\-]+|\\[[0-9a-fA-F:]+\\])");
    private static final Pattern NPMRC = Pattern.compile("_auth(?:Token)?\\s*=\\s*[\"']?([^\\s\"']{12,})");
    private static final Pattern BASIC_AUTH = Pattern.compile("(?i)\\bauthorization[\"']?\\s*[:=]\\s*[\"']?basic\\s+([A-Za-z0-9+/]{8,}={0,2})");
    private static final Pattern BEARER = Pattern.compile("(?i)\\bauthorization[\"']?\\s*[:=]\\s*[\"']?bearer\\s+([A-Za-z0-9._~+/\\-]{20,}=*)");
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "([\"'`]?)([A-Za-z_$@][A-Za-z0-9_.\\-]{0,80})\\1\\s*(?::=|=>|=|:)\\s*(?:[rbuf]{0,2}(?=[\"'`]))?");
    private static final Pattern QUOTED = Pattern.compile("([\"'`])([A-Za-z0-9+/=_\\-]{32,})\\1");
    private static final Pattern STRONG_KEY = Pattern.compile(
            "secret|token|passw(?:or)?d|passphrase|pwd|api_?key|apikey|credential|private_?key|access_?key|auth_?key|signing_?key|"
                    + "encryption_?key|master_?key|client_?secret|session_?key|bearer");
    private static final Pattern NOT_SECRET_KEY = Pattern.compile(
            "(?:^|_)(?:id|ids|name|names|type|types|url|uri|path|file|filename|hash|sha\\d*|digest|checksum|length|len|count|size|field|"
                    + "header|prefix|suffix|env|var|ttl|expiry|expires|expiration|timeout|format|algorithm|alg|kind|mode|policy|endpoint|"
                    + "limit|version|label|ref|regex|pattern|template|placeholder|hint|example|min|max|location|dir|store|provider|source|"
                    + "enabled|required|length|rotation|strategy|scope|scopes|method|usage|param|key_id|keyid)$"
                    + "|^(?:public_?key|pubkey|key|keys|primary_?key|foreign_?key|sort_?key|partition_?key|cache_?key|idempotency_?key|"
                    + "lookup_?key|map_?key|hot_?key|i18n_?key|translation_?key|next_?token|page_?token|continuation_?token|csrf_?token_?name)$");

    /** Per line: runs every detector, remembering which spans are claimed. */
    private final class LineScan {
        private final String path;
        private final List<Diff.Line> lines;
        private final int index;
        private final String text;
        private final boolean lockfile;
        private final List<Finding> out;
        private final List<int[]> claimed = new ArrayList<>();

        LineScan(String path, List<Diff.Line> lines, int index, String text, boolean lockfile, List<Finding> out) {
            this.path = path;
            this.lines = lines;
            this.index = index;
            this.text = text;
            this.lockfile = lockfile;
            this.out = out;
        }

        void run() {
            if (text.isBlank()) return;
            for (Format f : FORMATS) {
                Matcher m = f.pattern().matcher(text);
                while (m.find()) {
                    String token = m.group(1);
                    String body = token.substring(Math.min(f.prefix(), token.length()));
                    if (Placeholders.fake(body) || Placeholders.lowEntropyBody(body)) continue;
                    if (f.kind().equals("slack-token") && body.length() < 20) continue;
                    report(f.kind(), f.label(), m.start(1), m.end(1), f.confidence(), redact(token));
                }
            }
            awsSecret(AWS_SECRET);
            awsSecret(AWS_PAIR);
            privateKey();
            jwt();
            urlCredentials();
            npmrc();
            authorization();
            if (!lockfile) {
                assignments();
                if (entropyStrings) quotedStrings();
            }
        }

        private void awsSecret(Pattern p) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                String s = m.group(1);
                if (Placeholders.fake(s) || Entropy.shannon(s) < 3.5 || Entropy.classes(s) < 2) continue;
                report("aws-secret-access-key", "AWS secret access key", m.start(1), m.end(1), Confidence.HIGH, redact(s));
            }
        }

        private void privateKey() {
            Matcher m = PEM.matcher(text);
            while (m.find()) {
                if (pemBodyFollows(m.end())) {
                    report("private-key", (m.group(1).isEmpty() ? "" : m.group(1)) + "private key block", m.start(), m.end(),
                            Confidence.HIGH, m.group());
                }
            }
        }

        /** The header is a key only with base64 after it: on the same line behind an escaped newline, or on the next lines. */
        private boolean pemBodyFollows(int end) {
            String rest = text.substring(end);
            for (String part : rest.split("\\\\n|\\\\r")) {
                String t = cleanPemLine(part);
                if (t.isEmpty() || t.contains(":")) continue;
                return PEM_BODY.matcher(t).matches();
            }
            for (int j = index + 1; j < lines.size() && j <= index + 4; j++) {
                String t = cleanPemLine(lines.get(j).text());
                if (t.isEmpty() || t.contains(":")) continue; // Proc-Type / DEK-Info headers of encrypted PEM
                return PEM_BODY.matcher(t).matches();
            }
            return false;
        }

        private String cleanPemLine(String s) {
            String t = s.strip();
            t = t.replaceAll("^[\"'+]+|[\"',;+]+$", "").strip();
            if (t.endsWith("\\n")) t = t.substring(0, t.length() - 2);
            return t.strip();
        }

        private void jwt() {
            Matcher m = JWT.matcher(text);
            while (m.find()) {
                String[] parts = m.group(1).split("\\.");
                String header = decodeUtf8(parts[0], true);
                String payload = decodeUtf8(parts[1], true);
                if (header == null || payload == null) continue;
                if (!header.strip().startsWith("{") || !(header.contains("\"alg\"") || header.contains("\"typ\""))) continue;
                if (!payload.strip().startsWith("{")) continue;
                report("jwt", "JSON Web Token", m.start(1), m.end(1), Confidence.HIGH, redact(m.group(1)));
            }
        }

        private void urlCredentials() {
            Matcher m = URL_CREDENTIALS.matcher(text);
            while (m.find()) {
                String user = m.group(2);
                String password = m.group(3);
                String host = m.group(4).toLowerCase(Locale.ROOT);
                if (password.length() < 3 || password.equals(user) || isPlaceholderPassword(password)) continue;
                if (isLocalOrExampleHost(host)) continue;
                report("password-in-url", "password in a URL", m.start(3), m.end(3), Confidence.HIGH,
                        m.group(1) + "://" + user + ":****@" + m.group(4));
            }
        }

        private void npmrc() {
            Matcher m = NPMRC.matcher(text);
            while (m.find()) {
                String s = m.group(1);
                if (Placeholders.fake(s) || Entropy.shannon(s) < 3.0) continue;
                report("npm-token", "npm auth token", m.start(1), m.end(1), Confidence.HIGH, redact(s));
            }
        }

        private void authorization() {
            Matcher m = BASIC_AUTH.matcher(text);
            while (m.find()) {
                String decoded = decodeUtf8(m.group(1), false);
                if (decoded == null || !decoded.contains(":")) continue;
                String password = decoded.substring(decoded.indexOf(':') + 1);
                if (password.isEmpty() || isPlaceholderPassword(password)) continue;
                report("basic-auth", "HTTP Basic credentials", m.start(1), m.end(1), Confidence.HIGH, redact(m.group(1)));
            }
            m = BEARER.matcher(text);
            while (m.find()) {
                String s = m.group(1);
                if (Placeholders.fake(s) || Entropy.shannon(s) < 3.5) continue;
                report("bearer-token", "bearer token", m.start(1), m.end(1), Confidence.HIGH, redact(s));
            }
        }

        private void assignments() {
            Matcher m = ASSIGNMENT.matcher(text);
            int from = 0;
            while (from < text.length() && m.find(from)) {
                from = m.end() > m.start() ? m.end() : m.start() + 1;
                String key = normalizeKey(m.group(2));
                if (key.contains("://") || text.startsWith("//", m.end())) continue;
                boolean strong = STRONG_KEY.matcher(key).find();
                boolean weak = !strong && (key.endsWith("_key") || key.endsWith("key") && key.length() > 3);
                if (!strong && !weak) continue;
                if (NOT_SECRET_KEY.matcher(key).find()) continue;
                int[] span = value(m.end());
                if (span == null) continue;
                String v = text.substring(span[0], span[1]);
                boolean quoted = span[2] == 1;
                Confidence c = judgeValue(v, quoted, strong);
                if (c == null) continue;
                report("generic-secret", "secret assigned to '" + m.group(2) + "'", span[0], span[1], c, redact(v));
                from = Math.max(from, span[1]);
            }
        }

        /** The value after an assignment: a quoted literal or a bare token; {start, end, quoted?1:0}. */
        private int[] value(int at) {
            if (at >= text.length()) return null;
            char q = text.charAt(at);
            if (q == '"' || q == '\'' || q == '`') {
                int i = at + 1;
                while (i < text.length() && text.charAt(i) != q) {
                    if (text.charAt(i) == '\\') i++;
                    i++;
                }
                if (i > text.length()) i = text.length();
                return new int[] {at + 1, Math.min(i, text.length()), 1};
            }
            int i = at;
            while (i < text.length() && " \t,;)}]".indexOf(text.charAt(i)) < 0) i++;
            return i == at ? null : new int[] {at, i, 0};
        }

        private Confidence judgeValue(String v, boolean quoted, boolean strongKey) {
            if (v.length() < 8) return null;
            if (Placeholders.fake(v) || isPlaceholderPassword(v)) return null;
            if (v.contains("://") || v.startsWith("/") || v.startsWith("./") || v.startsWith("../") || v.startsWith("~/")) return null;
            if (v.matches("[A-Za-z0-9_./-]+\\.[a-z]{1,5}") && v.contains("/")) return null; // a file path
            if (!quoted) {
                // code, not a literal: settings.KEY, var.db_password, foo.bar(), lookups, YAML anchors and aliases
                if (v.matches("[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)+(?:\\(.*)?")) return null;
                if (v.contains("(") || v.contains("[") || v.startsWith("@") || v.matches("[*&][A-Za-z_][A-Za-z0-9_-]*")) return null;
            }
            if (v.matches("[a-z]+(?:[-_ .][a-z]+)*")) return null; // plain words: a name, not a secret
            if (v.matches("(?i)true|false|null|none|nil|undefined")) return null;
            if (v.matches("[A-Z][A-Z0-9_]*") && v.contains("_")) return null; // an environment variable's name
            if (v.matches("\\$2[aby]?\\$\\d\\d\\$.*") || v.matches("\\$(?:argon2|pbkdf2|scrypt|6|5|1)\\$.*")) return null; // a hash
            if (v.matches("(?i)(?:sha(?:1|224|256|384|512)|md5)[-:].*")) return null;
            double h = Entropy.shannon(v);
            int classes = Entropy.classes(v);
            if (strongKey) {
                if (v.length() >= 16 && h >= 3.5 && classes >= 2) return Confidence.HIGH;
                if (quoted && (h >= 2.5 || classes >= 2)) return Confidence.LOW;
                if (!quoted && h >= 3.0 && classes >= 2) return Confidence.LOW;
                return null;
            }
            if (v.length() >= 20 && h >= 3.7 && classes >= 2) return Confidence.HIGH;
            return null;
        }

        private void quotedStrings() {
            Matcher m = QUOTED.matcher(text);
            while (m.find()) {
                String s = m.group(2);
                if (!(Entropy.hasLower(s) && Entropy.hasUpper(s) && Entropy.hasDigit(s))) continue;
                if (s.matches("(?i)(?:sha(?:1|224|256|384|512)|md5)[-_].*")) continue;
                int before = m.start();
                if (before >= 5 && text.substring(Math.max(0, before - 12), before).matches("(?s).*(?:base64,|sha\\d{1,3}[-:]|h1:)$")) continue;
                if (Placeholders.fake(s)) continue;
                if (Entropy.shannon(s) < 4.3) continue;
                if (decodesToText(s)) continue;
                report("high-entropy-string", "random-looking string", m.start(2), m.end(2), Confidence.LOW, redact(s));
            }
        }

        private void report(String kind, String label, int start, int end, Confidence c, String redacted) {
            for (int[] span : claimed) {
                if (start < span[1] && end > span[0]) return;
            }
            claimed.add(new int[] {start, end});
            out.add(new Finding(kind, label, path, lines.get(index).number(), c, redacted));
        }
    }

    private static String normalizeKey(String key) {
        String k = key.replaceAll("^[$@]+", "");
        k = k.replaceAll("([a-z0-9])([A-Z])", "$1_$2");
        return k.toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    private static boolean isPlaceholderPassword(String p) {
        String l = p.toLowerCase(Locale.ROOT);
        return Placeholders.fake(p)
                || l.matches("pass|passwd|password|pwd|secret|pw|p@ssw0rd|user|username|admin|root|guest|anonymous|token|apikey|api_key")
                || l.matches("\\*+|x+|\\.+|_+|-+|#+")
                || p.matches("\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?.*") || p.matches("%[A-Za-z_]+%");
    }

    private static boolean isLocalOrExampleHost(String host) {
        String h = host.replaceAll(":\\d+$", "");
        return h.equals("localhost") || h.startsWith("127.") || h.equals("0.0.0.0") || h.equals("[::1]") || h.equals("host")
                || h.equals("example.com") || h.equals("example.org") || h.equals("example.net")
                || h.endsWith(".example.com") || h.endsWith(".example.org") || h.endsWith(".example")
                || h.endsWith(".test") || h.endsWith(".invalid") || h.endsWith(".localhost") || h.endsWith(".local");
    }

    /** Base64 (or base64url) of ordinary text is not a secret: it decodes to printable words. */
    static boolean decodesToText(String s) {
        String text = decodeUtf8(s, s.contains("-") || s.contains("_"));
        if (text == null || text.length() < 8) return false;
        long printable = text.chars().filter(c -> c >= 0x20 && c < 0x7f || c == '\n' || c == '\t' || c >= 0xa0).count();
        long letters = text.chars().filter(Character::isLetter).count();
        return printable >= text.length() * 0.95 && letters >= text.length() * 0.5;
    }

    static String decodeUtf8(String s, boolean url) {
        try {
            String padded = s.replace("=", "");
            byte[] bytes = (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(padded);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return null;
        }
    }

    /** Enough of a secret to find it again, never enough to use it. */
    static String redact(String secret) {
        int show = Math.min(4, secret.length() / 4);
        return secret.substring(0, show) + "…[" + secret.length() + " chars]";
    }
}
