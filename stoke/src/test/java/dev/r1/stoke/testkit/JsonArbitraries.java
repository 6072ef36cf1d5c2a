package dev.r1.stoke.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1.stoke.json.StrictJson;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** jqwik generators of JSON values, leaning towards the corners RFC 8785 and I-JSON care about. */
public final class JsonArbitraries {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long MAX_SAFE = StrictJson.MAX_SAFE_INTEGER;

    private JsonArbitraries() {}

    /** Strings of Unicode scalar values (never a lone surrogate), mostly ASCII, with controls, escapes and astral characters. */
    public static Arbitrary<String> text(int maxLength) {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.integers().between(0x20, 0x7e)),
                Tuple.of(2, Arbitraries.integers().between(0x00, 0x1f)),
                Tuple.of(3, Arbitraries.of(0x22, 0x5c, 0x2f, 0x7f, 0x80, 0xe9, 0xf6, 0x2028, 0x2029, 0x20ac, 0xfb33,
                        0xfeff, 0xfffd, 0xffff, 0x1f600, 0x1f680, 0x10ffff)),
                Tuple.of(1, Arbitraries.integers().between(0x80, 0xd7ff)),
                Tuple.of(1, Arbitraries.integers().between(0xe000, 0xffff)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10ffff)));
        return codePoint.list().ofMaxSize(maxLength).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    /** Finite doubles from the whole range (random bit patterns), the RFC 8785 corners, and everyday values. */
    public static Arbitrary<Double> doubles() {
        Arbitrary<Double> anyBits = Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite);
        Arbitrary<Double> corners = Arbitraries.of(0.0, -0.0, 1e21, 1e-7, 1e-6, 0.30000000000000004, Double.MIN_VALUE,
                -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 9007199254740992.0, -9007199254740992.0,
                9007199254740994.0, 1e20, 999999999999999700000.0, 999999999999999900000.0, 295147905179352830000.0,
                333333333.33333329, 1424953923781206.2, 9.999999999999997e-7, 1e23, 1.0000000000000001e23, 0.1, 5e-324,
                2.5e-308);
        Arbitrary<Double> everyday = Arbitraries.doubles().between(-1e6, 1e6).ofScale(3);
        return Arbitraries.frequencyOf(Tuple.of(4, anyBits), Tuple.of(2, corners), Tuple.of(2, everyday));
    }

    /**
     * Whether STOKE accepts this number: integers within ±2^53, and doubles whose JCS text does
     * not turn them into an integer beyond 2^53 (that is, below 2^53 or from 1e21 up).
     */
    public static boolean acceptedNumber(JsonNode number) {
        if (number.isIntegralNumber()) {
            return number.canConvertToLong() && number.longValue() <= MAX_SAFE && number.longValue() >= -MAX_SAFE;
        }
        double d = Math.abs(number.doubleValue());
        return d <= MAX_SAFE || d >= 1e21;
    }

    public static boolean everyNumberAccepted(JsonNode node) {
        if (node.isNumber()) return acceptedNumber(node);
        for (JsonNode child : node) {
            if (!everyNumberAccepted(child)) return false;
        }
        return true;
    }

    /**
     * JSON values nested up to {@code depth}. With {@code anyNumber}, numbers STOKE refuses
     * (integers beyond ±2^53, in either spelling) are generated too.
     */
    public static Arbitrary<JsonNode> values(int depth, boolean anyNumber) {
        Arbitrary<JsonNode> doubles = doubles().map(d -> (JsonNode) NODES.numberNode(d.doubleValue()));
        if (!anyNumber) doubles = doubles.filter(JsonArbitraries::acceptedNumber);
        Arbitrary<JsonNode> integers = Arbitraries.longs().between(-MAX_SAFE, MAX_SAFE)
                .map(n -> (JsonNode) NODES.numberNode(n.longValue()));
        Arbitrary<JsonNode> nulls = Arbitraries.just(NODES.nullNode());
        Arbitrary<JsonNode> booleans = Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b));
        Arbitrary<JsonNode> strings = text(12).map(t -> (JsonNode) NODES.textNode(t));
        Arbitrary<JsonNode> leaf;
        if (anyNumber) {
            Arbitrary<JsonNode> hugeIntegers = Arbitraries.bigIntegers()
                    .between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
                    .filter(b -> b.abs().compareTo(BigInteger.valueOf(MAX_SAFE)) > 0)
                    .map(b -> (JsonNode) NODES.numberNode(b));
            leaf = Arbitraries.frequencyOf(Tuple.of(1, nulls), Tuple.of(1, booleans), Tuple.of(4, strings),
                    Tuple.of(2, integers), Tuple.of(3, doubles), Tuple.of(1, hugeIntegers));
        } else {
            leaf = Arbitraries.frequencyOf(Tuple.of(1, nulls), Tuple.of(1, booleans), Tuple.of(4, strings),
                    Tuple.of(2, integers), Tuple.of(3, doubles));
        }
        if (depth == 0) return leaf;
        Arbitrary<JsonNode> child = values(depth - 1, anyNumber);
        return Arbitraries.frequencyOf(
                Tuple.of(3, leaf),
                Tuple.of(1, arrays(child)),
                Tuple.of(1, objects(child)));
    }

    public static Arbitrary<ObjectNode> objects(int depth, boolean anyNumber) {
        return objects(values(Math.max(0, depth - 1), anyNumber)).map(o -> (ObjectNode) o);
    }

    private static Arbitrary<JsonNode> arrays(Arbitrary<JsonNode> element) {
        return element.list().ofMaxSize(4).map(list -> {
            ArrayNode array = NODES.arrayNode();
            list.forEach(array::add);
            return array;
        });
    }

    private static Arbitrary<JsonNode> objects(Arbitrary<JsonNode> member) {
        return Arbitraries.maps(text(6), member).ofMaxSize(4).map(map -> {
            ObjectNode object = NODES.objectNode();
            map.forEach(object::set);
            return object;
        });
    }
}
