package dev.r1.cli.stack;

import dev.r1.cli.ExitCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a task and show every phase live, then write and verify its signed receipt.",
                "",
                "Starts the stack if needed, submits the spec, follows its events, writes the receipt to",
                "DATA/receipts/TASK.json and verifies it with the ledger's public key."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the task ended DONE and its receipt verifies", "1:the task ended FAILED (or its receipt does not verify)",
                "2:usage error, refused spec, or the stack failed"})
public final class RunCommand extends StackCommand {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Parameters(index = "0", paramLabel = "TASK.yaml", description = "The task spec (YAML or JSON).")
    Path file;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800", description = "Give up waiting after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    int run() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Stack stack = new Stack(data.dir());
        ApiClient api = stack.ensureUp(out);
        String task = SubmitCommand.submit(api, file, spec.commandLine().getErr());
        if (task == null) return ExitCode.USAGE;
        out.println("task " + task + " submitted; following it (" + api.base() + "/v1/tasks/" + task + "/events)");
        out.flush();
        TaskResult r = TaskResult.await(stack, api, task, Duration.ofSeconds(timeoutSeconds), new Progress(out, null)::accept,
                spec.commandLine().getErr()::println);
        report(r, out);
        return exit(r);
    }

    static void report(TaskResult r, PrintWriter out) {
        out.println();
        out.println("task     " + r.task() + " ended " + r.terminal() + " after " + r.events() + " events");
        out.println("receipt  " + DataDir.show(r.receipt()));
        out.println("verify   " + Receipts.verdict(r.verification()));
        out.flush();
    }

    static int exit(TaskResult r) {
        return r.done() && r.verifies() ? ExitCode.OK : ExitCode.INVALID;
    }
}
