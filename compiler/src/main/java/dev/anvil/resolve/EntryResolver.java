package dev.anvil.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.model.Strategy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Combines the contributions to one entry, weakest first. {@code override} replaces what weaker
 * sources set (template defaults still fill what it leaves out); {@code merge} deep-merges maps,
 * stronger leaves winning, and unions lists.
 */
final class EntryResolver {
  private EntryResolver() {}

  /** Effective value of one entry; fills {@code provenance} ("entry.leaf" keys) and {@code conflicts}. */
  static JsonNode resolve(String entry, List<Contribution> weakestFirst, Map<String, Provenance> provenance,
      List<ResolvedSection.Conflict> conflicts) {
    findConflicts(entry, weakestFirst, conflicts);

    Contribution base = null;
    JsonNode acc = null;
    Map<String, Contribution> origin = new TreeMap<>();
    int lastOverride = -1;
    for (int i = 0; i < weakestFirst.size(); i++) {
      Contribution c = weakestFirst.get(i);
      if (c.source().kind() == Source.Kind.DEFAULT) base = c;
      boolean replace = acc == null || (c.strategy() == Strategy.OVERRIDE && c != base) || !mergeable(acc, c.value());
      if (replace) {
        if (c != base) lastOverride = i;
        origin.clear();
        if (base != null && c != base && mergeable(base.value(), c.value())) {
          acc = merge(base.value(), c.value());
          for (String p : leaves(base.value(), "").keySet()) origin.put(p, base);
        } else {
          acc = c.value();
        }
      } else {
        acc = merge(acc, c.value());
      }
      for (String p : leaves(c.value(), "").keySet()) origin.put(p, c);
    }

    for (var leaf : leaves(acc, "").entrySet()) {
      String p = leaf.getKey();
      Contribution from = origin.get(p);
      List<Provenance.Shadowed> shadowed = new ArrayList<>();
      for (int i = weakestFirst.size() - 1; i >= 0; i--) {
        Contribution c = weakestFirst.get(i);
        if (c == from) continue;
        JsonNode v = leaves(c.value(), "").get(p);
        if (v == null) continue;
        boolean merged = v.isArray() && leaf.getValue().isArray() && i >= lastOverride;
        shadowed.add(new Provenance.Shadowed(v, c, merged));
      }
      provenance.put(p.isEmpty() ? entry : entry + "." + p, new Provenance(leaf.getValue(), from, List.copyOf(shadowed)));
    }
    return acc;
  }

  private static void findConflicts(String entry, List<Contribution> cs, List<ResolvedSection.Conflict> out) {
    for (int i = 0; i < cs.size(); i++) {
      for (int j = i + 1; j < cs.size(); j++) {
        Contribution a = cs.get(i);
        Contribution b = cs.get(j);
        if (Source.compare(a.source(), b.source()) != 0) continue;
        String differing = firstDifference(a, b);
        if (differing != null && !decidedAbove(cs, a, b, differing)) {
          out.add(new ResolvedSection.Conflict(a, b, differing.isEmpty() ? entry : entry + "." + differing));
        }
      }
    }
  }

  /**
   * True when a source stronger than both sides settles the contested key — an override of the
   * whole entry, or a scalar at that key — so the disagreement cannot reach the effective value.
   * This is what makes "set it on the host" a fix for a conflict between two groups.
   */
  private static boolean decidedAbove(List<Contribution> cs, Contribution a, Contribution b, String path) {
    for (Contribution c : cs) {
      if (Source.compare(c.source(), a.source()) <= 0 || Source.compare(c.source(), b.source()) <= 0) continue;
      if (c.strategy() == Strategy.OVERRIDE) return true;
      JsonNode v = leaves(c.value(), "").get(path);
      if (v != null && !v.isArray()) return true;
    }
    return false;
  }

  /**
   * The first leaf path where two equal-rank contributions disagree, or null. With {@code override}
   * on either side, the order of application would decide, so any difference counts; two merges
   * conflict only where both set the same scalar differently.
   */
  private static String firstDifference(Contribution a, Contribution b) {
    Map<String, JsonNode> la = leaves(a.value(), "");
    Map<String, JsonNode> lb = leaves(b.value(), "");
    boolean strict = a.strategy() == Strategy.OVERRIDE || b.strategy() == Strategy.OVERRIDE;
    TreeMap<String, Boolean> paths = new TreeMap<>();
    la.keySet().forEach(p -> paths.put(p, true));
    lb.keySet().forEach(p -> paths.put(p, true));
    for (String p : paths.keySet()) {
      JsonNode va = la.get(p);
      JsonNode vb = lb.get(p);
      if (va == null || vb == null) {
        if (strict) return p;
        if (clashesWithALeafOf(p, va == null ? la : lb)) return p;
        continue;
      }
      if (va.isArray() && vb.isArray() && !strict) continue;
      if (!va.equals(vb)) return p;
    }
    return null;
  }

  /** True when a leaf path of one side sits above or below a leaf of the other (a map against a scalar). */
  private static boolean clashesWithALeafOf(String path, Map<String, JsonNode> other) {
    for (String p : other.keySet()) {
      if (path.startsWith(p + ".") || p.startsWith(path + ".")) return true;
    }
    return false;
  }

  private static boolean mergeable(JsonNode a, JsonNode b) {
    return (a.isObject() && b.isObject()) || (a.isArray() && b.isArray());
  }

  /** Deep merge: {@code stronger}'s leaves win, lists union (weaker items first, no duplicates). */
  static JsonNode merge(JsonNode weaker, JsonNode stronger) {
    if (weaker.isArray() && stronger.isArray()) {
      LinkedHashSet<JsonNode> items = new LinkedHashSet<>();
      weaker.forEach(items::add);
      stronger.forEach(items::add);
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      items.forEach(out::add);
      return out;
    }
    if (!(weaker.isObject() && stronger.isObject())) return stronger;
    ObjectNode out = ((ObjectNode) weaker).deepCopy();
    Iterator<Map.Entry<String, JsonNode>> it = stronger.fields();
    while (it.hasNext()) {
      var e = it.next();
      JsonNode existing = out.get(e.getKey());
      out.set(e.getKey(), existing == null ? e.getValue() : merge(existing, e.getValue()));
    }
    return out;
  }

  /** Leaves by dotted path: scalars, lists and empty maps. A scalar entry is the single leaf "". */
  static Map<String, JsonNode> leaves(JsonNode v, String prefix) {
    Map<String, JsonNode> out = new TreeMap<>();
    collect(v, prefix, out);
    return out;
  }

  private static void collect(JsonNode v, String prefix, Map<String, JsonNode> out) {
    if (v.isObject() && v.size() > 0) {
      v.fields().forEachRemaining(e -> collect(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out));
    } else {
      out.put(prefix, v);
    }
  }
}
