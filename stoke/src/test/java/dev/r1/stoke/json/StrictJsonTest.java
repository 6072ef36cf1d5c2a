package dev.r1.stoke.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** I-JSON (RFC 7493) as STOKE v1.0 §1 reads it: refused, never repaired. */
class StrictJsonTest {

    @Nested
    class Refuses {
        @Test
        void duplicateMemberNames() {
            assertRefused("{\"a\":1,\"b\":2,\"a\":3}", "Duplicate field 'a'");
        }

        @Test
        void duplicateMemberNamesInNestedObjects() {
            assertRefused("{\"outer\":[{\"k\":true,\"k\":true}]}", "Duplicate field 'k'");
        }

        @Test
        void duplicateNamesSpelledDifferently() {
            // "a" and "\u0061" are the same name once unescaped
            assertRefused("{\"a\":1,\"\\u0061\":2}", "Duplicate field 'a'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"[\"\\ud800\"]", "[\"x\\udfffy\"]", "[\"\\ud83d\\u0041\"]", "[\"\\ude00\\ud83d\"]",
                "{\"\\ud800\":1}"})
        void escapedLoneSurrogates(String json) {
            assertRefused(json, "surrogate");
        }

        @Test
        void loneSurrogatesInJavaStrings() {
            // a String can hold one; it must not be turned into '?' on the way to UTF-8
            assertThatThrownBy(() -> StrictJson.parse("[\"\ud800\"]")).isInstanceOf(InvalidJsonException.class);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"[1e400]", "[-1e400]", "[1.8e308]", "{\"t\":1234567890e300}"})
        void numbersBeyondDoubleRange(String json) {
            assertRefused(json, "out of double range");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"[9007199254740993]", "[-9007199254740993]", "[18446744073709551616]",
                "[295147905179352830000]", "[1e20]", "[-1.5e17]", "[9007199254740994.0]",
                "[-9223372036854775808]", "[9223372036854775807]"})
        void integersBeyondTwoToThe53(String json) {
            assertRefused(json, "integer beyond ±2^53");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"[NaN]", "[Infinity]", "[-Infinity]", "[+1]", "[.5]", "[01]", "[1.]", "[0x10]"})
        void nonJsonNumbers(String json) {
            assertThatThrownBy(() -> StrictJson.parse(json)).isInstanceOf(InvalidJsonException.class);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"{} x", "{}{}", "[1] [2]", "\"a\" \"b\"", "1 2", "{},", "null null"})
        void trailingContent(String json) {
            assertThatThrownBy(() -> StrictJson.parse(json)).isInstanceOf(InvalidJsonException.class);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"", "   ", "[1,]", "{\"a\":1,}", "['a']", "{a:1}", "[1 /* c */]", "[\"tab\there\"]",
                "[\"\\x41\"]", "[\"\\u12\"]", "[tru]"})
        void malformedJson(String json) {
            assertThatThrownBy(() -> StrictJson.parse(json)).isInstanceOf(InvalidJsonException.class);
        }

        /** Hex of the bytes between the brackets of {@code ["…"]}. */
        @ParameterizedTest(name = "{1}")
        @CsvSource({
                "c328, bad continuation byte",
                "80, lone continuation byte",
                "ff, byte never used in UTF-8",
                "e282, sequence cut short",
                "c0af, overlong encoding of '/'",
                "e080af, three-byte overlong encoding of '/'",
                "f08282ac, four-byte overlong encoding of U+20AC",
                "eda080, UTF-8 encoded surrogate (CESU-8)",
                "f4908080, beyond U+10FFFF",
                "f5808080, lead byte beyond U+10FFFF"})
        void invalidUtf8(String hex, String what) {
            byte[] json = bytes("[\"", HexFormat.of().parseHex(hex), "\"]");
            assertThatThrownBy(() -> StrictJson.parse(json)).as(what).isInstanceOf(InvalidJsonException.class);
        }

        @Test
        void textThatIsNotUtf8() {
            // I-JSON must be UTF-8; a parser that guesses UTF-16 or UTF-32 would accept these
            assertThatThrownBy(() -> StrictJson.parse("[\"x\"]".getBytes(StandardCharsets.UTF_16BE)))
                    .isInstanceOf(InvalidJsonException.class);
            assertThatThrownBy(() -> StrictJson.parse("[\"x\"]".getBytes(StandardCharsets.UTF_16LE)))
                    .isInstanceOf(InvalidJsonException.class);
            assertThatThrownBy(() -> StrictJson.parse("[\"xy\"]".getBytes(java.nio.charset.Charset.forName("UTF-32BE"))))
                    .isInstanceOf(InvalidJsonException.class);
        }

        @Test
        void nestingBombs() {
            assertRefused("[".repeat(100_000) + "]".repeat(100_000), "nesting depth");
            assertRefused("[".repeat(1_000_000), "nesting depth");
            assertRefused("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000), "nesting depth");
        }

        @Test
        void hugeNumberLiterals() {
            assertRefused("[1." + "1".repeat(5_000) + "]", "Number value length");
        }
    }

    @Nested
    class Accepts {
        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource(delimiter = '|', textBlock = """
                [-0]                      | [0]
                [-0.0]                    | [0]
                [-0e0]                    | [0]
                [0E-7]                    | [0]
                [1E+21]                   | [1e+21]
                [1e21]                    | [1e+21]
                [1E21]                    | [1e+21]
                [-1e21]                   | [-1e+21]
                [1e-7]                    | [1e-7]
                [0.0000001]               | [1e-7]
                [1.0]                     | [1]
                [100]                     | [100]
                [1E2]                     | [100]
                [0.1E1]                   | [1]
                [0.30000000000000004]     | [0.30000000000000004]
                [9007199254740992]        | [9007199254740992]
                [-9007199254740992]       | [-9007199254740992]
                [9007199254740992.0]      | [9007199254740992]
                [1e+300]                  | [1e+300]
                """)
        void numbersCanonicalise(String json, String canonical) {
            assertThat(Jcs.canonicalString(StrictJson.parse(json))).isEqualTo(canonical);
        }

        @Test
        void lineSeparatorsLiterallyAndEscaped() {
            String literal = "[\"a\u2028b\u2029c\"]";
            assertThat(Jcs.canonicalString(StrictJson.parse(literal))).isEqualTo(literal);
            assertThat(Jcs.canonicalString(StrictJson.parse("[\"a\\u2028b\\u2029c\"]"))).isEqualTo(literal);
        }

        @Test
        void astralCharactersLiterallyAndAsEscapedPairs() {
            String literal = "{\"\ud83d\ude80\":\"\ud834\udd1e\"}";
            assertThat(StrictJson.parse(literal).get("\ud83d\ude80").textValue()).isEqualTo("\ud834\udd1e");
            assertThat(Jcs.canonicalize(StrictJson.parse("{\"\\ud83d\\ude80\":\"\\ud834\\udd1e\"}")))
                    .isEqualTo(literal.getBytes(StandardCharsets.UTF_8))
                    .startsWith(0x7b, 0x22, 0xf0, 0x9f, 0x9a, 0x80);
        }

        @Test
        void nestingUpToTheLimit() {
            String deep = "[".repeat(128) + "]".repeat(128);
            assertThat(Jcs.canonicalString(StrictJson.parse(deep))).isEqualTo(deep);
        }

        @Test
        void whitespaceAroundTheValue() {
            assertThat(Jcs.canonicalString(StrictJson.parse(" \t\r\n{ \"a\" : [ 1 , 2 ] }\n "))).isEqualTo("{\"a\":[1,2]}");
        }

        @Test
        void aLeadingByteOrderMark() {
            // RFC 8259 §8.1 lets a parser ignore it; the value, and so its canonical form, is unchanged
            byte[] json = bytes("", new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, "{\"a\":1}");
            assertThat(Jcs.canonicalString(StrictJson.parse(json))).isEqualTo("{\"a\":1}");
        }

        @Test
        void theSameNameInDifferentObjects() {
            assertThat(Jcs.canonicalString(StrictJson.parse("{\"a\":{\"a\":1},\"b\":{\"a\":2}}")))
                    .isEqualTo("{\"a\":{\"a\":1},\"b\":{\"a\":2}}");
        }

        @Test
        void bytesAndStringsAlike() {
            String json = "{\"\u00e9\":[\"\u20ac\",\"\ud83d\ude80\"]}";
            assertThat(StrictJson.parse(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(StrictJson.parse(json));
        }
    }

    private static void assertRefused(String json, String why) {
        assertThatThrownBy(() -> StrictJson.parse(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining(why);
    }

    private static byte[] bytes(String before, byte[] middle, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(middle, 0, out, a.length, middle.length);
        System.arraycopy(c, 0, out, a.length + middle.length, c.length);
        return out;
    }
}
