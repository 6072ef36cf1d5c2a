package dev.r1.gates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiffTest {
    private static final String GIT_DIFF = """
            diff --git a/src/app.py b/src/app.py
            index 83db48f..bf269f4 100644
            --- a/src/app.py
            +++ b/src/app.py
            @@ -1,4 +1,5 @@
             import os
            -print("hi")
            +print("hello")
            +print("world")
             
             def main():
            @@ -10,1 +11,2 @@ def main():
                 pass
            +    return 0
            diff --git a/old.txt b/old.txt
            deleted file mode 100644
            index 1111111..0000000
            --- a/old.txt
            +++ /dev/null
            @@ -1,2 +0,0 @@
            -a
            -b
            diff --git a/docs/a.md b/docs/b.md
            similarity index 90%
            rename from docs/a.md
            rename to docs/b.md
            diff --git a/new.sh b/new.sh
            new file mode 100755
            --- /dev/null
            +++ b/new.sh
            @@ -0,0 +1 @@
            +echo ok
            """;

    @Test
    void parsesFilesCountsAndAddedLines() {
        Diff d = Diff.parse(GIT_DIFF);
        assertThat(d.files()).extracting(Diff.FileChange::path).containsExactly("src/app.py", "old.txt", "docs/b.md", "new.sh");
        assertThat(d.files()).extracting(Diff.FileChange::status)
                .containsExactly(Diff.Status.MODIFIED, Diff.Status.DELETED, Diff.Status.RENAMED, Diff.Status.ADDED);
        Diff.FileChange app = d.files().get(0);
        assertThat(app.added()).isEqualTo(3);
        assertThat(app.removed()).isEqualTo(1);
        assertThat(app.addedLines()).containsExactly(new Diff.Line(2, "print(\"hello\")"), new Diff.Line(3, "print(\"world\")"),
                new Diff.Line(12, "    return 0"));
        assertThat(d.files().get(1).removed()).isEqualTo(2);
        assertThat(d.paths()).containsExactly("src/app.py", "old.txt", "docs/a.md", "docs/b.md", "new.sh");
        assertThat(d.added()).isEqualTo(4);
        assertThat(d.removed()).isEqualTo(3);
        assertThat(d.changed()).isEqualTo(7);
    }

    @Test
    void aWriteIsAllAddedLines() {
        Diff d = Diff.ofWrite("a.txt", "one\ntwo\n");
        assertThat(d.added()).isEqualTo(2);
        assertThat(d.files().get(0).addedLines()).extracting(Diff.Line::text).containsExactly("one", "two");
    }

    @Test
    void quotedPathsAreDecoded() {
        Diff d = Diff.parse("diff --git \"a/sp ace/\\303\\244.txt\" \"b/sp ace/\\303\\244.txt\"\n--- \"a/sp ace/\\303\\244.txt\"\n"
                + "+++ \"b/sp ace/\\303\\244.txt\"\n@@ -1 +1 @@\n-x\n+y\n");
        assertThat(d.paths()).isEqualTo(List.of("sp ace/ä.txt"));
    }

    @Test
    void globsMatchLikeGitignoreWithoutItsSurprises() {
        assertThat(Glob.of("src/**").matches("src/a/b.java")).isTrue();
        assertThat(Glob.of("src/**").matches("srcx/a")).isFalse();
        assertThat(Glob.of("**/*.md").matches("README.md")).isTrue();
        assertThat(Glob.of("**/*.md").matches("docs/x/y.md")).isTrue();
        assertThat(Glob.of("*.md").matches("docs/y.md")).isFalse();
        assertThat(Glob.of(".github/").matches(".github/workflows/ci.yml")).isTrue();
        assertThat(Glob.of("src/{main,test}/**").matches("src/test/x")).isTrue();
        assertThat(Glob.of("**").matches("anything/at/all")).isTrue();
        assertThat(Glob.escapes("../etc/passwd")).isTrue();
        assertThat(Glob.escapes("/etc/passwd")).isTrue();
        assertThat(Glob.escapes("src/../../x")).isTrue();
        assertThat(Glob.escapes("src/a..b")).isFalse();
    }
}
