package dev.anvil.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.anvil.diag.Diagnostics;
import dev.anvil.diag.JsonText;
import dev.anvil.load.Document;
import dev.anvil.load.SourceRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks each document's envelope ({@code apiVersion}, {@code kind}) and validates it against the
 * JSON Schema of its kind — the same files as in the repo's {@code schema/} folder.
 */
public final class SchemaValidator {
  public static final String API_VERSION = "anvil.dev/v1";

  /** Messages by place, then text: the library's order is not defined. */
  private static final Comparator<ValidationMessage> MESSAGE_ORDER = Comparator
      .comparing((ValidationMessage m) -> m.getInstanceLocation().toString()).thenComparing(ValidationMessage::getMessage);

  /** kind → schema file base name. */
  public static final Map<String, String> KINDS = Map.ofEntries(
      Map.entry("Namespace", "namespace"),
      Map.entry("Group", "group"),
      Map.entry("Host", "host"),
      Map.entry("Policy", "policy"),
      Map.entry("Exporter", "exporter"),
      Map.entry("AlertRule", "alert-rule"),
      Map.entry("Cluster", "cluster"),
      Map.entry("RecordingRule", "recording-rule"),
      Map.entry("Prometheus", "prometheus"),
      Map.entry("Receiver", "receiver"),
      Map.entry("Alerting", "alerting"),
      Map.entry("RoutingTest", "routing-test"),
      Map.entry("Partition", "partition"),
      Map.entry("Dashboard", "dashboard"),
      Map.entry("ExporterContract", "exporter-contract"),
      Map.entry("FacilityDevice", "facility-device"));

  /**
   * Kinds whose documents come by the thousand, and the properties they repeat: validated once per
   * distinct value ({@link SplitSchema}). Host's at 10k hosts: ~10 % of a check's CPU before.
   */
  private static final Map<String, List<String>> SHARED = Map.of(
      "Host", List.of("primary_group", "groups", "labels", "provider", "hardware"));

  /**
   * One kind's schema, compiled: the schema, its tree (for the descriptions messages quote), what it
   * says of the text at each place (single-line or not, secret or not), and its split where the kind's
   * documents come by the thousand (null elsewhere).
   */
  private record Compiled(JsonSchema schema, JsonNode tree, SchemaWalker.Place places, SplitSchema split) {}

