package dev.r1.cli;

import dev.r1.cli.keys.KeysCommand;
import dev.r1.cli.receipt.ReceiptCommand;
import dev.r1.cli.stack.BenchCommand;
import dev.r1.cli.stack.DemoCommand;
import dev.r1.cli.stack.DownCommand;
import dev.r1.cli.stack.RunCommand;
import dev.r1.cli.stack.SubmitCommand;
import dev.r1.cli.stack.TailCommand;
import dev.r1.cli.stack.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "r1", mixinStandardHelpOptions = true, version = "r1 0.1.0",
        description = "R1: AI coding tasks through gated phases, recorded as signed STOKE receipts.",
        subcommands = {UpCommand.class, DownCommand.class, DemoCommand.class, RunCommand.class, SubmitCommand.class,
                dev.r1.cli.approve.ApproveCommand.class,
                TailCommand.class, ReceiptCommand.class, KeysCommand.class, BenchCommand.class})
public final class R1 {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by main and the tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new R1())
                .setExecutionExceptionHandler(new ErrorHandler())
                .setCaseInsensitiveEnumValuesAllowed(true);
    }
}
