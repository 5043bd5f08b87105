package dev.anvil.emit.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  /** Maps, lists, strings, numbers and booleans as the emitter builds them, or Jackson trees. */
  private static void write(Object v, StringBuilder sb) {
    if (v instanceof JsonNode n) {
      write(n, sb);
    } else if (v instanceof CharSequence text) {
      sb.append("!unsafe ");
      quoted(text.toString(), sb);
    } else if (v instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) sb.append(", ");
        first = false;
        quoted(String.valueOf(e.getKey()), sb);
        sb.append(": ");
        write(e.getValue(), sb);
      }
      sb.append('}');
    } else if (v instanceof java.util.Collection<?> list) {
      sb.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) sb.append(", ");
        first = false;
        write(item, sb);
      }
      sb.append(']');
    } else if (v == null || v instanceof Number || v instanceof Boolean) {
      sb.append(Output.flow(v));
    } else {
      write(TREES.valueToTree(v), sb);
    }
  }

  /**
   * A JSON string, which is also a valid YAML double-quoted scalar: every escape JSON uses, YAML
   * reads alike. Jackson's encoder, without a generator per value (146k hosts, dozens of strings each).
   */
  private static void quoted(String text, StringBuilder sb) {
    sb.append('"');
    com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(text, sb);
    sb.append('"');
  }

  private static void write(JsonNode n, StringBuilder sb) {
    if (n.isTextual()) {
      sb.append("!unsafe ");
      quoted(n.asText(), sb);
    } else if (n.isObject()) {
      sb.append('{');
      boolean first = true;
      for (var it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!first) sb.append(", ");
        first = false;
        // keys are not templated by Ansible; quoted so that yes, on or 123 stay strings
        quoted(e.getKey(), sb);
        sb.append(": ");
        write(e.getValue(), sb);
      }
      sb.append('}');
    } else if (n.isArray()) {
      sb.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) sb.append(", ");
        write(n.get(i), sb);
      }
      sb.append(']');
    } else {
      sb.append(Output.flow(n));
    }
  }
}
