package dev.r1.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.receipt.ReceiptVerifier;
import dev.r1.stoke.receipt.Verification;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Fetching receipts from the ledger, keeping them under DATA/receipts and verifying them offline. */
public final class Receipts {
    static final Duration WAIT = Duration.ofSeconds(120);

    private Receipts() {}

    /** Waits for the ledger to seal the task's receipt (it follows the terminal event closely). */
    public static byte[] await(ApiClient api, String task, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<byte[]> r = api.receipt(task);
            if (r.isPresent()) return r.get();
            if (System.nanoTime() > deadline) {
                throw new IOException("the ledger has not sealed a receipt for " + task + " after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(250);
        }
    }

    public static Path write(DataDir dir, String task, byte[] receipt) throws IOException {
        Files.createDirectories(dir.receipts());
        Path file = dir.receipt(task);
        Files.write(file, receipt);
        return file;
    }

    /**
     * The ledger's public keys in DATA/keys: the ledger writes them there itself (R1_DATA is
     * the data directory); if none is there (a ledger elsewhere), they are fetched from
     * {@code GET /v1/keys} and written there.
     */
    public static List<Path> ensureKeys(DataDir dir, ApiClient api) throws IOException, InterruptedException {
        List<Path> keys = publicKeys(dir.keys());
        if (!keys.isEmpty()) return keys;
        Files.createDirectories(dir.keys());
        HttpResponse<String> r = api.keys();
        List<String> pems = pems(r.body());
        if (pems.isEmpty()) throw new IOException("GET /v1/keys gave no public key: " + r.body());
        for (int i = 0; i < pems.size(); i++) {
            Files.writeString(dir.keys().resolve(i == 0 ? "ledger.pub.pem" : "ledger-" + i + ".pub.pem"), pems.get(i),
                    StandardCharsets.UTF_8);
        }
        return publicKeys(dir.keys());
    }

    /** Every {@code *.pub.pem} in the directory (the private key beside them is never read). */
    public static List<Path> publicKeys(Path keys) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(keys)) return out;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(keys, "*.pub.pem")) {
            s.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    /** PEM blocks in a keys answer: plain PEM text, or JSON holding PEM strings anywhere. */
    static List<String> pems(String body) {
        List<String> out = new ArrayList<>();
        if (body.contains("-----BEGIN PUBLIC KEY-----") && !body.trim().startsWith("{") && !body.trim().startsWith("[")) {
            int at = 0;
            while ((at = body.indexOf("-----BEGIN PUBLIC KEY-----", at)) >= 0) {
                int end = body.indexOf("-----END PUBLIC KEY-----", at);
                if (end < 0) break;
                end += "-----END PUBLIC KEY-----".length();
                out.add(body.substring(at, end) + "\n");
                at = end;
            }
            return out;
        }
        try {
            collect(ApiClient.JSON.readTree(body), out);
        } catch (IOException e) {
            // Not JSON either: nothing usable.
        }
        return out;
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isTextual() && node.textValue().contains("-----BEGIN PUBLIC KEY-----")) {
            out.add(node.textValue().endsWith("\n") ? node.textValue() : node.textValue() + "\n");
        } else if (node.isContainerNode()) {
            node.forEach(child -> collect(child, out));
        }
    }

    public static Verification verify(List<Path> keys, byte[] receipt) throws IOException {
        return new ReceiptVerifier(Keyring.load(keys)).verify(receipt);
    }

    /** "valid, signed by kid:…" or the first rule broken. */
    public static String verdict(Verification v) {
        return v.valid() ? "valid (receipt " + v.receipt().digest().substring(0, 16) + "..., " + v.receipt().events().size()
                + " events, signed by " + v.receipt().signingKeyId().substring(0, 16) + "...)"
                : "INVALID: " + v.violation().getMessage();
    }
}
