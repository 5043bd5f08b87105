package dev.anvil.explain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.model.AlertRule;
import dev.anvil.model.GroupName;
import dev.anvil.model.Namespace;
import dev.anvil.resolve.Contribution;
import dev.anvil.resolve.Provenance;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.Resolver;
import dev.anvil.resolve.Source;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;

/**
 * Answers "why does this host get this value": every effective value with the source that won,
 * and every source it beat, with file positions — like Hiera's {@code lookup --explain}.
 */
public final class Explainer {
  private final ResolvedFleet fleet;

  public Explainer(ResolvedFleet fleet) {
    this.fleet = fleet;
  }

  /** The keys an answer covers, in section order. */
  private List<String> keys(ResolvedHost host, String keyPrefix) {
    List<String> keys = new ArrayList<>();
    for (String k : host.provenance().keySet()) {
      if (keyPrefix == null ? applicable(host, k) : k.equals(keyPrefix) || k.startsWith(keyPrefix + ".")) keys.add(k);
    }
    keys.sort(Comparator.comparing((String k) -> Resolver.SECTIONS.indexOf(k.substring(0, k.indexOf('.'))))
        .thenComparing(k -> k));
    return keys;
  }

  /**
   * The same answer as data (for {@code --format json}): host, address, groups, and per key the
   * value, whether it applies, who set it and every value it beat or merged with; null when
   * {@code keyPrefix} matches nothing.
   */
  public java.util.Map<String, Object> explainData(ResolvedHost host, String keyPrefix) {
    List<String> keys = keys(host, keyPrefix);
    if (keys.isEmpty()) return null;
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("host", host.name());
    out.put("address", host.host().address());
    out.put("groups", host.memberships().stream().map(GroupName::toString).toList());
    out.put("values", valueData(host.provenance(), keys, k -> notApplied(host, k).isEmpty()));
    return out;
  }

  /** A node pool's answer as data: the pool, its cluster and its values as for a host; null when {@code keyPrefix} matches nothing. */
  public java.util.Map<String, Object> explainData(dev.anvil.resolve.ResolvedPool pool, String keyPrefix) {
    List<String> keys = keys(pool, keyPrefix);
    if (keys.isEmpty()) return null;
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("pool", pool.group().toString());
    out.put("cluster", pool.settings().path("cluster").asText(""));
    out.put("values", valueData(pool.provenance(), keys, k -> true));
    return out;
  }

  private static List<Object> valueData(SortedMap<String, Provenance> all, List<String> keys,
      java.util.function.Predicate<String> applies) {
    List<Object> values = new ArrayList<>();
    for (String k : keys) {
      Provenance p = all.get(k);
      java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
      v.put("key", k);
      v.put("value", p.value());
      v.put("applies", applies.test(k));
      v.put("set_by", source(p.from(), k));
      List<Object> others = new ArrayList<>();
      for (Provenance.Shadowed sh : p.shadowed()) {
        java.util.Map<String, Object> o = source(sh.from(), k);
        o.put("value", sh.value());
        o.put("merged", sh.merged());
        others.add(o);
      }
      v.put("beats", others);
      values.add(v);
    }
    return values;
  }

