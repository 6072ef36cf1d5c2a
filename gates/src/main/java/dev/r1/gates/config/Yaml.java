package dev.r1.gates.config;

import dev.r1.gates.GatesConfigException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML into {@link ConfigNode}s with SnakeYAML's composer, which keeps each node's
 * position; Jackson's tree model drops it. Duplicate keys, aliases and deep nesting are
 * refused: a gates file is small and written by people.
 */
public final class Yaml {
    private static final int MAX_DEPTH = 32;
    private static final int MAX_CHARS = 1 << 20;

    private Yaml() {}

    /** The document's root, or an empty mapping for an empty document. */
    public static ConfigNode parse(String text, String source) throws GatesConfigException {
        if (text.length() > MAX_CHARS) throw new GatesConfigException(source, 0, "the file is larger than 1 MiB");
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(0);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH);
        Node root;
        try {
            root = new org.yaml.snakeyaml.Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            if (e.getContext() != null) what = e.getContext() + ": " + what;
            throw new GatesConfigException(source, m == null ? 0 : m.getLine() + 1, "not valid YAML: " + oneLine(what));
        } catch (YAMLException e) {
            throw new GatesConfigException(source, 0, "not valid YAML: " + oneLine(e.getMessage()));
        }
        if (root == null) return ConfigNode.Mapping.empty(1);
        List<GatesConfigException.Problem> problems = new ArrayList<>();
        ConfigNode node = convert(root, source, problems, 0);
        if (!problems.isEmpty()) throw new GatesConfigException(problems);
        return node;
    }

    private static ConfigNode convert(Node n, String source, List<GatesConfigException.Problem> problems, int depth) {
        int line = n.getStartMark().getLine() + 1;
        int col = n.getStartMark().getColumn() + 1;
        if (depth > MAX_DEPTH) {
            problems.add(new GatesConfigException.Problem(source, line, col, "nested more than " + MAX_DEPTH + " levels deep"));
            return ConfigNode.Mapping.empty(line);
        }
        if (n instanceof ScalarNode s) {
            return new ConfigNode.Scalar(s.getValue(), type(s), line, col);
        }
        if (n instanceof SequenceNode seq) {
            List<ConfigNode> items = new ArrayList<>();
            for (Node item : seq.getValue()) items.add(convert(item, source, problems, depth + 1));
            return new ConfigNode.Sequence(items, line, col);
        }
        MappingNode map = (MappingNode) n;
        List<ConfigNode.Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : map.getValue()) {
            Node k = t.getKeyNode();
            int kl = k.getStartMark().getLine() + 1;
            int kc = k.getStartMark().getColumn() + 1;
            if (!(k instanceof ScalarNode ks)) {
                problems.add(new GatesConfigException.Problem(source, kl, kc, "keys must be plain strings"));
                continue;
            }
            if (!seen.add(ks.getValue())) {
                problems.add(new GatesConfigException.Problem(source, kl, kc,
                        "duplicate key '" + ks.getValue() + "': each key may appear once in a mapping"));
                continue;
            }
            entries.add(new ConfigNode.Entry(ks.getValue(), kl, kc, convert(t.getValueNode(), source, problems, depth + 1)));
        }
        return new ConfigNode.Mapping(entries, line, col);
    }

    private static ConfigNode.ScalarType type(ScalarNode s) {
        Tag tag = s.getTag();
        if (Tag.INT.equals(tag)) return ConfigNode.ScalarType.INT;
        if (Tag.FLOAT.equals(tag)) return ConfigNode.ScalarType.FLOAT;
        if (Tag.BOOL.equals(tag)) return ConfigNode.ScalarType.BOOL;
        if (Tag.NULL.equals(tag)) return ConfigNode.ScalarType.NULL;
        return ConfigNode.ScalarType.STRING;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}
