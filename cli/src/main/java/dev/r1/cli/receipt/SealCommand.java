package dev.r1.cli.receipt;

import dev.r1.cli.ExitCode;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.SealedReceipt;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "seal", mixinStandardHelpOptions = true,
        description = {"Check one task's events (one JSON object a line, any order) as the ledger does,",
                "and write the signed receipt: its JCS bytes, byte-identical for the same events and key."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:sealed", "1:the events break a STOKE rule", "2:usage or I/O error"})
public final class SealCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "EVENTS.jsonl", description = "The task's events.")
    Path events;

    @Option(names = "--key", required = true, paramLabel = "PRIVATE.pem", description = "Ed25519 private key (PKCS#8 PEM).")
    Path key;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the receipt here instead of standard output.")
    Path out;

    @Override
    public Integer call() throws IOException {
        SigningKey signingKey = SigningKey.fromPem(new String(Files.readAllBytes(key), StandardCharsets.ISO_8859_1));
        List<String> lines = Files.readAllLines(events, StandardCharsets.UTF_8);
        List<Event> parsed = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                parsed.add(EventCodec.decode(lines.get(i).getBytes(StandardCharsets.UTF_8)));
            } catch (StokeViolation v) {
                return refuse(events + ":" + (i + 1) + ": " + v.getMessage());
            }
        }
        SealedReceipt sealed;
        try {
            sealed = new ReceiptSealer(signingKey).seal(parsed);
        } catch (StokeViolation v) {
            return refuse(events + ": " + v.getMessage());
        }
        if (out != null) {
            Files.write(out, sealed.file());
            spec.commandLine().getErr().println("sealed " + sealed.receipt().events().size() + " events of task "
                    + sealed.receipt().task() + " into " + out + " (receipt " + sealed.receipt().digest() + ")");
        } else {
            OutputStream stdout = System.out;
            stdout.write(sealed.file());
            stdout.flush();
        }
        return ExitCode.OK;
    }

    private int refuse(String message) {
        spec.commandLine().getErr().println("r1: not sealed: " + message);
        return ExitCode.INVALID;
    }
}
