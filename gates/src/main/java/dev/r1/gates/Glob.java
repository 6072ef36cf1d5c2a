package dev.r1.gates;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A path pattern over repository-relative paths with '/' separators: {@code *} matches within
 * one segment, {@code **} across segments ({@code **}{@code /} also matches no directory),
 * {@code ?} one character, {@code {a,b}} either; a pattern ending in '/' matches everything
 * under that directory. Patterns match the whole path: {@code *.md} is a top-level file,
 * {@code **}{@code /*.md} any.
 */
public final class Glob {
    private final String pattern;
    private final Pattern regex;

    private Glob(String pattern, Pattern regex) {
        this.pattern = pattern;
        this.regex = regex;
    }

    public static Glob of(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        String p = pattern.strip();
        if (p.startsWith("./")) p = p.substring(2);
        if (p.startsWith("/")) p = p.substring(1);
        if (p.endsWith("/")) p = p + "**";
        return new Glob(pattern, Pattern.compile(toRegex(p)));
    }

    public static List<Glob> all(List<String> patterns) {
        return patterns.stream().map(Glob::of).toList();
    }

    public static boolean anyMatches(List<Glob> globs, String path) {
        for (Glob g : globs) {
            if (g.matches(path)) return true;
        }
        return false;
    }

    public boolean matches(String path) {
        return regex.matcher(normalize(path)).matches();
    }

    public String pattern() {
        return pattern;
    }

    /** Strips "./" and a leading "/" so paths from different tools compare alike. */
    public static String normalize(String path) {
        String p = path.replace('\\', '/');
        while (p.startsWith("./")) p = p.substring(2);
        return p;
    }

    /** A path that is absolute or climbs out of the repository with "..". */
    public static boolean escapes(String path) {
        String p = path.replace('\\', '/');
        if (p.startsWith("/") || p.matches("^[A-Za-z]:/.*") || p.indexOf('\0') >= 0) return true;
        for (String seg : p.split("/")) {
            if (seg.equals("..")) return true;
        }
        return false;
    }

    private static String toRegex(String glob) {
        StringBuilder out = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        if (i + 2 < glob.length() && glob.charAt(i + 2) == '/') {
                            out.append("(?:.*/)?");
                            i += 2;
                        } else {
                            out.append(".*");
                            i += 1;
                        }
                    } else {
                        out.append("[^/]*");
                    }
                }
                case '?' -> out.append("[^/]");
                case '{' -> {
                    braces++;
                    out.append("(?:");
                }
                case '}' -> {
                    if (braces > 0) {
                        braces--;
                        out.append(')');
                    } else {
                        out.append("\\}");
                    }
                }
                case ',' -> out.append(braces > 0 ? "|" : ",");
                case '[' -> {
                    int close = glob.indexOf(']', i + 1);
                    if (close > i + 1) {
                        String cls = glob.substring(i + 1, close).replace("\\", "\\\\");
                        if (cls.startsWith("!")) cls = "^" + cls.substring(1);
                        out.append('[').append(cls).append(']');
                        i = close;
                    } else {
                        out.append("\\[");
                    }
                }
                default -> {
                    if ("\\.^$|()+".indexOf(c) >= 0) out.append('\\');
                    out.append(c);
                }
            }
        }
        while (braces-- > 0) out.append(')');
        return out.toString();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
