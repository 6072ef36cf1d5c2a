package dev.r1.cli;

/** A command was called in a way it cannot act on; reported as exit code 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
