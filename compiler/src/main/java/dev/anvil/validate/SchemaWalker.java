package dev.anvil.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Walks one of Anvil's JSON Schemas alongside a document: the subschema of a property or list item
 * (following local {@code $ref}s and {@code oneOf}/{@code anyOf} alternatives), and every string
 * field a schema allows. The schemas are the single source of what a field is: a new field is
 * covered by the rules built on this without further code.
 */
public final class SchemaWalker {
  /** Marks a string field whose value may span lines (templates, descriptions). */
  public static final String MULTILINE = "x-anvil-multiline";

  private final JsonNode root;

  public SchemaWalker(JsonNode root) {
    this.root = root;
  }

  /** The schemas that may describe child {@code name} of an object described by {@code schema}. */
  public List<JsonNode> property(JsonNode schema, String name) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode s : alternatives(schema)) {
      JsonNode p = s.path("properties").get(name);
      if (p != null) out.add(deref(p));
      else if (s.path("additionalProperties").isObject()) out.add(deref(s.get("additionalProperties")));
    }
    return out;
  }

  /** The schemas that may describe an item of a list described by {@code schema}. */
  public List<JsonNode> item(JsonNode schema) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode s : alternatives(schema)) if (s.path("items").isObject()) out.add(deref(s.get("items")));
    return out;
  }

  public boolean isMultiline(List<JsonNode> schemas) {
    for (JsonNode s : schemas) for (JsonNode a : alternatives(s)) if (a.path(MULTILINE).asBoolean()) return true;
    return false;
  }

  /** {@code schema} itself and its oneOf/anyOf/allOf alternatives, references followed. */
  List<JsonNode> alternatives(JsonNode schema) {
    List<JsonNode> out = new ArrayList<>();
    JsonNode s = deref(schema);
    out.add(s);
    for (String c : List.of("oneOf", "anyOf", "allOf")) for (JsonNode a : s.path(c)) out.addAll(alternatives(a));
    return out;
  }

  private JsonNode deref(JsonNode schema) {
    for (int i = 0; i < 16 && schema.has("$ref") && schema.get("$ref").asText().startsWith("#/"); i++) {
      schema = root.at(schema.get("$ref").asText().substring(1));
    }
    return schema;
  }

  /**
   * Every place a string may stand, as a JSON pointer with {@code *} for a map key or list index,
   * and whether it may span lines. Map keys (label names) are reported with the pointer of their
   * map and a trailing {@code /<key>}.
   */
  public void stringFields(BiConsumer<String, Boolean> sink) {
    stringFields(root, "", sink, 0);
  }

  private void stringFields(JsonNode schema, String pointer, BiConsumer<String, Boolean> sink, int depth) {
    if (depth > 12) return;
    boolean isString = false;
    boolean multiline = false;
    for (JsonNode a : alternatives(schema)) {
      JsonNode t = a.path("type");
      if (t.asText().equals("string") || (t.isArray() && t.toString().contains("\"string\""))) isString = true;
      multiline |= a.path(MULTILINE).asBoolean();
    }
    if (isString) sink.accept(pointer, multiline);
    for (JsonNode a : alternatives(schema)) {
      a.path("properties").fields().forEachRemaining(e -> stringFields(e.getValue(), pointer + "/" + e.getKey(), sink, depth + 1));
      if (a.path("additionalProperties").isObject()) {
        sink.accept(pointer + "/<key>", false);
        stringFields(a.get("additionalProperties"), pointer + "/*", sink, depth + 1);
      }
      if (a.path("items").isObject()) stringFields(a.get("items"), pointer + "/*", sink, depth + 1);
    }
  }
}
