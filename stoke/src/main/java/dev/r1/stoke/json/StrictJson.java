package dev.r1.stoke.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Parses I-JSON strictly. Jackson rejects duplicate names, trailing content, NaN and
 * malformed UTF-8; the walk after parsing rejects what Jackson lets through: lone
 * surrogates written as escapes, integers that a double cannot hold exactly, and
 * numbers that overflow to infinity.
 */
public final class StrictJson {
    /** Largest integer every IEEE double can represent exactly: 2^53. */
    public static final long MAX_SAFE_INTEGER = 9_007_199_254_740_992L;

    private static final int MAX_DEPTH = 128;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(false))
            .build();

    private StrictJson() {}

    public static JsonNode parse(byte[] utf8) {
        JsonNode node;
        try (JsonParser parser = MAPPER.createParser(utf8)) {
            node = MAPPER.readTree(parser);
        } catch (StreamConstraintsException e) {
            throw new InvalidJsonException("too deeply nested or too large: " + firstLine(e), e);
        } catch (IOException e) {
            throw new InvalidJsonException(firstLine(e), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidJsonException("no JSON value");
        }
        check(node, "$");
        return node;
    }

    public static JsonNode parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The mapper other modules use to build trees, so every tree has the same node types. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static void check(JsonNode node, String path) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    checkString(field.getKey(), path);
                    check(field.getValue(), path + "." + field.getKey());
                }
            }
            case ARRAY -> {
                for (int i = 0; i < node.size(); i++) {
                    check(node.get(i), path + "[" + i + "]");
                }
            }
            case STRING -> checkString(node.textValue(), path);
            case NUMBER -> checkNumber(node, path);
            default -> { }
        }
    }

    private static void checkNumber(JsonNode node, String path) {
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong() || Math.abs(node.longValue()) > MAX_SAFE_INTEGER) {
                throw new InvalidJsonException("integer beyond ±2^53 at " + path + ": " + node.asText());
            }
        } else if (!Double.isFinite(node.doubleValue())) {
            throw new InvalidJsonException("number out of double range at " + path);
        }
    }

    private static void checkString(String s, String path) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new InvalidJsonException("lone surrogate \\u" + Integer.toHexString(c) + " at " + path);
            }
            if (Character.isLowSurrogate(c)) {
                throw new InvalidJsonException("lone surrogate \\u" + Integer.toHexString(c) + " at " + path);
            }
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
