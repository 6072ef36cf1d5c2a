package dev.r1.cli;

import dev.r1.stoke.keys.KeyFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Turns the errors a user can cause into one clear line and exit code 2, instead of a stack trace. */
final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) throws Exception {
        if (e instanceof IOException || e instanceof UncheckedIOException || e instanceof KeyFormatException
                || e instanceof UsageException) {
            cmd.getErr().println(cmd.getColorScheme().errorText("r1: " + describe(e)));
            return ExitCode.USAGE;
        }
        throw e;
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException n) return "no such file: " + n.getFile();
        if (e instanceof java.nio.file.AccessDeniedException a) return "permission denied: " + a.getFile();
        if (e instanceof UncheckedIOException u) return describe(u.getCause());
        return e.getMessage();
    }
}
