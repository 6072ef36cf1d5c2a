package dev.r1.bench;

import dev.r1.stoke.sample.RunGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.graph.TaskGraph;
import dev.r1.stoke.json.Jcs;
import dev.r1.stoke.receipt.ReceiptSealer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Where the time of {@link ReceiptSealer#seal} goes for one 1,000-event receipt, stage by stage:
 * the graph checks with the canonical order, and the events' canonical bytes, written directly
 * ({@code EventCodec.canonical}) and, for comparison, by the Jackson-tree route
 * ({@code Jcs.canonicalize(EventCodec.toJson(e, true))}) split into its two halves. What seal
 * spends beyond graph + canonicalEvents is the receipt frame (written twice), its digest and
 * the signature (see ReceiptBench.sealLimit and CryptoBench).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SealStagesBench {
    @Param({"1000"})
    public int events;

    private List<Event> recorded;
    private List<Event> ordered;
    private ObjectNode[] trees;

    @Setup(Level.Trial)
    public void setup() {
        recorded = RunGenerator.events(events);
        ordered = TaskGraph.of(recorded).validate();
        trees = new ObjectNode[ordered.size()];
        for (int i = 0; i < trees.length; i++) trees[i] = EventCodec.toJson(ordered.get(i), true);
    }

    /** TaskGraph.of(events).validate(): index, Kahn's order, root, sink, transitions, gates. */
    @Benchmark
    public List<Event> graph() {
        return TaskGraph.of(recorded).validate();
    }

    /** EventCodec.canonical of every event, as seal calls it. */
    @Benchmark
    public void canonicalEvents(Blackhole bh) {
        for (Event e : ordered) bh.consume(EventCodec.canonical(e));
    }

    /** The tree route: EventCodec.toJson then Jcs.canonicalize, for every event. */
    @Benchmark
    public void canonicalViaTree(Blackhole bh) {
        for (Event e : ordered) bh.consume(Jcs.canonicalize(EventCodec.toJson(e, true)));
    }

    /** Half of the tree route: building the Jackson trees only. */
    @Benchmark
    public void toJsonTrees(Blackhole bh) {
        for (Event e : ordered) bh.consume(EventCodec.toJson(e, true));
    }

    /** The other half: JCS of ready trees only. */
    @Benchmark
    public void jcsOfTrees(Blackhole bh) {
        for (ObjectNode tree : trees) bh.consume(Jcs.canonicalize(tree));
    }
}
