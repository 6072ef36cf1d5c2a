package dev.r1.bench;

import dev.r1.stoke.sample.RunGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.graph.TaskGraph;
import dev.r1.stoke.json.Jcs;
import dev.r1.stoke.json.StrictJson;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.ReceiptVerifier;
import java.util.ArrayList;
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
 * Where the time of {@link ReceiptVerifier#verify} goes for one 1,000-event receipt: the steps
 * it takes, each through the same public stoke calls, in its order. Their sum is close to
 * ReceiptBench.verify; the Ed25519 verification itself is CryptoBench.ed25519Verify.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class VerifyStagesBench {
    @Param({"1000"})
    public int events;

    private byte[] file;
    private JsonNode root;
    private JsonNode eventNodes;
    private List<Event> read;

    @Setup(Level.Trial)
    public void setup() {
        file = new ReceiptSealer(SigningKey.fromSeed(new byte[32])).seal(RunGenerator.events(events)).file();
        root = StrictJson.parse(file);
        eventNodes = root.get("events");
        read = new ArrayList<>();
        for (JsonNode node : eventNodes) read.add(EventCodec.readShape(node));
    }

    /** 1. Strict I-JSON parse of the whole file into a Jackson tree, with the I-JSON walk. */
    @Benchmark
    public JsonNode parse() {
        return StrictJson.parse(file);
    }

    /** 2. JCS of the whole tree, to compare with the file (the file must be canonical). */
    @Benchmark
    public byte[] canonicalFormCheck() {
        return Jcs.canonicalize(root);
    }

    /** 3. The shape of every event: EventCodec.readShape. */
    @Benchmark
    public void readShapes(Blackhole bh) {
        for (JsonNode node : eventNodes) bh.consume(EventCodec.readShape(node));
    }

    /** 4. Every event's id: JCS of the event without id, SHA-256, compare (EventCodec.checkId). */
    @Benchmark
    public void checkIds(Blackhole bh) {
        for (int i = 0; i < read.size(); i++) EventCodec.checkId(eventNodes.get(i), read.get(i));
        bh.consume(read);
    }

    /** 5. JCS of every event again, for the receipt digest. */
    @Benchmark
    public void canonicalEventsAgain(Blackhole bh) {
        for (JsonNode node : eventNodes) bh.consume(Jcs.canonicalize(node));
    }

    /** 6. The graph rules and the order check. */
    @Benchmark
    public List<Event> graph() {
        TaskGraph graph = TaskGraph.of(read);
        List<Event> order = graph.canonicalOrder();
        graph.checkRoot();
        graph.checkSink();
        graph.checkTransitions();
        TaskGraph.checkOrder(read, order);
        graph.checkGates();
        return order;
    }
}
