package dev.r1.stoke.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 8785 Appendix B, "Number Serialization Samples": IEEE-754 bit patterns and their JSON text. */
class Rfc8785NumberSerializationTest {

    /** The finite rows of Appendix B. */
    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            0000000000000000 | 0                        | Zero
            8000000000000000 | 0                        | Minus zero
            0000000000000001 | 5e-324                   | Min pos number
            8000000000000001 | -5e-324                  | Min neg number
            7fefffffffffffff | 1.7976931348623157e+308  | Max pos number
            ffefffffffffffff | -1.7976931348623157e+308 | Max neg number
            4340000000000000 | 9007199254740992         | Max pos int
            c340000000000000 | -9007199254740992        | Max neg int
            4430000000000000 | 295147905179352830000    | ~2**68
            44b52d02c7e14af5 | 9.999999999999997e+22    |
            44b52d02c7e14af6 | 1e+23                    |
            44b52d02c7e14af7 | 1.0000000000000001e+23   |
            444b1ae4d6e2ef4e | 999999999999999700000    |
            444b1ae4d6e2ef4f | 999999999999999900000    |
            444b1ae4d6e2ef50 | 1e+21                    |
            3eb0c6f7a0b5ed8c | 9.999999999999997e-7     |
            3eb0c6f7a0b5ed8d | 0.000001                 |
            41b3de4355555553 | 333333333.3333332        |
            41b3de4355555554 | 333333333.33333325       |
            41b3de4355555555 | 333333333.3333333        |
            41b3de4355555556 | 333333333.3333334        |
            41b3de4355555557 | 333333333.33333343       |
            becbf647612f3696 | -0.0000033333333333333333 |
            43143ff3c1cb0959 | 1424953923781206.2       | Round to even
            """)
    void finiteSamplesSerialiseAsInTheRfc(String ieee754, String expected, String comment) {
        assertThat(serialise(bits(ieee754))).isEqualTo(expected);
    }

    /** The NaN and Infinity rows of Appendix B: RFC 8785 §3.2.2.3 makes them an error. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"7fffffffffffffff", "7ff0000000000000", "fff0000000000000", "7ff8000000000000"})
    void nonFiniteSamplesAreRejected(String ieee754) {
        double value = bits(ieee754);
        assertThat(Double.isFinite(value)).isFalse();
        assertThatThrownBy(() -> serialise(value))
                .isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("not representable");
    }

    /**
     * The same rows through the parser: the shortest round-trip text of each value parses to
     * the same double and canonicalises to the RFC's text. Rows whose JCS text is an integer
     * beyond 2^53 are left out here; the profile refuses them (see
     * {@link #integersBeyondTwoToThe53AreRefusedInEitherSpelling}).
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0000000000000000 | 0
            8000000000000000 | 0
            0000000000000001 | 5e-324
            8000000000000001 | -5e-324
            7fefffffffffffff | 1.7976931348623157e+308
            ffefffffffffffff | -1.7976931348623157e+308
            4340000000000000 | 9007199254740992
            c340000000000000 | -9007199254740992
            44b52d02c7e14af5 | 9.999999999999997e+22
            44b52d02c7e14af6 | 1e+23
            44b52d02c7e14af7 | 1.0000000000000001e+23
            444b1ae4d6e2ef50 | 1e+21
            3eb0c6f7a0b5ed8c | 9.999999999999997e-7
            3eb0c6f7a0b5ed8d | 0.000001
            41b3de4355555553 | 333333333.3333332
            41b3de4355555554 | 333333333.33333325
            41b3de4355555555 | 333333333.3333333
            41b3de4355555556 | 333333333.3333334
            41b3de4355555557 | 333333333.33333343
            becbf647612f3696 | -0.0000033333333333333333
            43143ff3c1cb0959 | 1424953923781206.2
            """)
    void parsedSamplesCanonicaliseAsInTheRfc(String ieee754, String expected) {
        double value = bits(ieee754);
        String canonical = Jcs.canonicalString(StrictJson.parse("[" + Double.toString(value) + "]"));
        assertThat(canonical).isEqualTo("[" + expected + "]");
        // the RFC's text is itself canonical and reads back as the same number
        String again = Jcs.canonicalString(StrictJson.parse("[" + expected + "]"));
        assertThat(again).isEqualTo(canonical);
        assertThat(StrictJson.parse(expected).doubleValue()).isEqualTo(value == 0 ? 0.0 : value);
    }

    /**
     * 2^68 and its neighbours serialise as long integers (RFC 8785 Appendix B, note 2), which
     * the profile's "integers beyond ±2^53 are rejected" refuses. Their exponent spelling must
     * be refused too: otherwise an accepted input would canonicalise to text that is not
     * accepted, and a receipt holding it could be sealed but never verified.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"4430000000000000", "444b1ae4d6e2ef4e", "444b1ae4d6e2ef4f"})
    void integersBeyondTwoToThe53AreRefusedInEitherSpelling(String ieee754) {
        double value = bits(ieee754);
        String jcs = serialise(value);
        assertThatThrownBy(() -> StrictJson.parse(jcs))
                .isInstanceOf(InvalidJsonException.class).hasMessageContaining("2^53");
        assertThatThrownBy(() -> StrictJson.parse(Double.toString(value)))
                .isInstanceOf(InvalidJsonException.class).hasMessageContaining("2^53");
    }

    private static double bits(String hex) {
        return Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16));
    }

    private static String serialise(double value) {
        Jcs.Sink sink = new Jcs.Sink(32);
        Jcs.writeDouble(value, sink);
        return new String(sink.toByteArray(), StandardCharsets.US_ASCII);
    }
}
