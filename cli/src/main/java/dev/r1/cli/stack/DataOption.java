package dev.r1.cli.stack;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data DIR} option every stack command shares. */
public final class DataOption {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:R1_DATA_DIR:-" + DataDir.DEFAULT + "}",
            description = "Where the stack keeps its data (default: ${DEFAULT-VALUE}; env R1_DATA_DIR).")
    Path data;

    public DataDir dir() {
        return DataDir.of(data);
    }
}
