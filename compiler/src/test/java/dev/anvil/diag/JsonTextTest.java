package dev.anvil.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** JsonText stands in for databind's readTree and toString: the same trees and the same text. */
class JsonTextTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Texts that escape differently if anything is off: quotes, control characters, non-ASCII, separators. */
  private static final List<String> AWKWARD = List.of("", "plain", "say \"hi\"", "back\\slash", "a/b",
      "tab\tnew\nline\rcr\bbs\ffeed", "\u0000\u0001\u001f\u007f", "é ü 日本", "\u2028\u2029", "😀 \ud83d",
      "{{ .Labels }}", "</script>");

  @Test
  void compactWritesWhatToStringWrites() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    for (int i = 0; i < AWKWARD.size(); i++) o.put(AWKWARD.get(i), AWKWARD.get((i + 1) % AWKWARD.size()));
    o.put("int", 70).put("negative", -3).put("long", 1L << 40).put("double", 0.1).put("exp", 1e300)
        .put("float", 2.5f).put("short", (short) 7).put("decimal", new BigDecimal("1E+3"))
        .put("plain decimal", new BigDecimal("12.50")).put("big", new BigInteger("123456789012345678901234567890"))
        .put("true", true).put("false", false).putNull("null");
    o.putArray("empty array");
    o.putObject("empty object");
    o.putArray("nested").add(f.objectNode().set("times", f.arrayNode().add(f.objectNode().put("start", "04:00"))))
        .add(f.arrayNode().add(1).add("x").addNull());
    List<JsonNode> nodes = new java.util.ArrayList<>(List.of(o, f.arrayNode(), f.nullNode(), f.numberNode(Double.NaN),
        f.numberNode(Double.POSITIVE_INFINITY), f.numberNode(-0.0)));
    AWKWARD.forEach(s -> nodes.add(f.textNode(s)));
    o.fields().forEachRemaining(e -> nodes.add(e.getValue()));
    for (JsonNode n : nodes) assertEquals(n.toString(), JsonText.compact(n));
  }

  @Test
  void parseReadsWhatReadTreeReads() throws IOException {
    StringBuilder awkward = new StringBuilder("{\"numbers\": [0, -1, 2147483648, 99999999999999999999, 1.5, 1e-7, -0.0],"
        + " \"literals\": [true, false, null], \"nested\": {\"a\": {\"b\": [[], {}]}}, \"dup\": 1, \"dup\": 2");
    for (String s : AWKWARD) awkward.append(", ").append(MAPPER.writeValueAsString(s)).append(": ").append(MAPPER.writeValueAsString(s));
    List<String> texts = new java.util.ArrayList<>(List.of(awkward.append('}').toString(), "[]", "\"alone\"", "42", "null"));
    // and every schema the build ships
    try (Stream<Path> schemas = Files.list(dev.anvil.TestSupport.repoRoot().resolve("schema"))) {
      for (Path p : schemas.sorted().toList()) texts.add(Files.readString(p));
    }
    for (String text : texts) {
      JsonNode expected = MAPPER.readTree(in(text));  // the same bytes: a lone surrogate is '?' in UTF-8
      JsonNode tree = JsonText.parse(in(text));
      assertEquals(expected, tree);
      assertEquals(expected.toString(), tree.toString(), "the text nodes print themselves as databind does");
      assertEquals(classes(expected), classes(tree));
      assertEquals(printed(expected, new java.util.ArrayList<>()), printed(tree, new java.util.ArrayList<>()),
          "each node prints itself as databind's does (networknt's enum prints its values so)");
    }
  }

  @Test
  void parseRefusesWhatIsNotOneJsonValue() {
    for (String text : List.of("", "{", "[1,]", "{} {}", "{\"a\" 1}")) {
      assertThrows(IOException.class, () -> JsonText.parse(in(text)), text);
    }
  }

  /** The node classes in document order: numbers must keep their types (networknt compares them so). */
  private static String classes(JsonNode n) {
    StringBuilder b = new StringBuilder(n.isTextual() ? "TextNode" : n.getClass().getSimpleName());
    if (n.isContainerNode()) {
      b.append('(');
      if (n.isObject()) n.properties().forEach(e -> b.append(e.getKey()).append('=').append(classes(e.getValue())).append(' '));
      else n.forEach(e -> b.append(classes(e)).append(' '));
      b.append(')');
    }
    return b.toString();
  }

  /** Every node's own toString, in document order. */
  private static List<String> printed(JsonNode n, List<String> into) {
    into.add(n.toString());
    n.forEach(e -> printed(e, into));
    return into;
  }

  private static ByteArrayInputStream in(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
