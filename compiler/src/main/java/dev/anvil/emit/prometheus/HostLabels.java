package dev.anvil.emit.prometheus;

import dev.anvil.emit.Output;
import dev.anvil.model.AlertRule;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A host's target labels as its target groups spell them, encoded once and shared by every job
 * that scrapes it: the sorted {@code "name":"value"} pairs before the alert class label's place, and
 * after it. Each job puts the host's class between them.
 *
 * @param before the labels that sort before {@link AlertRule#CLASS_LABEL}, comma-separated (may be empty)
 * @param same a label of the class label's own name (written only when the job gives no class), or empty
 * @param after the labels that sort after it
 * @param names the label names, one shared list for every host with the same names
 * @param kept how many labels Prometheus keeps (not {@code __}-prefixed)
 * @param instance the host's name
 */
record HostLabels(byte[] before, byte[] same, byte[] after, List<String> names, int kept, String instance) {
  private static final byte[] EMPTY = {};

  /**
   * @param labels the host's sorted target labels
   * @param names the lists of label names seen so far: hosts with the same names share one
   */
  static HostLabels of(Map<String, String> labels, Map<List<String>, List<String>> names) {
    StringBuilder before = new StringBuilder(256);
    StringBuilder same = new StringBuilder();
    StringBuilder after = new StringBuilder(256);
    int kept = 0;
    for (Map.Entry<String, String> l : labels.entrySet()) {
      int order = l.getKey().compareTo(AlertRule.CLASS_LABEL);
      StringBuilder to = order < 0 ? before : order == 0 ? same : after;
      if (to.length() > 0) to.append(',');
      Output.quoted(l.getKey(), to);
      to.append(':');
      Output.quoted(l.getValue(), to);
      if (!l.getKey().startsWith("__")) kept++;
    }
    List<String> keys = List.copyOf(labels.keySet());
    List<String> shared = names.putIfAbsent(keys, keys);
    return new HostLabels(utf8(before), utf8(same), utf8(after), shared != null ? shared : keys, kept, labels.get("instance"));
  }

  private static byte[] utf8(StringBuilder sb) {
    return sb.length() == 0 ? EMPTY : sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
