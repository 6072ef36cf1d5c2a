package dev.r1.engines;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Who did the work: the provider (as named in the config), its kind, the model and the model's family. */
public record Identity(String provider, String kind, String model, String family) {
    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("provider", provider).put("kind", kind).put("model", model).put("family", family);
    }

    public static Identity fromJson(com.fasterxml.jackson.databind.JsonNode n) {
        return new Identity(n.path("provider").asText(""), n.path("kind").asText(""), n.path("model").asText(""), n.path("family").asText(""));
    }

    @Override
    public String toString() {
        return provider + "/" + model + " (" + family + ")";
    }
}
