package dev.r1.gates;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A change as gates see it: the files it touches with their added and removed line counts,
 * the added lines themselves (what the secrets gate scans), and the unified diff text when
 * there is one. Build it from {@code git diff} output with {@link #parse}, from a single
 * write with {@link #ofWrite}, or from counts alone with {@link #of}.
 */
public record Diff(String text, List<FileChange> files) {
    public static final Diff EMPTY = new Diff("", List.of());

    public Diff {
        Objects.requireNonNull(text, "text");
        files = List.copyOf(files);
    }

    public enum Status { ADDED, MODIFIED, DELETED, RENAMED }

    /** One added line: its number in the new file (1-based) and its text without the leading '+'. */
    public record Line(int number, String text) {}

    /**
     * One file of the change. {@code path} is the path after the change (before it, for a
     * deletion); {@code oldPath} differs from it only for renames.
     */
    public record FileChange(String path, String oldPath, Status status, int added, int removed, List<Line> addedLines) {
        public FileChange {
            Objects.requireNonNull(path, "path");
            oldPath = oldPath == null ? path : oldPath;
            Objects.requireNonNull(status, "status");
            if (added < 0 || removed < 0) throw new IllegalArgumentException("line counts are not negative");
            addedLines = List.copyOf(addedLines);
        }

        public static FileChange counts(String path, Status status, int added, int removed) {
            return new FileChange(path, path, status, added, removed, List.of());
        }
    }

    /** Every path the change touches (both ends of a rename), in diff order. */
    public List<String> paths() {
        Set<String> out = new LinkedHashSet<>();
        for (FileChange f : files) {
            if (f.status() == Status.RENAMED) out.add(f.oldPath());
            out.add(f.path());
        }
        return List.copyOf(out);
    }

    public int added() {
        return files.stream().mapToInt(FileChange::added).sum();
    }

    public int removed() {
        return files.stream().mapToInt(FileChange::removed).sum();
    }

    /** Added plus removed lines. */
    public int changed() {
        return added() + removed();
    }

    public boolean isEmpty() {
        return files.isEmpty();
    }

    public static Diff of(List<FileChange> files) {
        return new Diff("", files);
    }

    /** A whole-file write: every line of the content counts as added. */
    public static Diff ofWrite(String path, String content) {
        List<Line> lines = new ArrayList<>();
        String[] split = content.split("\n", -1);
        int n = content.endsWith("\n") ? split.length - 1 : split.length;
        for (int i = 0; i < n; i++) lines.add(new Line(i + 1, stripCr(split[i])));
        return new Diff("", List.of(new FileChange(path, path, Status.MODIFIED, lines.size(), 0, lines)));
    }

    /**
     * Parses {@code git diff} output (or any unified diff). Lines outside hunks that are not
     * headers are ignored, so a diff with a commit message in front of it parses too.
     */
    public static Diff parse(String unified) {
        Objects.requireNonNull(unified, "unified");
        List<FileChange> files = new ArrayList<>();
        Builder cur = null;
        int oldLeft = 0;
        int newLeft = 0;
        int newLine = 0;
        String[] lines = unified.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            if ((oldLeft > 0 || newLeft > 0) && line.startsWith("diff --git ")) {
                oldLeft = 0; // a hunk shorter than its header said: the next file starts here
                newLeft = 0;
            }
            if (oldLeft > 0 || newLeft > 0) {
                char c = line.isEmpty() ? ' ' : line.charAt(0);
                switch (c) {
                    case '+' -> {
                        cur.addedLines.add(new Line(newLine++, line.substring(1)));
                        cur.added++;
                        newLeft--;
                    }
                    case '-' -> {
                        cur.removed++;
                        oldLeft--;
                    }
                    case '\\' -> { /* "\ No newline at end of file" */ }
                    default -> {
                        oldLeft--;
                        newLeft--;
                        newLine++;
                    }
                }
                continue;
            }
            if (line.startsWith("diff --git ")) {
                if (cur != null) files.add(cur.build());
                cur = new Builder();
                String[] ab = splitGitHeader(line.substring("diff --git ".length()));
                if (ab != null) {
                    cur.oldPath = ab[0];
                    cur.newPath = ab[1];
                }
            } else if (line.startsWith("--- ") && i + 1 < lines.length && stripCr(lines[i + 1]).startsWith("+++ ")) {
                if (cur == null || cur.sawHunk) {
                    if (cur != null) files.add(cur.build());
                    cur = new Builder();
                }
                String a = headerPath(line.substring(4));
                String b = headerPath(stripCr(lines[i + 1]).substring(4));
                if (a == null) cur.status = Status.ADDED;
                else cur.oldPath = a;
                if (b == null) cur.status = Status.DELETED;
                else cur.newPath = b;
                i++;
            } else if (cur != null && line.startsWith("new file mode")) {
                cur.status = Status.ADDED;
            } else if (cur != null && line.startsWith("deleted file mode")) {
                cur.status = Status.DELETED;
            } else if (cur != null && line.startsWith("rename from ")) {
                cur.oldPath = unquote(line.substring("rename from ".length()));
                cur.renamed = true;
            } else if (cur != null && line.startsWith("rename to ")) {
                cur.newPath = unquote(line.substring("rename to ".length()));
                cur.renamed = true;
            } else if (cur != null && line.startsWith("@@ ")) {
                int[] h = hunkHeader(line);
                if (h != null) {
                    cur.sawHunk = true;
                    oldLeft = h[0];
                    newLine = h[1];
                    newLeft = h[2];
                }
            }
        }
        if (cur != null) files.add(cur.build());
        return new Diff(unified, files);
    }

    private static final class Builder {
        String oldPath;
        String newPath;
        Status status = Status.MODIFIED;
        boolean renamed;
        boolean sawHunk;
        int added;
        int removed;
        final List<Line> addedLines = new ArrayList<>();

        FileChange build() {
            Status s = renamed && status == Status.MODIFIED ? Status.RENAMED : status;
            String path = s == Status.DELETED ? (oldPath != null ? oldPath : newPath) : (newPath != null ? newPath : oldPath);
            if (path == null) path = "";
            String old = s == Status.ADDED ? path : (oldPath != null ? oldPath : path);
            return new FileChange(path, old, s, added, removed, addedLines);
        }
    }

    /** "-12,5 +14,7" → {oldCount, newStart, newCount}. */
    private static int[] hunkHeader(String line) {
        int end = line.indexOf(" @@", 3);
        if (end < 0) return null;
        String[] parts = line.substring(3, end).trim().split(" ");
        if (parts.length != 2 || !parts[0].startsWith("-") || !parts[1].startsWith("+")) return null;
        try {
            int[] o = range(parts[0].substring(1));
            int[] n = range(parts[1].substring(1));
            return new int[] {o[1], n[0], n[1]};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int[] range(String s) {
        int comma = s.indexOf(',');
        if (comma < 0) return new int[] {Integer.parseInt(s), 1};
        return new int[] {Integer.parseInt(s.substring(0, comma)), Integer.parseInt(s.substring(comma + 1))};
    }

    private static String headerPath(String s) {
        int tab = s.indexOf('\t');
        if (tab >= 0) s = s.substring(0, tab);
        s = unquote(s.strip());
        if (s.equals("/dev/null")) return null;
        if (s.startsWith("a/") || s.startsWith("b/")) return s.substring(2);
        return s;
    }

    private static String[] splitGitHeader(String s) {
        if (s.startsWith("\"")) {
            int close = closingQuote(s, 0);
            if (close < 0) return null;
            String a = unquote(s.substring(0, close + 1));
            String b = unquote(s.substring(close + 1).strip());
            return new String[] {dropPrefix(a), dropPrefix(b)};
        }
        int mid = s.indexOf(" b/");
        if (!s.startsWith("a/") || mid < 0) return null;
        return new String[] {s.substring(2, mid), unquote(s.substring(mid + 1)).substring(2)};
    }

    private static String dropPrefix(String p) {
        return p.startsWith("a/") || p.startsWith("b/") ? p.substring(2) : p;
    }

    private static int closingQuote(String s, int open) {
        for (int i = open + 1; i < s.length(); i++) {
            if (s.charAt(i) == '\\') i++;
            else if (s.charAt(i) == '"') return i;
        }
        return -1;
    }

    /** git quotes paths with unusual characters C-style; decode the common escapes. */
    static String unquote(String s) {
        if (s.length() < 2 || !s.startsWith("\"") || !s.endsWith("\"")) return s;
        StringBuilder out = new StringBuilder();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        String body = s.substring(1, s.length() - 1);
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                char n = body.charAt(++i);
                if (n >= '0' && n <= '7' && i + 2 < body.length()) {
                    bytes.write(Integer.parseInt(body.substring(i, i + 3), 8));
                    i += 2;
                    continue;
                }
                flush(bytes, out);
                out.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                flush(bytes, out);
                out.append(c);
            }
        }
        flush(bytes, out);
        return out.toString();
    }

    private static void flush(java.io.ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() > 0) {
            out.append(bytes.toString(java.nio.charset.StandardCharsets.UTF_8));
            bytes.reset();
        }
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
