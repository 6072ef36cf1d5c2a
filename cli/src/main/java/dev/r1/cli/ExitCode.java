package dev.r1.cli;

/** Exit codes shared by every r1 command. */
public final class ExitCode {
    public static final int OK = 0;
    /** A receipt or an event set was checked and found invalid. */
    public static final int INVALID = 1;
    /** Wrong arguments, an unreadable file, a bad key: nothing was checked. */
    public static final int USAGE = 2;

    private ExitCode() {}
}
