package dev.r1.pipeline.git;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code git} command line, run as a subprocess with settings that keep its behaviour
 * and output independent of the user's configuration where R1 records it: no hooks, no
 * background gc, no signing, C locale, no prompts.
 */
public final class Git {
    /** The identity of every commit R1 makes. */
    public static final String NAME = "R1";
    public static final String EMAIL = "r1@localhost";
    /**
     * Deterministic commit dates count from 2000-01-01T00:00:00Z, one second per millisecond of
     * the task's logical clock, so a re-run makes the same commits with the same hashes.
     */
    public static final long DETERMINISTIC_EPOCH_SECONDS = 946_684_800L;

    static final Duration LOCAL = Duration.ofMinutes(2);
    static final Duration REMOTE = Duration.ofMinutes(10);
    private static final int CAP = 16 * 1024 * 1024;

    /** Settings for R1's own clones only: git does not pass -c settings on to the origin's side of a push. */
    private static final List<String> OPTIONS = List.of(
            "-c", "core.hooksPath=/dev/null",
            "-c", "core.autocrlf=false",
            "-c", "core.quotePath=true",
            "-c", "core.fsmonitor=false",
            "-c", "gc.auto=0",
            "-c", "maintenance.auto=false",
            "-c", "commit.gpgsign=false",
            "-c", "tag.gpgsign=false",
            "-c", "advice.detachedHead=false",
            "-c", "init.defaultBranch=main");

    private static final Map<String, String> ENV = Map.of(
            "LC_ALL", "C",
            "LANG", "C",
            "GIT_TERMINAL_PROMPT", "0",
            "GIT_EDITOR", "true",
            "GIT_MERGE_AUTOEDIT", "no");

    private Git() {}

    /**
     * The environment of a commit: R1's identity and, in deterministic mode, dates derived
     * from the task clock; otherwise git takes the wall clock.
     */
    public static Map<String, String> commitEnv(boolean deterministic, long clockMillis) {
        Map<String, String> env = new HashMap<>();
        env.put("GIT_AUTHOR_NAME", NAME);
        env.put("GIT_AUTHOR_EMAIL", EMAIL);
        env.put("GIT_COMMITTER_NAME", NAME);
        env.put("GIT_COMMITTER_EMAIL", EMAIL);
        if (deterministic) {
            String date = "@" + (DETERMINISTIC_EPOCH_SECONDS + clockMillis) + " +0000";
            env.put("GIT_AUTHOR_DATE", date);
            env.put("GIT_COMMITTER_DATE", date);
        }
        return env;
    }

    /** Runs git in {@code dir}; a non-zero exit throws. Returns stdout without its trailing newline. */
    public static String out(Path dir, String... args) {
        return text(check(dir, run(dir, Map.of(), LOCAL, args), args));
    }

    /** Runs git in {@code dir} and returns its result whatever the exit code. */
    public static Subprocess.Result run(Path dir, Map<String, String> env, Duration timeout, String... args) {
        List<String> argv = new ArrayList<>(1 + OPTIONS.size() + args.length);
        argv.add("git");
        argv.addAll(OPTIONS);
        argv.addAll(List.of(args));
        Map<String, String> all = new HashMap<>(ENV);
        all.putAll(env);
        return Subprocess.run(argv, dir, all, timeout, CAP, false);
    }

    static Subprocess.Result check(Path dir, Subprocess.Result r, String... args) {
        if (!r.ok()) throw new GitException(args, r);
        return r;
    }

    static String text(Subprocess.Result r) {
        String s = r.text();
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
