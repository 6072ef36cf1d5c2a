package dev.r1.gates.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * A YAML value that remembers the line it came from (1-based), so every problem in a gates
 * file can be reported where it is.
 */
public sealed interface ConfigNode {
    int line();

    int column();

    /** "a mapping", "a list", "a string", ... for messages. */
    String describe();

    JsonNode toJson();

    enum ScalarType { STRING, INT, FLOAT, BOOL, NULL }

    record Scalar(String text, ScalarType type, int line, int column) implements ConfigNode {
        @Override
        public String describe() {
            return switch (type) {
                case STRING -> "the string '" + text + "'";
                case INT, FLOAT -> "the number " + text;
                case BOOL -> "the boolean " + text;
                case NULL -> "nothing (null)";
            };
        }

        @Override
        public JsonNode toJson() {
            JsonNodeFactory f = JsonNodeFactory.instance;
            try {
                return switch (type) {
                    case STRING -> f.textNode(text);
                    case INT -> f.numberNode(new java.math.BigInteger(text.replace("_", "")).longValueExact());
                    case FLOAT -> f.numberNode(Double.parseDouble(text.replace("_", "")));
                    case BOOL -> f.booleanNode(Boolean.parseBoolean(text.toLowerCase(java.util.Locale.ROOT)));
                    case NULL -> f.nullNode();
                };
            } catch (RuntimeException e) {
                return f.textNode(text);
            }
        }
    }

    record Entry(String key, int line, int column, ConfigNode value) {}

    record Mapping(List<Entry> entries, int line, int column) implements ConfigNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        public static Mapping empty(int line) {
            return new Mapping(List.of(), line, 0);
        }

        public Optional<Entry> entry(String key) {
            return entries.stream().filter(e -> e.key().equals(key)).findFirst();
        }

        public Optional<ConfigNode> get(String key) {
            return entry(key).map(Entry::value);
        }

        @Override
        public String describe() {
            return "a mapping";
        }

        @Override
        public JsonNode toJson() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (Entry e : entries) o.set(e.key(), e.value().toJson());
            return o;
        }
    }

    record Sequence(List<ConfigNode> items, int line, int column) implements ConfigNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }

        @Override
        public JsonNode toJson() {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            for (ConfigNode n : items) a.add(n.toJson());
            return a;
        }
    }
}
