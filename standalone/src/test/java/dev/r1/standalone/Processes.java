package dev.r1.standalone;

import dev.r1.testing.EmbeddedStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The embedded stacks and app processes a test starts, each app logging to its own file under
 * {@code target/it-logs}; closing stops them all, the last started first.
 */
final class Processes implements AutoCloseable {
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Path logs = Path.of("target", "it-logs").toAbsolutePath();
    private final Map<String, String> env;

    /** {@code env}: what every app started here gets in its environment. */
    Processes(Map<String, String> env) {
        this.env = env;
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh broker and database; returns the app's configuration for them. */
    Map<String, String> stack() {
        EmbeddedStack stack = new EmbeddedStack();
        stack.init(Map.of());
        Map<String, String> config = stack.start();
        open.add(stack::stop);
        return config;
    }

    /** The all-in-one app on {@code stack}, logging to {@code name.log}. */
    AppProcess app(Map<String, String> stack, int port, String name) {
        AppProcess app = AppProcess.start(stack, port, logs.resolve(name + ".log"), env);
        open.add(app);
        return app;
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }
        open.clear();
    }
}
