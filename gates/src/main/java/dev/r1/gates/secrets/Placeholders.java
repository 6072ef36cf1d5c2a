package dev.r1.gates.secrets;

import java.util.Locale;
import java.util.regex.Pattern;

/** Values that stand in for a secret in docs, templates and examples, and are not one. */
final class Placeholders {
    /** Long words: a random token spells one of these by chance about never. */
    private static final Pattern LONG_WORDS = Pattern.compile(
            "example|sample|dummy|placeholder|redacted|changeme|change_me|replace_?me|insert_?here|not_?a_?real|notreal|"
                    + "lorem|ipsum|foobar|your_?(?:api|token|key|secret|password)|my_?(?:api|token|key|secret|password)|"
                    + "secret_?here|token_?here|key_?here");
    /** Short words count only with separators around them ("xoxb-your-token-here"). */
    private static final Pattern SHORT_WORDS = Pattern.compile(
            "(?:^|[^a-z0-9])(?:your|fake|test|here|todo|tbd|none|null|xxx|abc|demo|mock|stub|nope)(?:[^a-z0-9]|$)");
    private static final Pattern TEMPLATE = Pattern.compile(
            "\\$\\{|\\{\\{|\\}\\}|<[A-Za-z_ -]*>|^%(?:\\([A-Za-z_]+\\))?[sd]$|^%[A-Za-z_]+%$|\\$\\(|^\\$[A-Za-z_][A-Za-z0-9_]*$|process\\.env|os\\.environ|getenv|"
                    + "ENV\\[|System\\.getenv|\\bvar\\.|\\bsecrets\\.|\\benv\\.|^\\*+$|^\\.+$|…|\\.\\.\\.");

    private Placeholders() {}

    /** True when the whole value (or a token's random part) reads as a stand-in. */
    static boolean fake(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        return LONG_WORDS.matcher(lower).find()
                || SHORT_WORDS.matcher(lower).find()
                || TEMPLATE.matcher(value).find()
                || Entropy.hasRepeatedRun(value)
                || Entropy.hasSequentialRun(value);
    }

    /** A token's random part that is too regular to be random. */
    static boolean lowEntropyBody(String body) {
        return body.length() >= 16 && Entropy.shannon(body) < 3.0;
    }
}
