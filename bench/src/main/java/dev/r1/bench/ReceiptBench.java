package dev.r1.bench;

import dev.r1.stoke.sample.RunGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.json.Jcs;
import dev.r1.stoke.json.StrictJson;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.keys.VerifyingKey;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.ReceiptVerifier;
import dev.r1.stoke.receipt.SealedReceipt;
import dev.r1.stoke.receipt.Verification;
import java.security.MessageDigest;
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
 * Sealing and verifying whole receipts of 10, 1,000 and 100,000 events, in average time per
 * receipt, beside their limits: the raw SHA-256 of the bytes involved (every event's canonical
 * bytes, each hashed on its own, plus the unsigned receipt bytes, hashed once, all with one reused
 * MessageDigest) with one Ed25519 signature ({@code sealLimit}) or one verification
 * ({@code verifyLimit}). Setup checks that the receipt verifies and that the limit hashes exactly
 * the bytes whose digest the sealer signed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReceiptBench {
    @Param({"10", "1000", "100000"})
    public int events;

    private List<Event> recorded;
    private ReceiptSealer sealer;
    private ReceiptVerifier verifier;
    private SigningKey key;
    private VerifyingKey publicKey;
    private byte[] file;
    private byte[][] canonicalEvents;
    private byte[] unsignedReceipt;
    private byte[] digest;
    private byte[] signature;
    private final MessageDigest sha256 = Sha256.newDigest();

    @Setup(Level.Trial)
    public void setup() {
        recorded = RunGenerator.events(events);
        key = SigningKey.fromSeed(new byte[32]);
        publicKey = key.verifyingKey();
        sealer = new ReceiptSealer(key);
        verifier = new ReceiptVerifier(Keyring.of(publicKey));

        SealedReceipt sealed = sealer.seal(recorded);
        file = sealed.file();
        Verification v = verifier.verify(file);
        if (!v.valid()) throw new IllegalStateException("generated receipt does not verify: " + v.violation());

        List<Event> ordered = sealed.receipt().events();
        canonicalEvents = new byte[ordered.size()][];
        for (int i = 0; i < ordered.size(); i++) canonicalEvents[i] = EventCodec.canonical(ordered.get(i));
        ObjectNode receipt = (ObjectNode) StrictJson.parse(file);
        receipt.remove("signature");
        unsignedReceipt = Jcs.canonicalize(receipt);
        digest = Sha256.digest(unsignedReceipt);
        if (!Sha256.toHex(digest).equals(sealed.receipt().digest())) {
            throw new IllegalStateException("the limit would hash other bytes than the sealer");
        }
        signature = key.sign(digest);
    }

    @Benchmark
    public SealedReceipt seal() {
        return sealer.seal(recorded);
    }

    @Benchmark
    public Verification verify() {
        return verifier.verify(file);
    }

    /** SHA-256 of every event's canonical bytes and of the unsigned receipt: the hashing a receipt needs. */
    @Benchmark
    public byte[] hashLimit(Blackhole bh) {
        return hashAll(bh);
    }

    /** The sealing limit: {@link #hashLimit} plus one Ed25519 signature of the digest. */
    @Benchmark
    public byte[] sealLimit(Blackhole bh) {
        return key.sign(hashAll(bh));
    }

    /** The verification limit: {@link #hashLimit} plus one Ed25519 verification. */
    @Benchmark
    public boolean verifyLimit(Blackhole bh) {
        return publicKey.verify(hashAll(bh), signature);
    }

    private byte[] hashAll(Blackhole bh) {
        for (byte[] b : canonicalEvents) bh.consume(sha256.digest(b));
        return sha256.digest(unsignedReceipt);
    }
}
