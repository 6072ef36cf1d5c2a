package dev.r1.stoke.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.r1.stoke.testkit.JsonArbitraries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erdtman.jcs.JsonCanonicalizer;

/** Properties of RFC 8785 canonicalisation over random JSON trees. */
class JcsPropertiesTest {
    enum Style { COMPACT, PRETTY, ASCII_ESCAPED }

    private static final ObjectMapper WRITER = JsonMapper.builder().build();

    @Provide
    Arbitrary<JsonNode> documents() {
        return JsonArbitraries.values(3, true);
    }

    /**
     * (d) JCS is idempotent: whatever the parser accepts canonicalises to bytes that it accepts
     * again and that canonicalise to themselves. The only inputs refused are numbers STOKE
     * refuses (integers beyond ±2^53, in either spelling).
     */
    @Property(tries = 300)
    void canonicalisingTwiceChangesNothing(@ForAll("documents") JsonNode tree, @ForAll Style style) throws Exception {
        String text = writer(style).writeValueAsString(tree);
        boolean acceptable = JsonArbitraries.everyNumberAccepted(tree);
        Statistics.label("numbers").collect(acceptable ? "accepted" : "refused");
        Statistics.label("numbers").coverage(c -> c.check("accepted").percentage(p -> p > 60));
        if (!acceptable) {
            try {
                StrictJson.parse(text);
            } catch (InvalidJsonException expected) {
                assertThat(expected.getMessage()).contains("2^53");
                return;
            }
            throw new AssertionError("accepted a number beyond ±2^53: " + text);
        }
        byte[] once = Jcs.canonicalize(StrictJson.parse(text));
        byte[] twice = Jcs.canonicalize(StrictJson.parse(once));
        assertThat(new String(twice, StandardCharsets.UTF_8)).isEqualTo(new String(once, StandardCharsets.UTF_8));
        assertThat(Jcs.canonicalize(StrictJson.parse(text.getBytes(StandardCharsets.UTF_8)))).isEqualTo(once);
    }

    /** The canonical bytes agree with the reference implementation of RFC 8785 (cyberphone/erdtman). */
    @Property(tries = 300)
    void agreesWithTheReferenceImplementation(@ForAll("documents") JsonNode tree) throws Exception {
        // the reference parser wants an object or an array at the top
        String text = "[" + WRITER.writeValueAsString(tree) + "]";
        if (!JsonArbitraries.everyNumberAccepted(tree)) return;
        byte[] ours = Jcs.canonicalize(StrictJson.parse(text));
        byte[] reference = new JsonCanonicalizer(text).getEncodedUTF8();
        assertThat(new String(ours, StandardCharsets.UTF_8)).isEqualTo(new String(reference, StandardCharsets.UTF_8));
    }

    /** Members come out sorted by UTF-16 code units at every level, and each appears once. */
    @Property(tries = 200)
    void membersAreSortedByUtf16CodeUnits(@ForAll("documents") JsonNode tree) throws Exception {
        if (!JsonArbitraries.everyNumberAccepted(tree)) return;
        JsonNode canonical = StrictJson.parse(Jcs.canonicalize(StrictJson.parse(WRITER.writeValueAsString(tree))));
        assertSorted(canonical);
    }

    private static void assertSorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            Iterator<String> it = node.fieldNames();
            it.forEachRemaining(names::add);
            for (int i = 1; i < names.size(); i++) {
                assertThat(compareUtf16(names.get(i - 1), names.get(i))).as("%s before %s", names.get(i - 1), names.get(i))
                        .isNegative();
            }
        }
        for (JsonNode child : node) assertSorted(child);
    }

    /** UTF-16 code unit order, written out rather than trusting String.compareTo. */
    private static int compareUtf16(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            int d = (a.charAt(i) & 0xffff) - (b.charAt(i) & 0xffff);
            if (d != 0) return d;
        }
        return a.length() - b.length();
    }

    private static ObjectWriter writer(Style style) {
        return switch (style) {
            case COMPACT -> WRITER.writer();
            case PRETTY -> WRITER.writerWithDefaultPrettyPrinter();
            case ASCII_ESCAPED -> WRITER.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);
        };
    }
}
