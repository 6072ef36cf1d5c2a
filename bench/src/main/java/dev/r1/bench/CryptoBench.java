package dev.r1.bench;

import dev.r1.stoke.Sha256;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.keys.VerifyingKey;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** One Ed25519 signature and one verification of a 32-byte receipt digest (BouncyCastle, as the receipts use). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CryptoBench {
    private SigningKey key;
    private VerifyingKey publicKey;
    private byte[] digest;
    private byte[] signature;

    @Setup(Level.Trial)
    public void setup() {
        key = SigningKey.fromSeed(new byte[32]);
        publicKey = key.verifyingKey();
        digest = Sha256.digest("a receipt".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        signature = key.sign(digest);
    }

    @Benchmark
    public byte[] ed25519Sign() {
        return key.sign(digest);
    }

    @Benchmark
    public boolean ed25519Verify() {
        return publicKey.verify(digest, signature);
    }
}
