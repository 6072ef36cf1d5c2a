package dev.r1.pipeline.git;

/** A git command that failed, with the command and what git said. */
public final class GitException extends RuntimeException {
    public GitException(String message) {
        super(message);
    }

    GitException(String[] args, Subprocess.Result r) {
        super("git " + String.join(" ", args) + (r.timedOut() ? " timed out" : " exited " + r.exitCode())
                + firstLines(r.errorText().isBlank() ? r.text() : r.errorText()));
    }

    private static String firstLines(String s) {
        String t = s.strip();
        if (t.isEmpty()) return "";
        String[] lines = t.split("\n");
        StringBuilder b = new StringBuilder(": ");
        for (int i = 0; i < Math.min(5, lines.length); i++) {
            if (i > 0) b.append(" | ");
            b.append(lines[i].strip());
        }
        return b.toString();
    }
}
