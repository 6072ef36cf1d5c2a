package dev.r1.stoke.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.erdtman.jcs.NumberToJSON;

/**
 * RFC 8785 JSON Canonicalization Scheme over a tree from {@link StrictJson}.
 *
 * <p>Members are sorted by UTF-16 code units, which is exactly {@link String#compareTo}.
 * Numbers use the ECMAScript serialisation from the reference JCS implementation.
 */
public final class Jcs {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** The ASCII characters a JSON string holds as they are: all but controls, {@code "} and {@code \\}. */
    private static final boolean[] PLAIN = new boolean[0x80];

    static {
        for (char c = 0x20; c < 0x80; c++) PLAIN[c] = c != '"' && c != '\\';
    }

    private Jcs() {}

    public static byte[] canonicalize(JsonNode node) {
        Sink out = new Sink(256);
        write(node, out);
        return out.toByteArray();
    }

    /** The canonical bytes of an object without one of its members: how an event id is taken. */
    public static byte[] canonicalizeWithout(JsonNode object, String skipped) {
        Sink out = new Sink(256);
        writeObject(object, out, skipped);
        return out.toByteArray();
    }

    public static String canonicalString(JsonNode node) {
        return new String(canonicalize(node), StandardCharsets.UTF_8);
    }

    public static void write(JsonNode node, Sink out) {
        switch (node.getNodeType()) {
            case OBJECT -> writeObject(node, out, null);
            case ARRAY -> {
                out.write('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) out.write(',');
                    write(node.get(i), out);
                }
                out.write(']');
            }
            case STRING -> writeString(node.textValue(), out);
            case NUMBER -> writeNumber(node, out);
            case BOOLEAN -> out.ascii(node.booleanValue() ? "true" : "false");
            case NULL -> out.ascii("null");
            default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    private static void writeObject(JsonNode node, Sink out, String skipped) {
        List<String> names = new ArrayList<>(node.size());
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String name = it.next();
            if (!name.equals(skipped)) names.add(name);
        }
        names.sort(null);
        out.write('{');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) out.write(',');
            writeString(names.get(i), out);
            out.write(':');
            write(node.get(names.get(i)), out);
        }
        out.write('}');
    }

    public static void writeNumber(JsonNode node, Sink out) {
        if (node.isIntegralNumber() && node.canConvertToLong()
                && Math.abs(node.longValue()) <= StrictJson.MAX_SAFE_INTEGER) {
            out.ascii(Long.toString(node.longValue()));
        } else {
            writeDouble(node.doubleValue(), out);
        }
    }

    public static void writeDouble(double value, Sink out) {
        try {
            out.ascii(NumberToJSON.serializeNumber(value));
        } catch (IOException e) {
            throw new InvalidJsonException("number not representable in JSON: " + value, e);
        }
    }

    /** JSON.stringify's escaping: the two-character escapes, {@code \\u00xx} for other controls, all else literal. */
    public static void writeString(String s, Sink out) {
        out.write('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            // Runs of printable ASCII other than '"' and '\\' are copied as they are, in one tight loop.
            i = out.plainAscii(s, i);
            if (i == n) break;
            char c = s.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '"' -> out.ascii("\\\"");
                    case '\\' -> out.ascii("\\\\");
                    case '\b' -> out.ascii("\\b");
                    case '\f' -> out.ascii("\\f");
                    case '\n' -> out.ascii("\\n");
                    case '\r' -> out.ascii("\\r");
                    case '\t' -> out.ascii("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.ascii("\\u00");
                            out.write(HEX[c >> 4]);
                            out.write(HEX[c & 0xf]);
                        } else {
                            out.write(c);
                        }
                    }
                }
            } else if (c < 0x800) {
                out.write(0xc0 | (c >> 6));
                out.write(0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out.write(0xf0 | (cp >> 18));
                out.write(0x80 | ((cp >> 12) & 0x3f));
                out.write(0x80 | ((cp >> 6) & 0x3f));
                out.write(0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                throw new InvalidJsonException("lone surrogate \\u" + Integer.toHexString(c));
            } else {
                out.write(0xe0 | (c >> 12));
                out.write(0x80 | ((c >> 6) & 0x3f));
                out.write(0x80 | (c & 0x3f));
            }
        }
        out.write('"');
    }

    /** A growable byte buffer without the synchronisation of {@link ByteArrayOutputStream}. */
    public static final class Sink {
        private byte[] buf;
        private int size;

        public Sink(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        public void write(int b) {
            if (size == buf.length) grow(1);
            buf[size++] = (byte) b;
        }

        public void write(byte[] bytes) {
            if (size + bytes.length > buf.length) grow(bytes.length);
            System.arraycopy(bytes, 0, buf, size, bytes.length);
            size += bytes.length;
        }

        public void ascii(String s) {
            int n = s.length();
            if (size + n > buf.length) grow(n);
            for (int i = 0; i < n; i++) buf[size++] = (byte) s.charAt(i);
        }

        /**
         * Writes the characters of {@code s} from {@code from} on for as long as they are printable
         * ASCII that JSON writes literally (U+0020 to U+007F but {@code "} and {@code \\}), one byte
         * each; returns the index of the first character it did not write.
         */
        @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) is exact for chars below U+0100
        int plainAscii(String s, int from) {
            int n = s.length();
            int end = from;
            while (end < n) {
                char c = s.charAt(end);
                if (c >= 0x80 || !PLAIN[c]) break;
                end++;
            }
            int length = end - from;
            if (size + length > buf.length) grow(length);
            s.getBytes(from, end, buf, size);
            size += length;
            return end;
        }

        public int size() {
            return size;
        }

        /**
         * The bytes written. When the buffer is exactly full it is handed out without a copy;
         * it is never written again, since the next write first grows into a new buffer.
         */
        public byte[] toByteArray() {
            return size == buf.length ? buf : java.util.Arrays.copyOf(buf, size);
        }

        public void writeTo(java.io.OutputStream out) {
            try {
                out.write(buf, 0, size);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void grow(int needed) {
            buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + needed));
        }
    }
}
