package dev.r1.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.pipeline.git.Git;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WorktreeToolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "sk-test-0123456789abcdef";

    Path outside;
    Path wt;
    WorktreeTools tools;

    @BeforeEach
    void worktree(@TempDir Path tmp) throws Exception {
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "top secret\n");
        wt = Files.createDirectories(tmp.resolve("wt"));
        Files.writeString(wt.resolve("README.md"), "# Demo\nline one\nline two\nline three\n");
        Files.createDirectories(wt.resolve("src/main"));
        Files.writeString(wt.resolve("src/main/App.java"), "class App {\n  // TODO one\n  // TODO two\n}\n");
        Files.writeString(wt.resolve("src/util.txt"), "alpha\nBeta\ngamma\n");
        Files.createSymbolicLink(wt.resolve("escape"), outside);
        Files.createSymbolicLink(wt.resolve("sneaky"), Path.of("../outside"));
        Files.createSymbolicLink(wt.resolve("secret-link.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(wt.resolve("inner"), Path.of("README.md"));
        Git.out(wt, "init", "-q", "-b", "main");
        Git.out(wt, "add", "-A");
        Git.run(wt, Git.commitEnv(true, 1), java.time.Duration.ofMinutes(1), "commit", "-q", "-m", "seed");
        tools = new WorktreeTools(wt, Map.of("R1_TASK", "t-1"),
                Map.of("PATH", System.getenv("PATH"), "HOME", tmp.toString(), "OPENAI_API_KEY", SECRET, "AWS_SECRET_ACCESS_KEY", SECRET,
                        "LANG", "C.UTF-8"));
    }

    private static ObjectNode in(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String text(WorktreeTools.Call c) {
        return new String(c.result(), StandardCharsets.UTF_8);
    }

    /** Every tool, every way out: all refused, recorded with exit 126 and a reason, never followed. */
    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of("read_file", "{\"path\":\"../outside/secret.txt\"}", "'..'"),
                Arguments.of("read_file", "{\"path\":\"/etc/passwd\"}", "absolute"),
                Arguments.of("read_file", "{\"path\":\"escape/secret.txt\"}", "symbolic link escape"),
                Arguments.of("read_file", "{\"path\":\"secret-link.txt\"}", "symbolic link secret-link.txt"),
                Arguments.of("read_file", "{\"path\":\".git/config\"}", ".git"),
                Arguments.of("write_file", "{\"path\":\"sneaky/pwned.txt\",\"content\":\"x\"}", "symbolic link sneaky"),
                Arguments.of("write_file", "{\"path\":\"src/../../x.txt\",\"content\":\"x\"}", "'..'"),
                Arguments.of("write_file", "{\"path\":\"/tmp/r1-pwned.txt\",\"content\":\"x\"}", "absolute"),
                Arguments.of("write_file", "{\"path\":\".git/hooks/pre-commit\",\"content\":\"x\"}", ".git"),
                Arguments.of("edit_file", "{\"path\":\"escape/secret.txt\",\"old\":\"top\",\"new\":\"no\"}", "symbolic link escape"),
                Arguments.of("edit_file", "{\"path\":\"../outside/secret.txt\",\"old\":\"top\",\"new\":\"no\"}", "'..'"),
                Arguments.of("list_dir", "{\"path\":\"..\"}", "'..'"),
                Arguments.of("list_dir", "{\"path\":\"escape\"}", "symbolic link escape"),
                Arguments.of("list_dir", "{\"path\":\"/\"}", "absolute"),
                Arguments.of("glob", "{\"pattern\":\"../**\"}", "'..'"),
                Arguments.of("glob", "{\"pattern\":\"/etc/*\"}", "absolute"),
                Arguments.of("glob", "{\"pattern\":\"*.txt\",\"path\":\"sneaky\"}", "symbolic link sneaky"),
                Arguments.of("grep", "{\"pattern\":\"secret\",\"path\":\"../outside\"}", "'..'"),
                Arguments.of("grep", "{\"pattern\":\"secret\",\"path\":\"escape\"}", "symbolic link escape"),
                Arguments.of("grep", "{\"pattern\":\"secret\",\"path\":\"/etc\"}", "absolute"),
                Arguments.of("grep", "{\"pattern\":\"secret\",\"glob\":\"../*\"}", "'..'"),
                Arguments.of("bash", "{\"command\":\"cat secret.txt\",\"cwd\":\"escape\"}", "symbolic link escape"),
                Arguments.of("bash", "{\"command\":\"ls\",\"cwd\":\"..\"}", "'..'"),
                Arguments.of("bash", "{\"command\":\"ls\",\"cwd\":\"/tmp\"}", "absolute"),
                Arguments.of("git_diff", "{\"paths\":[\"../outside\"]}", "'..'"),
                Arguments.of("git_diff", "{\"paths\":[\"/etc/passwd\"]}", "absolute"),
                Arguments.of("git_diff", "{\"paths\":[\"escape/secret.txt\"]}", "symbolic link escape"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("escapes")
    void pathsOutsideTheWorktreeAreRefusedInEveryTool(String tool, String input, String reason) throws Exception {
        WorktreeTools.Call c = tools.call(tool, in(input));
        assertThat(c.exitCode()).isEqualTo(WorktreeTools.REFUSED);
        assertThat(c.detail()).startsWith("refused: ").contains(reason).doesNotContain(outside.toString()).doesNotContain(wt.toString());
        assertThat(text(c)).isEqualTo(c.detail()).doesNotContain("top secret");
        // Nothing outside changed or appeared.
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("top secret\n");
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
        }
        assertThat(Path.of("/tmp/r1-pwned.txt")).doesNotExist();
        assertThat(wt.getParent().resolve("x.txt")).doesNotExist();
    }

    @Test
    void walksNeverFollowALinkOutNorShowGit() {
        String listed = text(tools.call("list_dir", in("{}")));
        assertThat(listed).isEqualTo("README.md\ninner@\nsrc/\n");
        String globbed = text(tools.call("glob", in("{\"pattern\":\"**\"}")));
        assertThat(globbed).isEqualTo("README.md\ninner\nsrc/main/App.java\nsrc/util.txt\n");
        WorktreeTools.Call grep = tools.call("grep", in("{\"pattern\":\"secret\"}"));
        assertThat(grep.exitCode()).isZero();
        assertThat(text(grep)).isEmpty();
    }

    @Test
    void readTakesLinesByOffsetAndLimit() {
        WorktreeTools.Call c = tools.call("read_file", in("{\"path\":\"./README.md\",\"offset\":1,\"limit\":2}"));
        assertThat(c.label()).isEqualTo("read");
        assertThat(c.exitCode()).isZero();
        assertThat(text(c)).isEqualTo("line one\nline two\n");
        assertThat(c.args().toString()).isEqualTo("{\"path\":\"README.md\",\"offset\":1,\"limit\":2}");
        assertThat(tools.call("read_file", in("{\"path\":\"inner\",\"offset\":3}")).result()).asString(StandardCharsets.UTF_8).isEqualTo("line three\n");
        assertThat(tools.call("read_file", in("{\"path\":\"nope.txt\"}")).exitCode()).isEqualTo(WorktreeTools.FAILED);
        WorktreeTools.Call bad = tools.call("read_file", in("{\"offset\":1}"));
        assertThat(bad.exitCode()).isEqualTo(WorktreeTools.FAILED);
        assertThat(bad.detail()).contains("'path' is required");
    }

    @Test
    void writeRecordsTheContentByHashNeverInline() throws Exception {
        WorktreeTools.Call c = tools.call("write_file", in("{\"path\":\"new/dir/file.txt\",\"content\":\"hello\\n\"}"));
        assertThat(c.exitCode()).isZero();
        assertThat(Files.readString(wt.resolve("new/dir/file.txt"))).isEqualTo("hello\n");
        assertThat(c.args().fieldNames()).toIterable().containsExactly("path", "content_sha256", "content_bytes");
        assertThat(c.args().toString()).doesNotContain("hello");
    }

    @Test
    void editReplacesExactlyOneOccurrenceAndSaysWhyNot() throws Exception {
        WorktreeTools.Call none = tools.call("edit_file", in("{\"path\":\"src/main/App.java\",\"old\":\"FIXME\",\"new\":\"x\"}"));
        assertThat(none.exitCode()).isEqualTo(WorktreeTools.FAILED);
        assertThat(none.detail()).contains("not in src/main/App.java");
        WorktreeTools.Call several = tools.call("edit_file", in("{\"path\":\"src/main/App.java\",\"old\":\"TODO\",\"new\":\"DONE\"}"));
        assertThat(several.exitCode()).isEqualTo(WorktreeTools.FAILED);
        assertThat(several.detail()).contains("occurs 2 times").contains("unique");
        WorktreeTools.Call empty = tools.call("edit_file", in("{\"path\":\"src/main/App.java\",\"old\":\"\",\"new\":\"x\"}"));
        assertThat(empty.exitCode()).isEqualTo(WorktreeTools.FAILED);
        assertThat(Files.readString(wt.resolve("src/main/App.java"))).contains("TODO one").contains("TODO two");
        WorktreeTools.Call one = tools.call("edit_file", in("{\"path\":\"src/main/App.java\",\"old\":\"TODO one\",\"new\":\"DONE one\"}"));
        assertThat(one.exitCode()).isZero();
        assertThat(Files.readString(wt.resolve("src/main/App.java"))).contains("DONE one").contains("TODO two");
    }

    @Test
    void grepAndGlobFindWhatIsInside() {
        WorktreeTools.Call g = tools.call("grep", in("{\"pattern\":\"beta\",\"ignore_case\":true}"));
        assertThat(text(g)).isEqualTo("src/util.txt:2:Beta\n");
        WorktreeTools.Call todo = tools.call("grep", in("{\"pattern\":\"TODO \\\\w+\",\"path\":\"src\",\"glob\":\"**/*.java\",\"max_results\":1}"));
        assertThat(text(todo)).isEqualTo("src/main/App.java:2:  // TODO one\n");
        assertThat(todo.detail()).contains("stopped at max_results");
        assertThat(tools.call("grep", in("{\"pattern\":\"(\"}")).exitCode()).isEqualTo(WorktreeTools.FAILED);
        assertThat(text(tools.call("glob", in("{\"pattern\":\"src/**/*.java\"}")))).isEqualTo("src/main/App.java\n");
        assertThat(text(tools.call("list_dir", in("{\"path\":\"src\"}")))).isEqualTo("main/\nutil.txt\n");
    }

    @Test
    void bashRunsWithAScrubbedEnvironment() {
        WorktreeTools.Call c = tools.call("bash", in("{\"command\":\"env | sort; pwd\"}"));
        assertThat(c.exitCode()).isZero();
        String out = text(c);
        assertThat(out).doesNotContain(SECRET).doesNotContain("OPENAI_API_KEY").doesNotContain("AWS_SECRET");
        assertThat(out).contains("R1_TASK=t-1").contains("LANG=C.UTF-8").contains("PATH=");
        assertThat(tools.environment().keySet()).allMatch(k -> WorktreeTools.PASSED_ENV.contains(k) || k.startsWith("R1_"));
        WorktreeTools.Call sub = tools.call("bash", in("{\"command\":\"pwd\",\"cwd\":\"src/main\"}"));
        assertThat(text(sub).strip()).endsWith("src/main");
        assertThat(sub.args().get("cwd").textValue()).isEqualTo("src/main");
    }

    @Test
    void bashIsKilledWithItsChildrenOnTimeoutAndItsOutputIsCapped() throws Exception {
        long started = System.nanoTime();
        WorktreeTools.Call c = tools.call("bash", in("{\"command\":\"(sleep 60; touch late.txt) & sleep 60\",\"timeout_seconds\":1}"));
        assertThat((System.nanoTime() - started) / 1_000_000_000).isLessThan(15);
        assertThat(c.exitCode()).isEqualTo(124);
        assertThat(c.detail()).contains("timed out");
        Thread.sleep(200);
        assertThat(wt.resolve("late.txt")).doesNotExist();
        WorktreeTools.Call big = tools.call("bash", in("{\"command\":\"head -c 3000000 /dev/zero | tr '\\\\0' a\"}"));
        assertThat(big.result().length).isLessThan(WorktreeTools.RUN_OUTPUT_CAP + 200);
        assertThat(text(big)).contains("bytes of output omitted");
        assertThat(tools.call("bash", in("{\"command\":\"exit 7\"}")).exitCode()).isEqualTo(7);
        assertThat(tools.call("bash", in("{\"command\":\"true\",\"timeout_seconds\":99999}")).exitCode()).isEqualTo(WorktreeTools.FAILED);
    }

    @Test
    void gitDiffShowsChangesNewFilesIncluded() throws Exception {
        assertThat(tools.call("git_diff", in("{}")).detail()).isEqualTo("no changes");
        tools.call("edit_file", in("{\"path\":\"README.md\",\"old\":\"line one\",\"new\":\"line 1\"}"));
        tools.call("write_file", in("{\"path\":\"added.txt\",\"content\":\"new\\n\"}"));
        WorktreeTools.Call d = tools.call("git_diff", in("{}"));
        assertThat(d.label()).isEqualTo("diff");
        assertThat(text(d)).contains("-line one").contains("+line 1").contains("+++ b/added.txt").doesNotContain(wt.toString());
        WorktreeTools.Call only = tools.call("git_diff", in("{\"paths\":[\"added.txt\"]}"));
        assertThat(text(only)).contains("added.txt").doesNotContain("README.md");
    }

    @Test
    void unknownToolsAndBadInputFailWithAReason() {
        WorktreeTools.Call c = tools.call("rm_rf", in("{\"path\":\"/\"}"));
        assertThat(c.exitCode()).isEqualTo(WorktreeTools.FAILED);
        assertThat(c.detail()).contains("unknown tool rm_rf");
        WorktreeTools.Call bad = tools.call("write_file", in("{\"path\":3,\"content\":\"" + "x".repeat(5000) + "\"}"));
        assertThat(bad.exitCode()).isEqualTo(WorktreeTools.FAILED);
        assertThat(bad.args().has("content")).isFalse();
        assertThat(bad.args().get("content_bytes").intValue()).isEqualTo(5000);
        assertThat(List.of(tools.call("read", in("{\"path\":\"README.md\"}")).exitCode())).containsExactly(0L);
    }
}
