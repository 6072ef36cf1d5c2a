package dev.r1.cli.receipt;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.cli.ExitCode;
import dev.r1.stoke.StokeViolation;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.receipt.Receipt;
import dev.r1.stoke.receipt.ReceiptVerifier;
import dev.r1.stoke.receipt.Verification;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify receipt files offline against trusted public keys.",
                "Prints one line per file naming the first rule broken."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every receipt is valid", "1:some receipt is invalid", "2:usage or I/O error"})
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Receipt files (JCS bytes).")
    List<Path> files;

    @Option(names = "--key", required = true, paramLabel = "PEM|DIR",
            description = "A trusted public key (SPKI PEM), or a directory of them. Repeatable.")
    List<Path> keys;

    @Option(names = "--json", description = "Print a JSON array, one object per file.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Keyring keyring = Keyring.load(keys);
        ReceiptVerifier verifier = new ReceiptVerifier(keyring);
        PrintWriter out = spec.commandLine().getOut();
        ArrayNode report = JsonNodeFactory.instance.arrayNode();
        int exit = ExitCode.OK;
        for (Path file : files) {
            ObjectNode line = report.addObject().put("file", file.toString());
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                line.put("valid", false).put("error", "cannot read: " + e.getMessage());
                if (!json) spec.commandLine().getErr().println("error    " + file + "  cannot read: " + e.getMessage());
                exit = ExitCode.USAGE;
                continue;
            }
            Verification v = verifier.verify(bytes);
            describe(v, line);
            if (!v.valid() && exit == ExitCode.OK) exit = ExitCode.INVALID;
            if (!json) out.println(text(file, v));
        }
        if (json) out.println(report.toPrettyString());
        out.flush();
        return exit;
    }

    private static void describe(Verification v, ObjectNode line) {
        line.put("valid", v.valid());
        Receipt r = v.receipt();
        if (r != null) {
            line.put("task", r.task()).put("events", r.events().size())
                    .put("receipt", r.digest()).put("signing_key_id", r.signingKeyId());
        }
        StokeViolation violation = v.violation();
        if (violation != null) {
            line.put("rule", violation.rule().title()).put("message", violation.getMessage());
            if (violation.eventId() != null) line.put("event", violation.eventId());
        }
    }

    private static String text(Path file, Verification v) {
        if (v.valid()) {
            Receipt r = v.receipt();
            return "valid    " + file + "  task " + r.task() + ", " + r.events().size() + " events, receipt "
                    + r.digest() + ", signed by " + r.signingKeyId();
        }
        return "invalid  " + file + "  " + v.violation().getMessage();
    }
}
