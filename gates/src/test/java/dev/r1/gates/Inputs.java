package dev.r1.gates;

import dev.r1.stoke.event.Phase;
import java.util.List;

/** Test inputs. */
public final class Inputs {
    private Inputs() {}

    public static GateInput.Task task() {
        return GateInput.Task.of("t-1", "add a greeting", Phase.EXECUTE);
    }

    public static GateInput.Task task(Phase phase) {
        return GateInput.Task.of("t-1", "add a greeting", phase);
    }

    /** A unified diff that adds a new file with this content. */
    public static String newFile(String path, String content) {
        String[] lines = content.split("\n", -1);
        int n = content.endsWith("\n") ? lines.length - 1 : lines.length;
        StringBuilder sb = new StringBuilder();
        sb.append("diff --git a/").append(path).append(" b/").append(path).append('\n');
        sb.append("new file mode 100644\n--- /dev/null\n+++ b/").append(path).append('\n');
        sb.append("@@ -0,0 +1,").append(n).append(" @@\n");
        for (int i = 0; i < n; i++) sb.append('+').append(lines[i]).append('\n');
        return sb.toString();
    }

    /** A diff touching these files, each with the given number of added lines. */
    public static Diff touching(List<String> paths, int addedEach) {
        return Diff.of(paths.stream().map(p -> Diff.FileChange.counts(p, Diff.Status.MODIFIED, addedEach, 0)).toList());
    }

    public static GateInput atVerify(Diff diff) {
        return GateInput.at(Checkpoint.EXECUTE_VERIFY, task()).diff(diff).role("executor").build();
    }
}
