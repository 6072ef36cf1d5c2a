package dev.r1.bench;

import dev.r1.stoke.sample.RunGenerator;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.json.Jcs;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-event rates, in events per second, over the 1,000 events of a generated run (so the mix
 * of types and sizes is a real one): typed event to JCS bytes to SHA-256, parse and check of
 * an event's JSON, and, as the limit, SHA-256 alone of the same bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventBench {
    static final int EVENTS = 1000;

    private Event[] events;
    private byte[][] canonical;
    private final MessageDigest sha256 = Sha256.newDigest();

    @Setup(Level.Trial)
    public void setup() {
        List<Event> generated = RunGenerator.events(EVENTS);
        events = generated.toArray(new Event[0]);
        canonical = new byte[events.length][];
        for (int i = 0; i < events.length; i++) {
            canonical[i] = EventCodec.canonical(events[i]);
            // The direct writer must give the bytes of the Jackson-tree route, byte for byte.
            if (!Arrays.equals(canonical[i], Jcs.canonicalize(EventCodec.toJson(events[i], true)))) {
                throw new IllegalStateException("EventCodec.canonical differs from JCS of toJson for " + events[i].id());
            }
        }
    }

    /** Typed {@link Event} → JCS bytes → SHA-256. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void canonicalizeAndHash(Blackhole bh) {
        for (Event e : events) bh.consume(Sha256.digest(EventCodec.canonical(e)));
    }

    /** Event JSON bytes → strict parse → shape check → id check (one JCS + SHA-256 inside). */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void parseAndCheck(Blackhole bh) {
        for (byte[] json : canonical) bh.consume(EventCodec.decode(json));
    }

    /** The limit: SHA-256 alone of the same canonical bytes, with one reused MessageDigest. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void sha256Only(Blackhole bh) {
        for (byte[] json : canonical) bh.consume(sha256.digest(json));
    }

    /** The same through {@link Sha256#digest}, which looks up a new MessageDigest each call. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void sha256ViaStokeSha256(Blackhole bh) {
        for (byte[] json : canonical) bh.consume(Sha256.digest(json));
    }
}
