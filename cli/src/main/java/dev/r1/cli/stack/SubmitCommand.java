package dev.r1.cli.stack;

import dev.r1.cli.ExitCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submit a task spec (YAML or JSON) to the running stack and print its task id.",
                "Follow it with r1 tail TASK."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:accepted; the id is printed", "2:refused (every problem is listed) or the stack is not up"})
public final class SubmitCommand extends StackCommand {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Parameters(index = "0", paramLabel = "TASK.yaml", description = "The task spec.")
    Path file;

    @Override
    int run() throws Exception {
        Stack stack = new Stack(data.dir());
        if (!stack.ready()) {
            spec.commandLine().getErr().println("r1: the stack is not up in " + DataDir.show(stack.dir().root()) + "; run r1 up first");
            return ExitCode.USAGE;
        }
        String task = submit(stack.api(), file, spec.commandLine().getErr());
        if (task == null) return ExitCode.USAGE;
        PrintWriter out = spec.commandLine().getOut();
        out.println(task);
        out.flush();
        return ExitCode.OK;
    }

    /** Submits the file; prints the server's reasons and returns null when it is refused. */
    static String submit(ApiClient api, Path file, PrintWriter err) throws Exception {
        SpecFile.Body body = SpecFile.load(file);
        try {
            return api.submit(body.bytes(), body.contentType());
        } catch (ApiClient.Refused e) {
            err.println("r1: " + file + " was refused (HTTP " + e.status() + "):");
            err.println(Problems.describe(e.body()));
            err.flush();
            return null;
        }
    }
}
