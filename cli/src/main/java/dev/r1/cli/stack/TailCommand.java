package dev.r1.cli.stack;

import dev.r1.cli.ExitCode;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Follow a task's events live until it ends, then write and verify its receipt.",
                "",
                "Reconnects with Last-Event-ID when the stream breaks, so no event is missed or shown twice."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the task ended DONE and its receipt verifies", "1:the task ended FAILED (or its receipt does not verify)",
                "2:the stack is not up or the task never ended in time"})
public final class TailCommand extends StackCommand {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Parameters(index = "0", paramLabel = "TASK", description = "The task id.")
    String task;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800", description = "Give up waiting after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    int run() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Stack stack = new Stack(data.dir());
        if (!stack.ready()) {
            spec.commandLine().getErr().println("r1: the stack is not up in " + DataDir.show(stack.dir().root()) + "; run r1 up first");
            return ExitCode.USAGE;
        }
        ApiClient api = stack.api();
        TaskResult r = TaskResult.await(stack, api, task, Duration.ofSeconds(timeoutSeconds), new Progress(out, null)::accept,
                spec.commandLine().getErr()::println);
        RunCommand.report(r, out);
        return RunCommand.exit(r);
    }
}
