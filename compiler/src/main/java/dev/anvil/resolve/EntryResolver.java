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

  /**
   * Equal-rank contributions that disagree, one conflict per key with every contender. Equal rank
   * happens only within one (kind, priority) bucket, between groups neither of which is an
   * ancestor of the other; a group whose descendant in the bucket sets the same key is shadowed by
   * it, so the contenders left for a key are exactly the equal-rank ones. Linear in the number of
   * contributions times the keys and group depth: a thousand contenders are one error, not half a
   * million pairs.
   */
  private static void findConflicts(String entry, List<Contribution> cs, List<ResolvedSection.Conflict> out) {
    int i = 0;
    while (i < cs.size()) {
      int j = i + 1;
      while (j < cs.size() && sameBucket(cs.get(i).source(), cs.get(j).source())) j++;
      if (j - i > 1) findConflicts(entry, cs, i, j, out);
      i = j;
    }
  }

  private static boolean allAgree(List<Contribution> bucket) {
    Contribution first = bucket.get(0);
    for (int k = 1; k < bucket.size(); k++) {
      Contribution c = bucket.get(k);
      if (c.strategy() != first.strategy() || !c.value().equals(first.value())) return false;
    }
    return true;
  }

  private static boolean sameBucket(Source a, Source b) {
    return a.kind() == b.kind() && (a.kind() != Source.Kind.GROUP || a.priority() == b.priority());
  }

  private static void findConflicts(String entry, List<Contribution> cs, int from, int to,
      List<ResolvedSection.Conflict> out) {
    List<Contribution> bucket = cs.subList(from, to);
    if (allAgree(bucket)) return;  // the common case: the same value from several groups
    List<TreeMap<String, JsonNode>> leafMaps = new ArrayList<>(bucket.size());
    TreeMap<String, Boolean> paths = new TreeMap<>();
    boolean anyOverride = false;
    for (Contribution c : bucket) {
      TreeMap<String, JsonNode> l = leaves(c.value(), "");
      leafMaps.add(l);
      l.keySet().forEach(p -> paths.put(p, true));
      anyOverride |= c.strategy() == Strategy.OVERRIDE;
    }
    java.util.Set<String> reported = new java.util.HashSet<>();
    for (String p : paths.keySet()) {
      // the members that speak for p: set it, set something below it, or (override) drop it
      List<Integer> speaking = new ArrayList<>();
      for (int k = 0; k < bucket.size(); k++) {
        if (leafMaps.get(k).containsKey(p) || hasBelow(leafMaps.get(k), p)
            || (anyOverride && bucket.get(k).strategy() == Strategy.OVERRIDE)) {
          speaking.add(k);
        }
      }
      List<Integer> contenders = unshadowed(bucket, speaking);
      if (contenders.size() < 2 || !disagree(bucket, leafMaps, contenders, p)) continue;
      if (decidedAbove(cs, to, p)) continue;
      String key = p.isEmpty() ? entry : entry + "." + p;
      // a conflict at a map is reported once, not again for each leaf below it
      if (reported.stream().anyMatch(r -> key.startsWith(r + "."))) continue;
      reported.add(key);
      out.add(new ResolvedSection.Conflict(contenders.stream().map(bucket::get).toList(), key));
    }
  }

  private static boolean hasBelow(TreeMap<String, JsonNode> leaves, String p) {
    if (p.isEmpty()) return false;
    String below = leaves.higherKey(p + ".");
    return below != null && below.startsWith(p + ".");
  }

  /** Drops the members whose descendant group in the same bucket also speaks: they are weaker. */
  private static List<Integer> unshadowed(List<Contribution> bucket, List<Integer> speaking) {
    java.util.Set<dev.anvil.model.GroupName> shadowed = new java.util.HashSet<>();
    for (int k : speaking) {
      dev.anvil.model.GroupName g = group(bucket.get(k));
      for (g = g == null ? null : g.parent(); g != null; g = g.parent()) shadowed.add(g);
    }
    List<Integer> out = new ArrayList<>();
    for (int k : speaking) {
      if (group(bucket.get(k)) == null || !shadowed.contains(group(bucket.get(k)))) out.add(k);
    }
    return out;
  }

  private static dev.anvil.model.GroupName group(Contribution c) {
    return c.source().group();
  }

  /** Whether the contenders give {@code p} different values (any difference counts under override). */
  private static boolean disagree(List<Contribution> bucket, List<TreeMap<String, JsonNode>> leafMaps,
      List<Integer> contenders, String p) {
    java.util.Set<JsonNode> values = new java.util.HashSet<>();
    boolean strict = contenders.stream().anyMatch(k -> bucket.get(k).strategy() == Strategy.OVERRIDE);
    for (int k : contenders) {
      TreeMap<String, JsonNode> l = leafMaps.get(k);
      JsonNode v = l.get(p);
      if (v == null) {
        if (hasBelow(l, p)) return true;  // a map against a scalar
        if (strict) values.add(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
        continue;
      }
      if (v.isArray() && !strict) continue;  // lists merge
      values.add(v);
    }
    return values.size() > 1;
  }

  /**
   * True when a source stronger than the whole bucket (a stronger namespace, or the host) settles
   * the key — an override of the whole entry, or a scalar at that key — so the disagreement cannot
   * reach the effective value. This is what makes "set it on the host" a fix for a conflict
   * between two groups. Within one bucket no group is stronger than two incomparable ones.
   */
  private static boolean decidedAbove(List<Contribution> cs, int bucketEnd, String path) {
    for (int k = bucketEnd; k < cs.size(); k++) {
      Contribution c = cs.get(k);
      if (c.strategy() == Strategy.OVERRIDE) return true;
      JsonNode v = leaves(c.value(), "").get(path);
      if (v != null && !v.isArray()) return true;
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
  static TreeMap<String, JsonNode> leaves(JsonNode v, String prefix) {
    TreeMap<String, JsonNode> out = new TreeMap<>();
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
