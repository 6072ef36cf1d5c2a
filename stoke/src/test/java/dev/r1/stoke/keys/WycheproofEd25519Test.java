package dev.r1.stoke.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1.stoke.Conformance;
import dev.r1.stoke.json.StrictJson;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The verifier's Ed25519 check agrees with every Wycheproof case. */
class WycheproofEd25519Test {
    private static final HexFormat HEX = HexFormat.of();

    @TestFactory
    Stream<DynamicTest> everyCaseAgrees() throws IOException {
        JsonNode suite = StrictJson.parse(Files.readAllBytes(Conformance.resolve("external/wycheproof/ed25519_test.json")));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode group : suite.get("testGroups")) {
            JsonNode publicKey = group.has("publicKey") ? group.get("publicKey") : group.get("key");
            byte[] raw = HEX.parseHex(publicKey.get("pk").textValue());
            for (JsonNode test : group.get("tests")) {
                String name = "tc" + test.get("tcId").asInt() + " " + test.get("comment").textValue();
                boolean expected = test.get("result").textValue().equals("valid");
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    byte[] message = HEX.parseHex(test.get("msg").textValue());
                    byte[] signature = HEX.parseHex(test.get("sig").textValue());
                    boolean actual;
                    try {
                        actual = VerifyingKey.fromRaw(raw).verify(message, signature);
                    } catch (KeyFormatException e) {
                        actual = false;
                    }
                    assertThat(actual).isEqualTo(expected);
                }));
            }
        }
        assertThat(tests).hasSizeGreaterThan(100);
        return tests.stream();
    }
}