  private static java.util.Map<String, Object> source(Contribution c, String key) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    Source s = c.source();
    m.put("source", s.kind() == Source.Kind.DEFAULT ? "default" : s.label());
    if (s.kind() != Source.Kind.DEFAULT) m.put("strategy", c.strategy().label());
    String entryKey = c.section() + "." + c.entry();
    m.put("at", c.positionOf(key.length() > entryKey.length() ? key.substring(entryKey.length() + 1) : "").toString());
    return m;
  }

  /** Prints the explanation; returns false when {@code keyPrefix} matches nothing. */
  public boolean explain(ResolvedHost host, String keyPrefix, PrintWriter out) {
    header(host, out);
    List<String> keys = keys(host, keyPrefix);
    values(host.provenance(), keys, k -> notApplied(host, k), out);
    return !keys.isEmpty();
  }

  /**
   * A node pool's settings (by default its kubernetes and gpu_sharing sections), resolved over its
   * group and the group's ancestors; false when {@code keyPrefix} matches nothing.
   */
  public boolean explain(dev.anvil.resolve.ResolvedPool pool, String keyPrefix, PrintWriter out) {
    out.println("pool " + pool.group() + "  (a node pool of cluster " + pool.settings().path("cluster").asText("?")
        + ": its nodes are made on demand)");
    out.println("  order    the group > its ancestors > defaults");
    List<String> keys = keys(pool, keyPrefix);
    values(pool.provenance(), keys, k -> "", out);
    return !keys.isEmpty();
  }

  /** A pool's keys: by default its kubernetes and gpu_sharing sections. */
  private static List<String> keys(dev.anvil.resolve.ResolvedPool pool, String keyPrefix) {
    List<String> keys = new ArrayList<>();
    for (String k : pool.provenance().keySet()) {
      boolean wanted = keyPrefix == null ? k.startsWith(Resolver.KUBERNETES + ".") || k.startsWith(Resolver.GPU_SHARING + ".")
          : k.equals(keyPrefix) || k.startsWith(keyPrefix + ".");
      if (wanted) keys.add(k);
    }
    return keys;
  }

  private static void values(SortedMap<String, Provenance> all, List<String> keys,
      java.util.function.Function<String, String> note, PrintWriter out) {
    for (String k : keys) {
      out.println();
      Provenance p = all.get(k);
      out.println(k + " = " + show(p.value()) + note.apply(k));
      out.println("  set by   " + describe(p.from(), k));
      String verb = "  beats   ";
      for (Provenance.Shadowed s : p.shadowed()) {
        String label = s.merged() ? "  merged  " : verb;
        out.println(label + show(s.value()) + "  " + describe(s.from(), k));
        if (!s.merged()) verb = "          ";
      }
    }
    out.flush();
  }

  private void header(ResolvedHost host, PrintWriter out) {
    out.println("host " + host.name() + "  (" + host.host().source().at("/name") + ")");
    out.println("  address  " + host.host().address());
    List<String> groups = new ArrayList<>();
    for (GroupName g : host.memberships()) {
      String how = g.equals(host.host().primaryGroup()) ? " (primary)"
          : host.host().groups().contains(g) ? "" : " (selected by rule)";
      groups.add(g + how);
    }
    out.println("  groups   " + String.join(", ", groups));
    List<Namespace> order = new ArrayList<>(fleet.fleet().namespaces().values());
    order.sort(Comparator.comparingInt(Namespace::priority).thenComparing(Namespace::name));
    StringBuilder rank = new StringBuilder("host");
    for (Namespace n : order) rank.append(" > ").append(n.name()).append(" (").append(n.priority()).append(')');
    out.println("  order    " + rank + " > defaults; within a namespace a child group beats its ancestors");
  }

  /** Without a key, alerts that do not apply to the host are left out to keep the answer short. */
  private boolean applicable(ResolvedHost host, String key) {
    AlertRule rule = alertRule(key);
    return rule == null || host.alertApplies(rule);
  }

  private String notApplied(ResolvedHost host, String key) {
    AlertRule rule = alertRule(key);
    if (rule == null || host.alertApplies(rule)) return "";
    return "   (not applied: " + (!host.runs(rule.exporter()) ? "host does not run " + rule.exporter()
        : !rule.vendors().isEmpty() && host.devices(rule.vendors()) == 0 ? "no " + String.join("/", rule.vendors())
            + " accelerators" : "disabled") + ")";
  }

  private AlertRule alertRule(String key) {
    String[] parts = key.split("\\.");
    if (parts.length < 2) return null;
    for (AlertRule r : fleet.fleet().alertRules()) if (r.section().equals(parts[0]) && r.name().equals(parts[1])) return r;
    return null;
  }

  /** "environment:production (override)  policies/production.yaml:9:18", pointing at the leaf itself. */
  private static String describe(Contribution c, String key) {
    Source s = c.source();
    String strategy = s.kind() == Source.Kind.DEFAULT ? "" : " (" + c.strategy().label() + ")";
    String who = s.kind() == Source.Kind.DEFAULT ? "default" : s.label();
    String entryKey = c.section() + "." + c.entry();
    String sub = key.length() > entryKey.length() ? key.substring(entryKey.length() + 1) : "";
    return who + strategy + "  " + c.positionOf(sub);
  }

  static String show(JsonNode v) {
    if (v == null) return "(unset)";
    return dev.anvil.diag.Text.escape(v.isTextual() ? v.asText() : dev.anvil.diag.JsonText.compact(v), 2000);
  }
}
