package dev.anvil.diag;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * JSON text to and from trees with jackson-core alone. Databind's ObjectMapper, which
 * {@code readTree} and {@code JsonNode.toString()} go through, takes 20-50 ms to set up in a fresh
 * JVM: a tenth of an explain, which shows values, and most of the first schema's compiling, where
 * networknt's {@code enum} prints every value it allows.
 */
public final class JsonText {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonText() {}

  /**
   * The JSON document in {@code in} as a tree, as {@code ObjectMapper.readTree} reads it (numbers as
   * int, long, BigInteger or double), whose text nodes print themselves as {@link #compact} does.
   */
  public static JsonNode parse(InputStream in) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      if (p.nextToken() == null) throw new JsonParseException(p, "no JSON value");
      JsonNode tree = read(p);
      if (p.nextToken() != null) throw new JsonParseException(p, "more than one JSON value");
      return tree;
    }
  }

  private static JsonNode read(JsonParser p) throws IOException {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    switch (p.currentToken()) {
      case START_OBJECT -> {
        ObjectNode o = nodes.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          o.set(name, read(p));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = nodes.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) a.add(read(p));
        return a;
      }
      case VALUE_STRING -> {
        return new Text(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (p.getNumberType()) {
          case INT -> nodes.numberNode(p.getIntValue());
          case LONG -> nodes.numberNode(p.getLongValue());
          default -> nodes.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return nodes.numberNode(p.getDoubleValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return nodes.booleanNode(p.getBooleanValue());
      }
      case VALUE_NULL -> {
        return nodes.nullNode();
      }
      default -> throw new JsonParseException(p, "unexpected " + p.currentToken());
    }
  }

  /** {@code node} as {@code node.toString()} would write it. */
  public static String compact(JsonNode node) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(node, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);  // a StringWriter does not fail
    }
    return out.toString();
  }

  private static void write(JsonNode node, JsonGenerator g) throws IOException {
    if (node.isObject()) {
      g.writeStartObject();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        g.writeFieldName(e.getKey());
        write(e.getValue(), g);
      }
      g.writeEndObject();
    } else if (node.isArray()) {
      g.writeStartArray();
      for (JsonNode e : node) write(e, g);
      g.writeEndArray();
    } else if (node.isNull()) {
      g.writeNull();  // NullNode asks the (absent) serializer provider
    } else {
      // the other nodes write themselves with the generator alone
      ((com.fasterxml.jackson.databind.JsonSerializable) node).serialize(g, null);
    }
  }

  /** A text node whose {@code toString()} is {@link #compact}'s, without databind's writer. */
  private static final class Text extends TextNode {
    private static final long serialVersionUID = 1L;

    Text(String value) {
      super(value);
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(_value.length() + 2);
      appendQuoted(b, _value);
      return b.toString();
    }
  }
}
