package dev.r1.cli.stack;

import dev.r1.cli.UsageException;
import java.util.concurrent.Callable;

/**
 * What the stack commands share: exit code 2, with one line saying why, for anything that goes
 * wrong on the way (a server that will not start, a lost connection), so that exit code 1 keeps
 * meaning "the task failed or its receipt does not verify".
 */
abstract class StackCommand implements Callable<Integer> {
    @Override
    public final Integer call() throws Exception {
        try {
            return run();
        } catch (UsageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UsageException(describe(e));
        }
    }

    abstract int run() throws Exception;

    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !s.toString().contains(c.getMessage())) s.append(": ").append(c.getMessage());
        }
        return s.toString();
    }
}
