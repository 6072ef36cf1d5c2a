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
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
        CharBuffer text = decodeUtf8(utf8);
        return parse(text.array(), text.arrayOffset() + text.position(), text.remaining());
    }

    public static JsonNode parse(String json) {
        return parse(json.toCharArray(), 0, json.length());
    }

    private static JsonNode parse(char[] text, int offset, int length) {
        if (length > 0 && text[offset] == '\uFEFF') { // a leading byte order mark is skipped, as Jackson's byte parser did
            offset++;
            length--;
        }
        JsonNode node;
        try (JsonParser parser = MAPPER.createParser(text, offset, length)) {
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

    /**
     * Strict UTF-8 (RFC 3629): overlong forms, encoded surrogates and bytes of other encodings
     * are refused. Jackson's byte parser accepts overlong forms (C0 AF as '/') and guesses
     * UTF-16 and UTF-32 from the first bytes, so the bytes are decoded here instead.
     */
    private static CharBuffer decodeUtf8(byte[] utf8) {
        ByteBuffer in = ByteBuffer.wrap(utf8);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in);
        } catch (CharacterCodingException e) {
            throw new InvalidJsonException("invalid UTF-8 at byte " + in.position(), e);
        }
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
            // not Math.abs, which leaves Long.MIN_VALUE negative
            if (!node.canConvertToLong() || node.longValue() > MAX_SAFE_INTEGER || node.longValue() < -MAX_SAFE_INTEGER) {
                throw new InvalidJsonException("integer beyond ±2^53 at " + path + ": " + node.asText());
            }
        } else if (!Double.isFinite(node.doubleValue())) {
            throw new InvalidJsonException("number out of double range at " + path);
        } else if (Math.abs(node.doubleValue()) > MAX_SAFE_INTEGER && Math.abs(node.doubleValue()) < 1e21) {
            // Every double this large is an integer, and JCS writes it as one (1e20 as
            // 100000000000000000000), which is refused above: refuse it in this spelling too,
            // so that the canonical form of everything accepted is accepted. From 1e21 on JCS
            // writes an exponent (1e+21), which reads back as a double.
            throw new InvalidJsonException("integer beyond ±2^53 at " + path + ": " + node.asText());
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
