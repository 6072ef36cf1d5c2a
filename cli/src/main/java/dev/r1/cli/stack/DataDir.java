package dev.r1.cli.stack;

import java.nio.file.Path;

/**
 * Where a stack keeps everything: one directory per server, the ledger's keys, receipts
 * written by the CLI and the repositories of the demo. Deleting it resets the stack; keeping
 * it keeps every task, event and receipt across {@code r1 down} and {@code r1 up}.
 *
 * <pre>
 * DATA/kafka/       broker logs, kafka.pid, kafka.bootstrap, kafka.log
 * DATA/postgres/    pgdata/, postgres.pid, postgres.port, postgres.log
 * DATA/app/         r1.pid, r1.port, r1.log, dist/ (a copy of the standalone app it runs); its working directory
 * DATA/keys/        ledger.key.pem, ledger.pub.pem (written by the ledger, R1_DATA=DATA)
 * DATA/receipts/    TASK.json, written by r1 run, r1 demo and r1 bench
 * DATA/repos/       bare repositories of r1 demo and r1 bench
 * </pre>
 */
public record DataDir(Path root) {
    public static final String DEFAULT = "r1-data";

    public static DataDir of(Path path) {
        return new DataDir(path.toAbsolutePath().normalize());
    }

    public Path kafka() {
        return root.resolve("kafka");
    }

    public Path postgres() {
        return root.resolve("postgres");
    }

    public Path app() {
        return root.resolve("app");
    }

    public Path appPid() {
        return app().resolve("r1.pid");
    }

    /** The HTTP port the app was last started on, so later commands find it. */
    public Path appPort() {
        return app().resolve("r1.port");
    }

    public Path appLog() {
        return app().resolve("r1.log");
    }

    public Path keys() {
        return root.resolve("keys");
    }

    public Path receipts() {
        return root.resolve("receipts");
    }

    public Path receipt(String task) {
        return receipts().resolve(task + ".json");
    }

    public Path repos() {
        return root.resolve("repos");
    }

    /** A path relative to the working directory when it is under it, for shorter messages. */
    public static String show(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }
}
