package dev.r1.pipeline.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubprocessTest {
    @TempDir
    Path dir;

    private static String seq(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
    }

    private Subprocess.Result run(String command, int cap) {
        return Subprocess.run(List.of("bash", "-c", command), dir, Map.of(), Duration.ofSeconds(30), cap, false);
    }

    @Test
    void outputUnderTheCapIsKeptWhole() {
        // 1,893 bytes: past the head (half the cap), inside the cap.
        Subprocess.Result r = run("seq 1 500", 3000);
        assertThat(r.ok()).isTrue();
        assertThat(r.text()).isEqualTo(seq(500));
    }

    @Test
    void outputOverTheCapKeepsItsHeadAndTailAndSaysHowMuchWentMissing() {
        String all = seq(200_000);
        Subprocess.Result r = run("seq 1 200000", 10_000);
        String omitted = "\n[r1: " + (all.length() - 10_000) + " bytes of output omitted]\n";
        assertThat(r.text()).isEqualTo(all.substring(0, 5_000) + omitted + all.substring(all.length() - 5_000));
    }

    @Test
    void stderrIsCappedApartFromStdout() {
        Subprocess.Result r = run("seq 1 3000 >&2; echo done", 2000);
        String all = seq(3000);
        assertThat(r.text()).isEqualTo("done\n");
        assertThat(r.errorText()).startsWith(all.substring(0, 1000)).endsWith(all.substring(all.length() - 1000));
    }

    @Test
    void aQuietCommandDoesNotAllocateItsCap() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        run("true", 1024);
        long before = threads.getCurrentThreadAllocatedBytes();
        Subprocess.Result r = run("echo hello", 16 * 1024 * 1024);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(new String(r.output(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        assertThat(allocated).as("bytes allocated by one run with a 16 MiB cap").isLessThan(1024 * 1024);
    }
}
