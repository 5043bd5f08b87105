package dev.anvil.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A kind's schema split in two, so that what many documents share is validated once: the properties
 * they repeat (a fleet of 10k hosts has a hundred distinct hardware blocks, and as many group lists)
 * are each validated once per distinct value, and the rest of a document against the schema with
 * those properties allowed as anything.
 *
 * <p>That is the whole schema's verdict when the schema's top level only judges properties one by
 * one (type, required, properties, additionalProperties) and the split properties' schemas stand on
 * their own (no {@code $ref}): {@link #of} builds no split otherwise. It gives a verdict only: a
 * document it finds invalid is validated whole again, so that its messages are the library's own.
 */
final class SplitSchema {
  /** Values remembered per property: a fleet where every value differs must not fill the heap with them. */
  static final int MAX_REMEMBERED = 1024;

  private static final Set<String> TOP_LEVEL = Set.of("$schema", "$id", "title", "description", "type",
      "additionalProperties", "required", "properties");

  private final JsonSchema rest;
  /** property → its part */
  private final Map<String, Part> parts;

  /**
   * The schema of a document with one shared property alone, and the values of it seen, valid or not:
   * by value, and by identity for the trees that documents share ({@link dev.anvil.load.SharedEntries}),
   * which are then found without walking them.
   */
  private record Part(JsonSchema schema, Map<JsonNode, Boolean> verdicts, Map<Same, Boolean> verdictsOfTrees) {}

  /** A tree as a key by identity. */
  private record Same(JsonNode tree) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Same s && s.tree == tree;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(tree);
    }
  }

  private SplitSchema(JsonSchema rest, Map<String, Part> parts) {
    this.rest = rest;
    this.parts = parts;
  }

  /** The split of {@code schema} at {@code shared}, or null where it would not give the whole schema's verdict. */
  static SplitSchema of(JsonNode schema, List<String> shared, JsonSchemaFactory factory, SchemaValidatorsConfig config) {
    for (var it = schema.fieldNames(); it.hasNext(); ) if (!TOP_LEVEL.contains(it.next())) return null;
    JsonNode properties = schema.path("properties");
    String id = schema.path("$id").asText();
    ObjectNode rest = schema.deepCopy();
    rest.put("$id", id + "/rest");
    Map<String, Part> parts = new LinkedHashMap<>();
    for (String p : shared) {
      JsonNode sub = properties.get(p);
      if (sub == null || refers(sub)) return null;
      ((ObjectNode) rest.get("properties")).set(p, BooleanNode.TRUE);
      ObjectNode part = JsonNodeFactory.instance.objectNode();
      part.set("$schema", schema.get("$schema"));
      part.put("$id", id + "/part/" + p);
      part.putObject("properties").set(p, sub);
      parts.put(p, new Part(factory.getSchema(part, config), new ConcurrentHashMap<>(), new ConcurrentHashMap<>()));
    }
    return new SplitSchema(factory.getSchema(rest, config), parts);
  }

  private static boolean refers(JsonNode schema) {
    if (schema.isObject()) {
      for (var it = schema.fields(); it.hasNext(); ) {
        var e = it.next();
        if (e.getKey().startsWith("$") && e.getKey().endsWith("Ref") || e.getKey().equals("$ref") || refers(e.getValue())) {
          return true;
        }
      }
    } else if (schema.isArray()) {
      for (JsonNode item : schema) if (refers(item)) return true;
    }
    return false;
  }

  /** How many values of {@code property} are remembered. */
  int remembered(String property) {
    return parts.get(property).verdicts().size();
  }

  /** Whether the document is valid. False says nothing of why: validate it whole for that. */
  boolean valid(JsonNode document) {
    if (!rest.validate(document).isEmpty()) return false;
    for (var e : parts.entrySet()) {
      JsonNode value = document.get(e.getKey());
      if (value != null && !valid(e.getKey(), value, e.getValue())) return false;
    }
    return true;
  }

  private static boolean valid(String property, JsonNode value, Part part) {
    Same same = new Same(value);
    Boolean ok = part.verdictsOfTrees().get(same);
    if (ok != null) return ok;
    Map<JsonNode, Boolean> seen = part.verdicts();
    ok = seen.get(value);
    if (ok == null) {
      ObjectNode alone = JsonNodeFactory.instance.objectNode();
      alone.set(property, value);
      ok = part.schema().validate(alone).isEmpty();
      // trees are never changed after loading: a value is safe to keep as a key
      if (seen.size() < MAX_REMEMBERED) seen.put(value, ok);
    }
    if (part.verdictsOfTrees().size() < MAX_REMEMBERED) part.verdictsOfTrees().put(same, ok);
    return ok;
  }
}
