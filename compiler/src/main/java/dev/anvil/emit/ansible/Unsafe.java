package dev.anvil.emit.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.emit.Output;
import java.util.Map;

/**
 * Values for Ansible written so that Ansible never templates them: every string carries YAML's
 * {@code !unsafe} tag. Ansible renders Jinja in any variable it reads, so a host label holding
 * {@code {{ lookup('pipe', …) }}} would run a command on the operator's machine; tagged, it stays
 * the text it is. Everything from the inventory that reaches Ansible goes through here.
 */
final class Unsafe {
  private static final ObjectMapper TREES = new ObjectMapper();

  private Unsafe() {}

  /** {@code value} as a one-line YAML flow node with every string tagged {@code !unsafe}. */
  static String flow(Object value) {
    StringBuilder sb = new StringBuilder();
    write(value, sb);
    return sb.toString();
  }

  /** One entry of a flow mapping, {@code "key": value}: {@link #flow} of a map is these, joined by ", ", in braces. */
  static String entry(String key, Object value) {
    StringBuilder sb = new StringBuilder();
    Output.quoted(key, sb);
    sb.append(": ");
    write(value, sb);
    return sb.toString();
  }

  /** Maps, lists, strings, numbers and booleans as the emitter builds them, and Jackson trees alike. */
  private static void write(Object v, StringBuilder sb) {
    if (v instanceof JsonNode n && n.isTextual()) v = n.asText();
    if (v instanceof CharSequence text) {
      sb.append("!unsafe ");
      Output.quoted(text.toString(), sb);
    } else if (v instanceof Map<?, ?> map) {
      entries(map.entrySet(), sb);
    } else if (v instanceof ObjectNode n) {
      entries(n.properties(), sb);
    } else if (v instanceof java.util.Collection<?> || v instanceof ArrayNode) {
      sb.append('[');
      boolean first = true;
      for (Object item : (Iterable<?>) v) {
        if (!first) sb.append(", ");
        first = false;
        write(item, sb);
      }
      sb.append(']');
    } else if (v == null || v instanceof Number || v instanceof Boolean || v instanceof JsonNode) {
      sb.append(Output.flow(v));
    } else {
      write(TREES.valueToTree(v), sb);
    }
  }

  /** A flow mapping; keys are not templated by Ansible, and are quoted so that yes, on or 123 stay strings. */
  private static void entries(Iterable<? extends Map.Entry<?, ?>> entries, StringBuilder sb) {
    sb.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : entries) {
      if (!first) sb.append(", ");
      first = false;
      Output.quoted(String.valueOf(e.getKey()), sb);
      sb.append(": ");
      write(e.getValue(), sb);
    }
    sb.append('}');
  }
}
