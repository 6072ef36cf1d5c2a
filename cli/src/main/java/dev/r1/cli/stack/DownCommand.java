package dev.r1.cli.stack;

import dev.r1.cli.ExitCode;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "down", mixinStandardHelpOptions = true,
        description = {"Stop the embedded stack (SIGTERM, then a kill after 30 s). The data stays for the next r1 up."})
public final class DownCommand extends StackCommand {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Override
    int run() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Stack stack = new Stack(data.dir());
        List<String> stopped = stack.down();
        Stack.Status after = stack.status();
        if (!after.noneRunning()) {
            spec.commandLine().getErr().println("r1: still running after the kill: " + after);
            return ExitCode.USAGE;
        }
        out.println(stopped.isEmpty() ? "r1 was not running (" + DataDir.show(stack.dir().root()) + ")."
                : "r1 is down: stopped " + String.join(", ", stopped) + ". Data kept in " + DataDir.show(stack.dir().root()) + ".");
        out.flush();
        return ExitCode.OK;
    }
}
