package dev.r1.stoke.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The worked examples of RFC 8785 §3.2.2, §3.2.3 and §3.2.4, typed in. */
class Rfc8785ExamplesTest {

    /** §3.2.2: literals, numbers and string escaping, from the RFC's input with its whitespace. */
    private static final String PRIMITIVES_INPUT = "{\n"
            + "  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
            + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
            + "  \"literals\": [null, true, false]\n"
            + "}";

    private static final String PRIMITIVES_OUTPUT = "{\"literals\":[null,true,false],"
            + "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";

    /** §3.2.4: the UTF-8 bytes of the §3.2.2 output, as the RFC prints them. */
    private static final String PRIMITIVES_UTF8 = """
            7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
            75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
            5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
            65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
            5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
            30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d
            """;

    /** §3.2.3: names sorted by their UTF-16 code units, not by code points or UTF-8 bytes. */
    private static final String SORTING_INPUT = "{\n"
            + "  \"\\u20ac\": \"Euro Sign\",\n"
            + "  \"\\r\": \"Carriage Return\",\n"
            + "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
            + "  \"1\": \"One\",\n"
            + "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
            + "  \"\\u0080\": \"Control\",\n"
            + "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
            + "}";

    private static final String SORTING_OUTPUT = "{"
            + "\"\\r\":\"Carriage Return\","
            + "\"1\":\"One\","
            + "\"\u0080\":\"Control\","
            + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\","
            + "\"\u20ac\":\"Euro Sign\","
            + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
            + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\""
            + "}";

    @Test
    void primitivesAreSerialisedAsInSection322() {
        assertThat(canonical(PRIMITIVES_INPUT)).isEqualTo(PRIMITIVES_OUTPUT);
    }

    @Test
    void outputBytesAreTheUtf8OfSection324() {
        byte[] expected = HexFormat.of().parseHex(PRIMITIVES_UTF8.replaceAll("\\s+", ""));
        assertThat(Jcs.canonicalize(StrictJson.parse(PRIMITIVES_INPUT))).isEqualTo(expected);
        assertThat(PRIMITIVES_OUTPUT.getBytes(StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void membersAreSortedByUtf16CodeUnitsAsInSection323() {
        assertThat(canonical(SORTING_INPUT)).isEqualTo(SORTING_OUTPUT);
    }

    @Test
    void utf16OrderDiffersFromCodePointOrder() {
        // U+1F600 (surrogates D83D DE00) sorts before U+FB33 in UTF-16, after it by code point.
        String astralFirst = "{\"\\ufb33\":1,\"\\ud83d\\ude00\":2}";
        assertThat(canonical(astralFirst)).isEqualTo("{\"\ud83d\ude00\":2,\"\ufb33\":1}");
    }

    @Test
    void nestedObjectsAreSortedAndArraysKeepTheirOrder() {
        assertThat(canonical("{ \"b\" : [ 3 , {\"z\":1,\"a\":2} , 1 ], \"a\" : { } }"))
                .isEqualTo("{\"a\":{},\"b\":[3,{\"a\":2,\"z\":1},1]}");
    }

    @Test
    void stringsEscapeOnlyWhatJsonStringifyEscapes() {
        // the two-character escapes, \\u00xx for the other controls, and everything else literal
        assertThat(canonical("[\"\\b\\f\\n\\r\\t\\u0000\\u001f\\u007f\\u2028\\u2029\\/\"]"))
                .isEqualTo("[\"\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\u2028\u2029/\"]");
    }

    @Test
    void literalsAreWrittenAsTheyAre() {
        assertThat(canonical("[ true , false , null ]")).isEqualTo("[true,false,null]");
    }

    private static String canonical(String json) {
        return new String(Jcs.canonicalize(StrictJson.parse(json)), StandardCharsets.UTF_8);
    }
}
