package dev.r1.bench;

import dev.r1.stoke.sample.RunGenerator;
import dev.r1.stoke.Sha256;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.SealedReceipt;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * The seal / limit ratio measured in pairs, for a machine that other work shares: each round
 * times one {@code seal} of the receipt and, right after it, one run of its limit (SHA-256 of
 * every event's canonical bytes and of the unsigned receipt, plus one Ed25519 signature), so
 * both see the same load. Reports the median of the per-round ratios and the ratio of the
 * fastest times. Not a JMH benchmark: a check beside ReceiptBench, run with
 * {@code java -cp bench/target/benchmarks.jar dev.r1.bench.SealRatio [events] [rounds]}.
 */
public final class SealRatio {
    private SealRatio() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        List<Event> events = RunGenerator.events(n);
        SigningKey key = SigningKey.fromSeed(new byte[32]);
        ReceiptSealer sealer = new ReceiptSealer(key);
        SealedReceipt sealed = sealer.seal(events);
        byte[][] canonical = sealed.receipt().events().stream().map(EventCodec::canonical).toArray(byte[][]::new);
        byte[] unsigned = unsigned(sealed.file(), sealed.receipt().signature());
        if (!Sha256.toHex(Sha256.digest(unsigned)).equals(sealed.receipt().digest())) {
            throw new IllegalStateException("the limit would hash other bytes than the sealer");
        }
        MessageDigest sha256 = Sha256.newDigest();
        long sink = 0;

        long warmupEnd = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < warmupEnd) {
            sink += sealer.seal(events).file().length;
            sink += limit(sha256, canonical, unsigned, key)[0];
        }
        long[] seal = new long[rounds];
        long[] limit = new long[rounds];
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            sink += sealer.seal(events).file().length;
            long t1 = System.nanoTime();
            sink += limit(sha256, canonical, unsigned, key)[0];
            long t2 = System.nanoTime();
            seal[r] = t1 - t0;
            limit[r] = t2 - t1;
            ratio[r] = (double) seal[r] / limit[r];
        }
        Arrays.sort(seal);
        Arrays.sort(limit);
        Arrays.sort(ratio);
        System.out.printf("%d events, %d paired rounds (checksum %d)%n", n, rounds, sink);
        System.out.printf("seal : min %8.1f us, median %8.1f us%n", seal[0] / 1e3, seal[rounds / 2] / 1e3);
        System.out.printf("limit: min %8.1f us, median %8.1f us%n", limit[0] / 1e3, limit[rounds / 2] / 1e3);
        System.out.printf("ratio seal/limit: median of pairs %.2f (quartiles %.2f-%.2f), of minima %.2f%n",
                ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4], (double) seal[0] / limit[0]);
    }

    private static byte[] limit(MessageDigest sha256, byte[][] canonical, byte[] unsigned, SigningKey key) {
        byte x = 0;
        for (byte[] b : canonical) x ^= sha256.digest(b)[0];
        byte[] signature = key.sign(sha256.digest(unsigned));
        signature[0] ^= x;
        return signature;
    }

    /** The receipt file less its {@code ,"signature":"..."} member: the bytes the digest is taken over. */
    private static byte[] unsigned(byte[] file, String signature) {
        String text = new String(file, java.nio.charset.StandardCharsets.UTF_8);
        String member = ",\"signature\":\"" + signature + "\"";
        int at = text.indexOf(member);
        return (text.substring(0, at) + text.substring(at + member.length())).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
