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
  /** Marks credentials given in a form of their own (a file path on another host): never shown in a diagnostic. */
  public static final String SECRET = "x-anvil-secret";

  private final JsonNode root;

  public SchemaWalker(JsonNode root) {
    this.root = root;
  }

  /**
   * What the schema says of the text at each place, compiled once per schema: a tree that a
   * document is walked along with a map look-up per key. Walking the JSON Schema itself for every
   * node of 100k hosts costs more than parsing them.
   */
  public static final class Place {
    boolean multiline;
    /** The schema offers {@code {file: …}} / {@code {env: …}}: the place may hold a secret. */
    boolean secretShape;
    /** The schema marks the place {@value #SECRET}: credentials that must be files, whose lines are never shown. */
    boolean markedSecret;
    boolean stringType;
    final java.util.Map<String, Place> properties = new java.util.HashMap<>();
    Place additional;
    Place items;
    final List<Place> alternatives = new ArrayList<>();

    /** The place of child {@code name}, or null where the schema does not describe it. */
    public Place property(String name) {
      Place p = properties.get(name);
      if (p != null) return p;
      if (additional != null) return additional;
      for (Place a : alternatives) {
        p = a.property(name);
        if (p != null) return p;
      }
      return null;
    }

    /** The place of a list item, or null. */
    public Place item() {
      if (items != null) return items;
      for (Place a : alternatives) {
        Place p = a.item();
        if (p != null) return p;
      }
      return null;
    }

    public boolean multiline() {
      if (multiline) return true;
      for (Place a : alternatives) if (a.multiline()) return true;
      return false;
    }

    /** Whether a secret may stand here, even where a plain string is also allowed (a webhook URL). */
    public boolean secret() {
      if (secretShape || markedSecret) return true;
      for (Place a : alternatives) if (a.secretShape || a.markedSecret) return true;
      return false;
    }

    /** Whether the secret here is given as {@code {file: …}} or {@code {env: …}} (not a marked place of its own form). */
    public boolean fileOrEnv() {
      if (secretShape) return true;
      for (Place a : alternatives) if (a.secretShape) return true;
      return false;
    }

    /** Whether the schema allows a plain string here. */
    public boolean allowsString() {
      if (stringType) return true;
      for (Place a : alternatives) if (a.stringType) return true;
      return false;
    }
  }

  /** The compiled places of the whole schema. */
  public Place compile() {
    return compile(root, new java.util.IdentityHashMap<>());
  }

  private Place compile(JsonNode schema, java.util.IdentityHashMap<JsonNode, Place> done) {
    JsonNode s = deref(schema);
    Place known = done.get(s);
    if (known != null) return known;  // a recursive $ref
    Place p = new Place();
    done.put(s, p);
    p.multiline = s.path(MULTILINE).asBoolean();
    p.secretShape = s.path("properties").size() == 2 && s.path("properties").has("file") && s.path("properties").has("env");
    p.markedSecret = s.path(SECRET).asBoolean();
    p.stringType = s.path("type").asText().equals("string");
    s.path("properties").fields().forEachRemaining(e -> p.properties.put(e.getKey(), compile(e.getValue(), done)));
    if (s.path("additionalProperties").isObject()) p.additional = compile(s.get("additionalProperties"), done);
    if (s.path("items").isObject()) p.items = compile(s.get("items"), done);
    for (String c : List.of("oneOf", "anyOf", "allOf")) for (JsonNode a : s.path(c)) p.alternatives.add(compile(a, done));
    return p;
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
