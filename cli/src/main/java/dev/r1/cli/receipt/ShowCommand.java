package dev.r1.cli.receipt;

import dev.r1.cli.ExitCode;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.receipt.ReceiptVerifier;
import dev.r1.stoke.receipt.Verification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = {"Show a receipt as a timeline: phases, gate verdicts with reasons, tool calls,",
                "artifacts, overrides, the receipt digest and whether it verifies."})
public final class ShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A receipt file.")
    Path file;

    @Option(names = "--key", paramLabel = "PEM|DIR",
            description = "Trusted public keys to check the signature against. Without it, the signature is not checked.")
    List<Path> keys = List.of();

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "auto (on a terminal), always or never. Default: ${DEFAULT-VALUE}.")
    String color;

    @Override
    public Integer call() throws IOException {
        Ansi ansi = switch (color) {
            case "always" -> Ansi.ON;
            case "never" -> Ansi.OFF;
            default -> Ansi.AUTO;
        };
        Verification v = new ReceiptVerifier(Keyring.load(keys)).verify(Files.readAllBytes(file));
        new Timeline(ansi, !keys.isEmpty()).render(file, v, spec.commandLine().getOut());
        return v.valid() || (keys.isEmpty() && v.violation().rule() == dev.r1.stoke.Rule.UNKNOWN_KEY)
                ? ExitCode.OK : ExitCode.INVALID;
    }
}
