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

  /** Prints the explanation; returns false when {@code keyPrefix} matches nothing. */
  public boolean explain(ResolvedHost host, String keyPrefix, PrintWriter out) {
    header(host, out);
    SortedMap<String, Provenance> all = host.provenance();
    List<String> keys = new ArrayList<>();
    for (String k : all.keySet()) {
      if (keyPrefix == null ? applicable(host, k) : k.equals(keyPrefix) || k.startsWith(keyPrefix + ".")) keys.add(k);
    }
    keys.sort(Comparator.comparing((String k) -> Resolver.SECTIONS.indexOf(k.substring(0, k.indexOf('.'))))
        .thenComparing(k -> k));
    for (String k : keys) {
      out.println();
      Provenance p = all.get(k);
      out.println(k + " = " + show(p.value()) + notApplied(host, k));
      out.println("  set by   " + describe(p.from(), k));
      String verb = "  beats   ";
      for (Provenance.Shadowed s : p.shadowed()) {
        String label = s.merged() ? "  merged  " : verb;
        out.println(label + show(s.value()) + "  " + describe(s.from(), k));
        if (!s.merged()) verb = "          ";
      }
    }
    out.flush();
    return !keys.isEmpty();
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
    if (!key.startsWith(Resolver.ALERTS + ".")) return null;
    String name = key.split("\\.")[1];
    for (AlertRule r : fleet.fleet().alertRules()) if (r.name().equals(name)) return r;
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
    return v.isTextual() ? v.asText() : v.toString();
  }
}
