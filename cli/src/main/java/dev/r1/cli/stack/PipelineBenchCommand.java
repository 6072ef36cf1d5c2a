package dev.r1.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import dev.r1.cli.ExitCode;
import dev.r1.cli.UsageException;
import dev.r1.stoke.sample.RunGenerator;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Measure the pipeline against raw Kafka on the same broker.",
                "",
                "Pushes N no-op scripted tasks (one trivial step, test_command \"true\") through the running stack",
                "and report tasks/s, events/s, submit-to-receipt latency and the harness overhead in it; then, on the",
                "same broker in the same run, raw Kafka produce and consume of the same records, and raw Kafka",
                "transactions shaped like a phase's hand-off. Then the ledger alone:",
                "generated task graphs written straight to r1.events, timed to their receipts, beside raw Kafka again."})
public final class PipelineBenchCommand extends StackCommand {
    /** How many raw transactions give the hand-off floor its p50 and p99. */
    private static final int RAW_TRANSACTIONS = 200;

    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Option(names = "--tasks", paramLabel = "N", defaultValue = "100", description = "How many tasks (default: ${DEFAULT-VALUE}).")
    int tasks;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "8", description = "Parallel submissions (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--in-flight", paramLabel = "K", description = {"At most K tasks between submit and receipt (a closed loop):",
            "latency then shows the pipeline, not the queue. Default: all N at once."})
    Integer inFlight;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "10", description = {
            "Tasks run first and not counted, so the figures show the JVMs warm, as a running service is;",
            "the ledger stage warms up on a quarter of M (default: ${DEFAULT-VALUE})."})
    int warmupTasks;

    @Option(names = "--ledger-tasks", paramLabel = "M", defaultValue = "1000", description = {
            "Then measure the ledger alone: M generated task graphs written straight to r1.events,",
            "first send to last receipt, beside raw Kafka on the same records; 0 skips it (default: ${DEFAULT-VALUE})."})
    int ledgerTasks;

    @Option(names = "--ledger-events", paramLabel = "E", defaultValue = "15", description = "Events per generated task (default: ${DEFAULT-VALUE}).")
    int ledgerEvents;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1800", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    int run() throws Exception {
        if (tasks < 1) throw new UsageException("--tasks must be at least 1");
        PrintWriter out = spec.commandLine().getOut();
        Stack stack = new Stack(data.dir());
        ApiClient api = stack.ensureUp(out);
        String bootstrap = stack.status().kafka().orElseThrow(() -> new UsageException("the broker is not running"));

        String run = "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        Path repo = benchRepository(stack.dir(), run);
        int window = inFlight == null ? tasks : Math.max(1, Math.min(inFlight, tasks));
        out.printf(Locale.ROOT, "r1 bench pipeline: %d tasks (%s-*), %s, %d submitting at once, broker %s%n", tasks, run,
                window == tasks ? "all in flight" : "at most " + window + " in flight", concurrency, bootstrap);
        if (warmupTasks > 0) {
            out.printf(Locale.ROOT, "warm-up   %d tasks first (%s-warmup-*), not counted%n", warmupTasks, run);
            out.flush();
            submitAndAwait(api, repo, run + "-warmup", warmupTasks, Math.min(window, warmupTasks), bootstrap);
        }
        out.flush();
        PipelineProbe.Result pipeline = submitAndAwait(api, repo, run, tasks, window, bootstrap);
        RawKafka.Result raw = RawKafka.measure(bootstrap, run, pipeline.records(), pipeline.partitions());
        long[] transactions = RawKafka.transactions(bootstrap, run, pipeline.records(), RAW_TRANSACTIONS);

        int done = pipeline.done();
        double secs = pipeline.wallNanos() / 1e9;
        double tps = tasks / secs;
        double eps = pipeline.events() / secs;
        out.println();
        out.printf(Locale.ROOT, "pipeline  %d tasks (%d DONE) in %.2f s: %.2f tasks/s, %d events, %.1f events/s (mean event %d B)%n",
                tasks, done, secs, tps, pipeline.events(), eps, pipeline.meanEventBytes());
        out.printf(Locale.ROOT, "latency   submit -> receipt: p50 %d ms, p99 %d ms, max %d ms%n",
                pipeline.latencyMillis(0.50), pipeline.latencyMillis(0.99), pipeline.latencyMillis(1.0));
        out.printf(Locale.ROOT, "work      the phases' own work (git, tests, gates) per task: p50 %d ms, p99 %d ms%n",
                pipeline.workMillis(0.50), pipeline.workMillis(0.99));
        out.printf(Locale.ROOT, "overhead  harness overhead per task (latency - work): p50 %d ms, p99 %d ms, max %d ms%n",
                pipeline.overheadMillis(0.50), pipeline.overheadMillis(0.99), pipeline.overheadMillis(1.0));
        PipelineProbe.Overhead parts = pipeline.overhead();
        out.printf(Locale.ROOT, "          of which intake (submit -> first phase at work) p50 %d / p99 %d ms; hand-offs between phases"
                        + " (%d per task) p50 %d / p99 %d ms; receipt (last transition -> receipt) p50 %d / p99 %d ms%n",
                PipelineProbe.quantile(parts.intakeMillis(), 0.5), PipelineProbe.quantile(parts.intakeMillis(), 0.99),
                PipelineProbe.quantile(parts.handoffs(), 0.5),
                PipelineProbe.quantile(parts.handoffMillis(), 0.5), PipelineProbe.quantile(parts.handoffMillis(), 0.99),
                PipelineProbe.quantile(parts.receiptMillis(), 0.5), PipelineProbe.quantile(parts.receiptMillis(), 0.99));
        printRaw(out, raw);
        out.printf(Locale.ROOT, "raw kafka %d transactions of %d of those records on %d partitions, begin -> read back (read_committed): p50 %.1f / p99 %.1f ms;"
                        + " a task takes one per phase (4) on its way%n", transactions.length, RawKafka.COMPLETION_RECORDS, RawKafka.COMPLETION_RECORDS,
                PipelineProbe.quantile(transactions, 0.5) / 1e6, PipelineProbe.quantile(transactions, 0.99) / 1e6);
        out.printf(Locale.ROOT, "ratio     pipeline %.1f events/s / raw produce %.0f records/s = %.4f%n", eps, raw.produceRate(),
                eps / raw.produceRate());
        out.flush();
        if (ledgerTasks > 0) ledgerIngest(out, bootstrap, run);
        return done == tasks ? ExitCode.OK : ExitCode.INVALID;
    }

    /** Submits {@code count} tasks named {@code prefix-NNNNN}, at most {@code window} in flight, and waits for their receipts. */
    private PipelineProbe.Result submitAndAwait(ApiClient api, Path repo, String prefix, int count, int window, String bootstrap)
            throws Exception {
        List<byte[]> specs = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = String.format(Locale.ROOT, "%s-%05d", prefix, i);
            ids.add(id);
            specs.add(ApiClient.JSON.writeValueAsBytes(spec(id, repo)));
        }
        try (PipelineProbe probe = PipelineProbe.start(bootstrap, prefix + "-", true)) {
            long[] submittedAt = new long[count];
            Semaphore slots = new Semaphore(window);
            probe.onReceipt(task -> slots.release());
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, concurrency));
            try {
                List<Future<?>> sent = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    int n = i;
                    sent.add(pool.submit(() -> {
                        if (!slots.tryAcquire(timeoutSeconds, TimeUnit.SECONDS)) throw new IllegalStateException("no receipt came back in time");
                        submittedAt[n] = System.nanoTime();
                        api.submit(specs.get(n), "application/json");
                        return null;
                    }));
                }
                for (Future<?> f : sent) f.get();
            } finally {
                pool.shutdownNow();
            }
            return probe.await(ids, submittedAt, Duration.ofSeconds(timeoutSeconds));
        }
    }

    /** The ledger alone, on generated task graphs, beside raw Kafka on the same records. */
    private void ledgerIngest(PrintWriter out, String bootstrap, String run) throws Exception {
        if (ledgerEvents < RunGenerator.MIN_EVENTS) throw new UsageException("--ledger-events must be at least " + RunGenerator.MIN_EVENTS);
        String prefix = run + "-ledger-";
        LedgerIngest.Load load = LedgerIngest.generate(prefix, ledgerTasks, ledgerEvents);
        out.println();
        out.printf(Locale.ROOT, "r1 bench pipeline: ledger ingest, %d tasks of %d events (%s*) written straight to r1.events%n",
                ledgerTasks, ledgerEvents, prefix);
        int warmup = ledgerTasks / 4;
        if (warmup > 0) {
            String warmupPrefix = run + "-ledger-warmup-";
            out.printf(Locale.ROOT, "warm-up   %d tasks first (%s*), not counted%n", warmup, warmupPrefix);
            out.flush();
            LedgerIngest.run(bootstrap, warmupPrefix, LedgerIngest.generate(warmupPrefix, warmup, ledgerEvents),
                    Duration.ofSeconds(timeoutSeconds));
        }
        out.flush();
        long driverCpu = driverCpuNanos();
        PipelineProbe.Result ledger = LedgerIngest.run(bootstrap, prefix, load, Duration.ofSeconds(timeoutSeconds));
        driverCpu = driverCpuNanos() - driverCpu;
        RawKafka.Result raw = RawKafka.measure(bootstrap, run + "-ledger", load.values(), ledger.partitions());
        double secs = ledger.wallNanos() / 1e9;
        double eps = load.values().size() / secs;
        out.printf(Locale.ROOT, "ledger    %d events in %.2f s, first send -> last receipt: %.0f events/s stored, %.1f receipts/s sealed and published (%d DONE)%n",
                load.values().size(), secs, eps, ledgerTasks / secs, ledger.done());
        // The driver shares the machine with the stack: what it took of the window is not the ledger's.
        out.printf(Locale.ROOT, "driver    this process used %.1f s of CPU in those %.2f s (%d cores here)%n", driverCpu / 1e9, secs,
                Runtime.getRuntime().availableProcessors());
        printRaw(out, raw);
        out.printf(Locale.ROOT, "ratio     ledger ingest %.0f events/s / raw produce %.0f records/s = %.3f%n", eps, raw.produceRate(),
                eps / raw.produceRate());
        out.flush();
    }

    private static long driverCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void printRaw(PrintWriter out, RawKafka.Result raw) {
        out.printf(Locale.ROOT, "raw kafka the same %d records, %d partitions: produce %.0f records/s (%.1f MB/s), consume %.0f records/s (%.1f MB/s)%n",
                raw.records(), raw.partitions(), raw.produceRate(), raw.produceMBps(), raw.consumeRate(), raw.consumeMBps());
    }

    /** One trivial step; the tests are {@code true}; deterministic off, as live tasks run. */
    static ObjectNode spec(String id, Path repo) {
        ObjectNode s = ApiClient.JSON.createObjectNode();
        s.put("id", id);
        s.put("repository", repo.toString());
        s.put("base_ref", "main");
        s.put("target_branch", "main");
        s.put("goal", "no-op benchmark task");
        s.put("test_command", "true");
        s.put("gates", "fast");
        ObjectNode engine = s.putObject("engine");
        engine.put("kind", "scripted");
        engine.putObject("plan").put("summary", "nothing to do").put("estimated_cost_usd", 0);
        engine.putArray("attempts").addArray().addObject().put("thought", "Nothing to change.");
        return s;
    }

    /**
     * A fresh repository for each run: every task leaves its r1/TASK branch on the origin, and git's
     * pushes and fetches slow down as they pile up (a no-op task's work went from 460 to 900 ms by
     * 1,400 of them), so runs on one repository would not be comparable.
     */
    static Path benchRepository(DataDir dir, String run) throws Exception {
        Path bare = dir.repos().resolve(run + ".git");
        Path tree = Files.createTempDirectory("r1-bench-tree-");
        try {
            Files.writeString(tree.resolve("README.md"), "A repository for r1 bench: the tasks change nothing.\n");
            return GitRepos.createBare(tree, bare);
        } finally {
            GitRepos.deleteTree(tree);
        }
    }

    static String text(JsonNode n) {
        return n == null ? "" : n.asText();
    }
}
