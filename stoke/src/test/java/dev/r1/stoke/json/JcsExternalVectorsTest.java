package dev.r1.stoke.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.r1.stoke.Conformance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The cyberphone JCS test data shipped with the conformance vectors. */
class JcsExternalVectorsTest {
    @TestFactory
    Stream<DynamicTest> inputsCanonicaliseToOutputs() throws IOException {
        Path inputs = Conformance.resolve("external/jcs/input");
        try (Stream<Path> files = Files.list(inputs)) {
            return files.sorted().map(input -> DynamicTest.dynamicTest(input.getFileName().toString(), () -> {
                byte[] expected = Files.readAllBytes(inputs.resolveSibling("output").resolve(input.getFileName()));
                assertThat(Jcs.canonicalize(StrictJson.parse(Files.readAllBytes(input)))).isEqualTo(expected);
            })).toList().stream();
        }
    }
}
