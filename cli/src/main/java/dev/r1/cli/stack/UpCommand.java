package dev.r1.cli.stack;

import dev.r1.cli.ExitCode;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the embedded stack: Kafka, PostgreSQL and the R1 app, in the background.",
                "",
                "Everything lives under the data directory and survives r1 down / r1 up. Already up: says so."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the stack is up", "2:it could not be started (see the logs named)"})
public final class UpCommand extends StackCommand {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Option(names = "--port", paramLabel = "N", description = "HTTP port of the app on 127.0.0.1 (default: the last one used, else 8480).")
    Integer port;

    @Override
    int run() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Stack stack = new Stack(data.dir());
        boolean started = stack.up(port, out);
        out.println(started ? "r1 is up." : "r1 is already up.");
        describe(stack, out);
        out.flush();
        return ExitCode.OK;
    }

    static void describe(Stack stack, PrintWriter out) throws Exception {
        DataDir d = stack.dir();
        Stack.Status s = stack.status();
        out.printf("  data      %s%n", DataDir.show(d.root()));
        out.printf("  api       %s   (pid %s, log %s)%n", stack.baseUri(), s.app().map(p -> Long.toString(p.pid())).orElse("-"),
                DataDir.show(d.appLog()));
        out.printf("  kafka     %s   (log %s)%n", s.kafka().orElse("not running"), DataDir.show(d.kafka().resolve("kafka.log")));
        out.printf("  postgres  %s   (log %s)%n", s.postgres().map(p -> "127.0.0.1:" + p + "/" + Stack.DATABASE).orElse("not running"),
                DataDir.show(d.postgres().resolve("postgres.log")));
        var keys = Receipts.publicKeys(d.keys());
        out.printf("  keys      %s%n", keys.isEmpty() ? DataDir.show(d.keys()) + " (none yet)" : DataDir.show(keys.get(0)));
        out.printf("  receipts  %s%n", DataDir.show(d.receipts()));
        out.println("Next: r1 demo, r1 run TASK.yaml, r1 down.");
    }
}