  /** kind → its schema, once compiled. */
  private final Map<String, CompletableFuture<Compiled>> compiled = new TreeMap<>();
  /** Kinds that documents wait for, in the order they were first asked for: compiled before the others. */
  private final java.util.Queue<String> wanted = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.Set<String> asked = ConcurrentHashMap.newKeySet();
  /** The kinds in the order they were compiled. */
  private final List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());

  /** A validator whose schemas {@link #compile} compiles; until then, each document waits for its kind's. */
  public SchemaValidator() {
    for (String kind : KINDS.keySet()) compiled.put(kind, new CompletableFuture<>());
  }

  /**
   * Compiles every kind's schema, one at a time on the calling thread (0.1-0.2 s, most of it the
   * libraries' first use): those of kinds documents wait for ({@link #ready}) first, then Host's (the
   * most documents), then the rest in name order. A failure (a schema missing from the build) fails
   * every validation after it.
   */
  public void compile() {
    try {
      JsonSchemaFactory factory = factory();
      SchemaValidatorsConfig config = config();
      List<String> kinds = new ArrayList<>(compiled.keySet());
      kinds.remove("Host");
      kinds.add(0, "Host");
      for (String next : kinds) {
        for (String kind = wanted.poll(); kind != null; kind = wanted.poll()) compile(kind, factory, config);
        compile(next, factory, config);
      }
    } catch (RuntimeException | Error e) {
      // thrown again where a document waits for its schema, as a failure of that run
      compiled.values().forEach(f -> f.completeExceptionally(e));
    }
  }

  private void compile(String kind, JsonSchemaFactory factory, SchemaValidatorsConfig config) {
    CompletableFuture<Compiled> done = compiled.get(kind);
    if (done.isDone()) return;
    Compiled c;
    String resource = "/dev/anvil/schema/" + KINDS.get(kind) + ".schema.json";
    try (InputStream in = SchemaValidator.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("schema missing from the build: " + resource);
      // with jackson-core alone, into text nodes that print themselves (networknt's enum prints every
      // value): setting up databind's ObjectMapper for either was most of the first schema's time
      JsonNode tree = JsonText.parse(in);
      c = new Compiled(factory.getSchema(tree, config), tree, new SchemaWalker(tree).compile(),
          SHARED.containsKey(kind) ? SplitSchema.of(tree, SHARED.get(kind), factory, config) : null);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    order.add(kind);
    done.complete(c);
  }

  /** The kinds compiled so far, in the order they were. */
  List<String> compiledKinds() {
    return List.copyOf(order);
  }

  /**
   * Whether a document of {@code kind} can be validated without waiting (its schema is compiled, or
   * there is no such kind, which needs none); if not, its schema is compiled next.
   */
  public boolean ready(String kind) {
    CompletableFuture<Compiled> done = compiled.get(kind);
    if (done == null || done.isDone()) return true;
    if (asked.add(kind)) wanted.add(kind);
    return false;
  }

  static JsonSchemaFactory factory() {
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  }

  static SchemaValidatorsConfig config() {
    return SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).formatAssertionsEnabled(true).build();
  }

  /** Returns true when the document is valid; otherwise reports every problem found in it. */
  public boolean validate(Document doc, Diagnostics diagnostics) {
    JsonNode root = doc.root();
    SourceRef src = doc.ref();
    if (!root.isObject()) {
      diagnostics.error(src.at(""), "expected a mapping with 'apiVersion' and 'kind', found " + describe(root));
      return false;
    }
    JsonNode api = root.get("apiVersion");
    JsonNode kind = root.get("kind");
    boolean ok = true;
    if (api == null) {
      diagnostics.error(src.at(""), "missing 'apiVersion' (expected '" + API_VERSION + "')");
      ok = false;
    } else if (!API_VERSION.equals(api.asText())) {
      diagnostics.error(src.at("/apiVersion"), "unsupported apiVersion '" + api.asText() + "' (expected '" + API_VERSION + "')");
      ok = false;
    }
    if (kind == null) {
      diagnostics.error(src.at(""), "missing 'kind' (one of " + String.join(", ", new TreeMap<>(KINDS).keySet()) + ")");
      return false;
    }
    CompletableFuture<Compiled> pending = compiled.get(kind.asText());
    if (pending == null) {
      diagnostics.error(src.at("/kind"), "unknown kind '" + kind.asText() + "' (expected one of "
          + String.join(", ", new TreeMap<>(KINDS).keySet()) + ")");
      return false;
    }
    if (!ok) return false;
    // a document about to wait asks for its kind, as one put aside does
    if (!pending.isDone()) ready(kind.asText());
    Compiled schema = pending.join();
    List<ValidationMessage> messages = new ArrayList<>(schema.split() != null && schema.split().valid(root) ? List.of()
        : schema.schema().validate(root));
    messages.sort(MESSAGE_ORDER);
    for (ValidationMessage m : messages) report(schema, src, root, m, diagnostics);
    boolean textOk = checkText(schema.places(), root, null, src, diagnostics);
    return messages.isEmpty() && textOk;
  }

  /**
   * Every key and string value must be one line of printable text, unless its schema marks it
   * {@value SchemaWalker#MULTILINE}: a line break or control character would let a value start a
   * new line in a line-based output (systemd units, slurm.conf) or in a terminal. This holds for
   * every field by default, so a new field is safe without anyone remembering it. The same walk
   * marks the lines that hold a secret written inline (a webhook URL carries its token): no
   * diagnostic prints them, whatever it is about.
   */
  private static boolean checkText(SchemaWalker.Place place, JsonNode node, Pointer pointer, SourceRef src,
      Diagnostics diagnostics) {
    boolean ok = true;
    if (node.isTextual()) {
      if (place == null || !place.multiline()) ok = checkLine(node.asText(), src, pointer, false, diagnostics);
      if (place != null && place.secret()) {
        int line = src.at(pointer == null ? "" : pointer.toString()).line();
        if (line > 0) src.source().hideLine(line);
      }
    } else if (node.isObject()) {
      for (var it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        Pointer child = new Pointer(pointer, e.getKey());
        ok &= checkLine(e.getKey(), src, child, true, diagnostics);
        JsonNode v = e.getValue();
        if (v.isValueNode() && !v.isTextual()) continue;
        ok &= checkText(place == null ? null : place.property(e.getKey()), v, child, src, diagnostics);
      }
    } else if (node.isArray()) {
      SchemaWalker.Place item = place == null ? null : place.item();
      for (int i = 0; i < node.size(); i++) {
        ok &= checkText(item, node.get(i), new Pointer(pointer, String.valueOf(i)), src, diagnostics);
      }
    }
    return ok;
  }

  /** A JSON pointer spelled out only when a diagnostic needs it. */
  private record Pointer(Pointer parent, String token) {
    @Override
    public String toString() {
      return (parent == null ? "" : parent.toString()) + "/" + escape(token);
    }
  }

  private static boolean checkLine(String text, SourceRef src, Pointer ptr, boolean key, Diagnostics diagnostics) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c >= 0x7f && dev.anvil.diag.Text.isUnsafe(c)) {
        String pointer = ptr == null ? "" : ptr.toString();
        diagnostics.error(key ? src.keyAt(pointer) : src.at(pointer),
            (c == '\n' || c == '\r' ? "line break" : String.format("control character U+%04X", (int) c))
            + " in the " + (key ? "key" : "value") + " of '" + dotted(pointer) + "': only templates and descriptions"
            + " may span lines, and no text may hold control characters");
        return false;
      }
    }
    return true;
  }

  /** Where a secret-bearing field sits at or above {@code pointer} in a document, and what it allows. */
  private record SecretAt(String pointer, SchemaWalker.Place place) {}

  /** The secret-bearing field at or above {@code pointer}, found by walking the document with its schema. */
  private SecretAt secretAt(Compiled schema, JsonNode root, String pointer) {
    SchemaWalker.Place place = schema.places();
    JsonNode node = root;
    StringBuilder at = new StringBuilder();
    String[] tokens = pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/", -1);
    for (int i = 0; place != null; i++) {
      if (place.secret()) return new SecretAt(at.toString(), place);
      if (i == tokens.length || node == null) return null;
      String token = tokens[i].replace("~1", "/").replace("~0", "~");
      boolean list = node.isArray();
      place = list ? place.item() : place.property(token);
      node = list ? node.get(Integer.parseInt(token)) : node.get(token);
      at.append('/').append(tokens[i]);
    }
    return null;
  }

  private void report(Compiled schema, SourceRef src, JsonNode root, ValidationMessage m, Diagnostics diagnostics) {
    String at = m.getInstanceLocation().toString();
    String field = dotted(at);
    SecretAt secretAt = secretAt(schema, root, at);
    if (secretAt != null) {
      // neither the value nor its line is printed: it may be the secret itself
      String secret = secretAt.pointer();
      JsonNode value = root.at(secret);
      String name = dotted(secret);
      String message = !secretAt.place().fileOrEnv()
          ? "invalid value for '" + name + "' (not shown, as it may hold a secret): credentials are named by the path of"
              + " a file on the host that uses them, never written here"
          : value != null && value.isTextual() && !secretAt.place().allowsString()
          ? "'" + name + "' is a secret and must not be written in the repository: give it as {file: /path/to/secret}"
              + " or {env: VARIABLE} instead (the value is not shown)"
          : "invalid value for '" + name + "' (not shown, as it may hold a secret): expected a string of the"
              + " documented form, {file: /path/to/secret} or {env: VARIABLE}";
      diagnostics.add(dev.anvil.diag.Diagnostic.secretError(src.keyAt(secret), message));
      return;
    }
    switch (m.getType()) {
      case "additionalProperties" -> {
        String child = at + "/" + escape(m.getProperty());
        String allowed = allowedProperties(schema, m);
        diagnostics.error(src.keyAt(child), "unknown property '" + m.getProperty() + "'"
            + (field.isEmpty() ? "" : " in '" + field + "'") + allowed);
      }
      case "required" -> diagnostics.error(src.keyAt(at), "missing required property '" + m.getProperty() + "'"
          + (field.isEmpty() ? "" : " in '" + field + "'"));
      case "pattern", "format", "not" -> {
        String description = m.getSchemaNode() == null ? null : siblingDescription(schema, m);
        diagnostics.error(src.at(at), "invalid value " + quote(m.getInstanceNode()) + " for '" + field + "'"
            + (description != null ? ": " + description : " (" + m.getError() + ")"));
      }
      case "enum", "const" -> diagnostics.error(src.at(at), "invalid value " + quote(m.getInstanceNode())
          + " for '" + field + "': " + m.getError());
      case "false" -> {
        // a property a conditional schema rules out ({"properties": {"group": false}}): its description says why
        // …/then/properties/NAME/false: the then or else that rules it out says why
        JsonNode conditional = ancestorSchemaNode(schema, m, 3);
        String why = conditional == null || !conditional.has("description") ? null : conditional.get("description").asText();
        diagnostics.error(src.keyAt(at), "'" + field + "' does not belong here" + (why != null ? ": " + why : ""));
      }
      default -> diagnostics.error(src.at(at), (field.isEmpty() ? "" : "'" + field + "': ") + m.getError());
    }
  }

  /** "expected one of ..." from the properties next to the failing additionalProperties. */
  private String allowedProperties(Compiled schema, ValidationMessage m) {
    JsonNode parent = parentSchemaNode(schema, m);
    if (parent == null || !parent.has("properties")) return "";
    List<String> names = new ArrayList<>();
    parent.get("properties").fieldNames().forEachRemaining(names::add);
    names.sort(null);
    return " (expected one of: " + String.join(", ", names) + ")";
  }

  private String siblingDescription(Compiled schema, ValidationMessage m) {
    JsonNode parent = parentSchemaNode(schema, m);
    JsonNode d = parent == null ? null : parent.get("description");
    return d == null ? null : d.asText();
  }

  private JsonNode parentSchemaNode(Compiled schema, ValidationMessage m) {
    return ancestorSchemaNode(schema, m, 1);
  }

  /** The schema {@code up} levels above the failing one, or null. */
  private JsonNode ancestorSchemaNode(Compiled schema, ValidationMessage m, int up) {
    String pointer = m.getSchemaLocation().getFragment().toString();
    for (int i = 0; i < up; i++) {
      int slash = pointer.lastIndexOf('/');
      if (slash < 0) return null;
      pointer = pointer.substring(0, slash);
    }
    if (pointer.startsWith("#")) pointer = pointer.substring(1);
    JsonNode node = schema.tree().at(pointer);
    return node.isMissingNode() ? null : node;
  }

  static String dotted(String pointer) {
    if (pointer.isEmpty() || pointer.equals("/")) return "";
    StringBuilder sb = new StringBuilder();
    for (String part : pointer.substring(1).split("/")) {
      String token = part.replace("~1", "/").replace("~0", "~");
      if (!token.isEmpty() && token.chars().allMatch(Character::isDigit)) sb.append('[').append(token).append(']');
      else sb.append(sb.length() == 0 ? "" : ".").append(token);
    }
    return sb.toString();
  }

  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private static String quote(JsonNode v) {
    if (v == null) return "";
    return v.isTextual() ? "'" + v.asText() + "'" : v.toString();
  }

  private static String describe(JsonNode n) {
    if (n.isArray()) return "a list";
    if (n.isTextual()) return "a string";
    if (n.isNumber()) return "a number";
    return n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
