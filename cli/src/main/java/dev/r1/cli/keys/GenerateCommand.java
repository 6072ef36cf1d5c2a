package dev.r1.cli.keys;

import dev.r1.cli.UsageException;
import dev.r1.stoke.keys.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generate an Ed25519 key pair: NAME.key.pem (PKCS#8, mode 0600) and NAME.pub.pem (SPKI).",
                "Prints the key id (kid) derived from the public key."})
public final class GenerateCommand implements Callable<Integer> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write the key files into.")
    Path out;

    @Option(names = "--name", defaultValue = "r1", paramLabel = "NAME", description = "Base name of the files (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() throws IOException {
        if (!NAME.matcher(name).matches()) throw new UsageException("--name must be 1-64 characters of [A-Za-z0-9._-]");
        Files.createDirectories(out);
        Path privateFile = out.resolve(name + ".key.pem");
        Path publicFile = out.resolve(name + ".pub.pem");
        if (Files.exists(privateFile) || Files.exists(publicFile)) {
            throw new UsageException("refusing to overwrite existing key files for " + name + " in " + out);
        }
        SigningKey key = SigningKey.generate();
        // Created with 0600 from the first byte, so the private key is never readable by others.
        try {
            Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new UsageException("refusing to overwrite " + privateFile);
        } catch (UnsupportedOperationException e) {
            Files.createFile(privateFile);
        }
        Files.writeString(privateFile, key.toPem(), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(publicFile, key.verifyingKey().toPem(), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
        spec.commandLine().getOut().println(key.keyId());
        spec.commandLine().getOut().println("private key: " + privateFile);
        spec.commandLine().getOut().println("public key:  " + publicFile);
        return 0;
    }
}
