package dev.anvil.emit.prometheus;

import dev.anvil.emit.Output;
import dev.anvil.emit.TargetLabels;
import dev.anvil.model.AlertRule;
import dev.anvil.model.Fleet;
import dev.anvil.resolve.ResolvedHost;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A host's target labels as its target groups spell them, encoded once and shared by every job
 * that scrapes it. The sorted {@code "name":"value"} pairs fall into pieces: those before the alert
 * class label's place (each job puts the host's class there), and those after it around the one
 * label every host has its own value of, {@code instance}. The pieces without it repeat across hosts
 * (same groups, team, routing): hosts share one copy of each.
 *
 * @param before the labels that sort before {@link AlertRule#CLASS_LABEL}, comma-separated (may be empty)
 * @param same a label of the class label's own name (written only when the job gives no class), or empty
 * @param after the labels that sort after it, in pieces (the instance label one of them); none empty
 * @param instanceAt which piece of {@code after} is the instance label
 * @param names the label names, one shared list for every host with the same names
 * @param kept how many labels Prometheus keeps (not {@code __}-prefixed)
 * @param instance the host's name
 */
record HostLabels(byte[] before, byte[] same, byte[][] after, int instanceAt, List<String> names, int kept,
    String instance) {
  private static final byte[] EMPTY = {};
  private static final String INSTANCE = "instance";

  /**
   * What hosts share: lists of label names, encoded pieces by their text, and whole label sets by what
   * they are made of.
   */
  static final class Shared {
    private final Map<List<String>, List<String>> names = new ConcurrentHashMap<>();
    private final Map<String, byte[]> pieces = new ConcurrentHashMap<>();
    private final Map<TargetLabels.Basis, HostLabels> byBasis = new ConcurrentHashMap<>();

    private byte[] piece(StringBuilder text) {
      return text.length() == 0 ? EMPTY : pieces.computeIfAbsent(text.toString(), t -> t.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * A host's labels: those of a host of the same basis ({@link TargetLabels.Basis}) with this host's
   * instance label, or worked out and encoded if it is the first of its basis.
   */
  static HostLabels of(ResolvedHost host, Fleet fleet, Shared shared) {
    TargetLabels.Basis basis = new TargetLabels.Basis(host);
    HostLabels like = shared.byBasis.get(basis);
    if (like == null) {
      HostLabels own = of(TargetLabels.of(host, fleet), shared);
      like = shared.byBasis.putIfAbsent(basis, own);
      if (like == null) return own;
    }
    byte[][] after = like.after.clone();
    after[like.instanceAt] = instancePiece(new StringBuilder(32), host.name()).toString()
        .getBytes(StandardCharsets.UTF_8);
    return new HostLabels(like.before, like.same, after, like.instanceAt, like.names, like.kept, host.name());
  }

  private static StringBuilder instancePiece(StringBuilder to, String name) {
    Output.quoted(INSTANCE, to);
    to.append(':');
    Output.quoted(name, to);
    return to;
  }

  /** @param labels the host's sorted target labels */
  static HostLabels of(Map<String, String> labels, Shared shared) {
    StringBuilder before = new StringBuilder(128);
    StringBuilder same = new StringBuilder();
    // after the class label: what sorts before instance, instance itself, what sorts after it
    List<StringBuilder> after = new ArrayList<>(List.of(new StringBuilder(128)));
    StringBuilder own = null;
    int kept = 0;
    for (Map.Entry<String, String> l : labels.entrySet()) {
      int order = l.getKey().compareTo(AlertRule.CLASS_LABEL);
      StringBuilder to = order < 0 ? before : order == 0 ? same : after.get(after.size() - 1);
      if (order > 0 && l.getKey().equals(INSTANCE)) {
        after.add(own = instancePiece(new StringBuilder(32), l.getValue()));
        after.add(new StringBuilder(128));
      } else {
        if (to.length() > 0) to.append(',');
        Output.quoted(l.getKey(), to);
        to.append(':');
        Output.quoted(l.getValue(), to);
      }
      if (!l.getKey().startsWith("__")) kept++;
    }
    List<byte[]> pieces = new ArrayList<>(3);
    int instanceAt = -1;
    for (StringBuilder piece : after) {
      if (piece.length() == 0) continue;
      // the instance label is this host's own: not worth a lookup
      if (piece == own) instanceAt = pieces.size();
      pieces.add(piece == own ? piece.toString().getBytes(StandardCharsets.UTF_8) : shared.piece(piece));
    }
    List<String> keys = List.copyOf(labels.keySet());
    List<String> known = shared.names.putIfAbsent(keys, keys);
    return new HostLabels(shared.piece(before), shared.piece(same), pieces.toArray(byte[][]::new), instanceAt,
        known != null ? known : keys, kept, labels.get(INSTANCE));
  }
}
