package dev.r1.stoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1.stoke.event.Event;
import dev.r1.stoke.event.EventCodec;
import dev.r1.stoke.json.StrictJson;
import dev.r1.stoke.keys.Keyring;
import dev.r1.stoke.keys.SigningKey;
import dev.r1.stoke.keys.VerifyingKey;
import dev.r1.stoke.receipt.ReceiptSealer;
import dev.r1.stoke.receipt.ReceiptVerifier;
import dev.r1.stoke.receipt.SealedReceipt;
import dev.r1.stoke.receipt.Verification;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every vector of ../shared/conformance: valid receipts verify, invalid ones fail the named rule, seals match. */
class ConformanceTest {
    private static final ReceiptVerifier VERIFIER = new ReceiptVerifier(Keyring.of(publicKey()));

    static VerifyingKey publicKey() {
        return VerifyingKey.fromPem(read("keys/signer.pub.pem"));
    }

    static SigningKey privateKey() {
        return SigningKey.fromPem(read("keys/signer.key.pem"));
    }

    @TestFactory
    Stream<DynamicTest> indexedReceipts() throws IOException {
        JsonNode index = StrictJson.parse(Files.readAllBytes(Conformance.resolve("index.json")));
        assertThat(index.size()).isGreaterThan(0);
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode entry : index) {
            String file = entry.get("file").textValue();
            boolean valid = entry.get("valid").booleanValue();
            String why = entry.has("why") ? entry.get("why").textValue() : null;
            tests.add(DynamicTest.dynamicTest(file, () -> {
                Verification v = VERIFIER.verify(Files.readAllBytes(Conformance.resolve(file)));
                if (valid) {
                    assertThat(v.violation()).as(file).isNull();
                    assertThat(v.receipt().digest()).matches("[0-9a-f]{64}");
                } else {
                    assertThat(v.valid()).as(file + " must be rejected: " + why).isFalse();
                    assertThat(v.violation().rule()).as(why + " / " + v.violation().getMessage()).isEqualTo(ruleOf(why));
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyReceiptFileIsCovered() throws IOException {
        try (Stream<Path> valid = Files.list(Conformance.resolve("valid"));
                Stream<Path> invalid = Files.list(Conformance.resolve("invalid"))) {
            return Stream.concat(
                    valid.sorted().map(p -> DynamicTest.dynamicTest("valid/" + p.getFileName(),
                            () -> assertThat(VERIFIER.verify(Files.readAllBytes(p)).violation()).isNull())),
                    invalid.sorted().map(p -> DynamicTest.dynamicTest("invalid/" + p.getFileName(),
                            () -> assertThat(VERIFIER.verify(Files.readAllBytes(p)).valid()).isFalse())))
                    .toList().stream();
        }
    }

    @TestFactory
    Stream<DynamicTest> sealingReproducesReceiptsByteForByte() throws IOException {
        ReceiptSealer sealer = new ReceiptSealer(privateKey());
        try (Stream<Path> files = Files.list(Conformance.resolve("seal"))) {
            List<Path> inputs = files.filter(p -> p.toString().endsWith(".events.jsonl")).sorted().toList();
            assertThat(inputs).isNotEmpty();
            return inputs.stream().map(input -> DynamicTest.dynamicTest(input.getFileName().toString(), () -> {
                List<Event> events = new ArrayList<>();
                for (String line : Files.readAllLines(input, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) events.add(EventCodec.decode(line.getBytes(StandardCharsets.UTF_8)));
                }
                SealedReceipt sealed = sealer.seal(events);
                Path expected = input.resolveSibling(input.getFileName().toString().replace(".events.jsonl", ".receipt.json"));
                assertThat(new String(sealed.file(), StandardCharsets.UTF_8))
                        .isEqualTo(new String(Files.readAllBytes(expected), StandardCharsets.UTF_8).stripTrailing());
                assertThat(VERIFIER.verify(sealed.file()).violation()).isNull();
            })).toList().stream();
        }
    }

    /** The generator words its reasons its own way; this maps them onto our rules. */
    static Rule ruleOf(String why) {
        if (why.startsWith("id mismatch")) return Rule.ID_MISMATCH;
        if (why.contains("canonical order")) return Rule.ORDER;
        if (why.startsWith("open graph")) return Rule.OPEN_GRAPH;
        if (why.startsWith("signature")) return Rule.SIGNATURE;
        if (why.contains("untrusted") || why.contains("unknown key")) return Rule.UNKNOWN_KEY;
        if (why.startsWith("duplicate")) return Rule.DUPLICATE;
        if (why.startsWith("unknown type") || why.contains("shape")) return Rule.EVENT_SHAPE;
        if (why.contains("recorded over") || why.contains("gate")) return Rule.GATE_INVARIANT;
        if (why.contains("cycle")) return Rule.CYCLE;
        if (why.contains("root")) return Rule.ROOT;
        if (why.contains("sink") || why.contains("terminal")) return Rule.SINK;
        if (why.contains("spec_version")) return Rule.SPEC_VERSION;
        if (why.contains("transition") || why.contains("illegal")) return Rule.TRANSITION;
        return Rule.PARSE;
    }

    private static String read(String relative) {
        try {
            return Files.readString(Conformance.resolve(relative), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
