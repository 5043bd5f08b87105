package dev.anvil.load;

import dev.anvil.model.AlertRule;
import dev.anvil.model.Dashboard;
import dev.anvil.model.Alerting;
import dev.anvil.model.Receiver;
import dev.anvil.model.RoutingTest;
import dev.anvil.model.Exporter;
import dev.anvil.model.Group;
import dev.anvil.model.Host;
import dev.anvil.model.Namespace;
import dev.anvil.model.Partition;
import dev.anvil.model.Policy;
import dev.anvil.model.PrometheusSettings;
import java.util.List;

/**
 * Every schema-valid document mapped to its model record, before cross-references are checked; and
 * the kinds and names of the documents the schemas refused, so that a reference to one of those is
 * not reported again as unknown (one broken document, one error).
 */
public record Declarations(
    List<Namespace> namespaces,
    List<Group> groups,
    List<Host> hosts,
    List<Policy> policies,
    List<Exporter> exporters,
    List<AlertRule> alertRules,
    List<PrometheusSettings> prometheus,
    List<Receiver> receivers,
    List<Alerting> alerting,
    List<RoutingTest> routingTests,
    List<Partition> partitions,
    List<Dashboard> dashboards,
    List<dev.anvil.model.ExporterContract> contracts,
    List<dev.anvil.model.FacilityDevice> devices,
    List<dev.anvil.model.Cluster> clusters,
    java.util.Map<String, java.util.Set<String>> refused) {

  /** Whether a document of {@code kind} named {@code name} (any name, if null) was declared but refused. */
  public boolean wasRefused(String kind, String name) {
    java.util.Set<String> names = refused.get(kind);
    return names != null && (name == null || names.contains(name));
  }

  /**
   * The host names the other documents use: the hosts policies, facility devices (reached and read
   * through), partitions and routing tests name, and facility devices' own names, which no host may have.
   */
  public java.util.Set<String> hostNamesUsed() {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Policy p : policies) if (p.host() != null) names.add(p.host());
    for (dev.anvil.model.FacilityDevice d : devices) {
      names.add(d.name());
      if (d.host() != null) names.add(d.host());
      if (d.via() != null) names.add(d.via());
    }
    for (Partition p : partitions) names.addAll(p.hosts());
    for (RoutingTest t : routingTests) if (t.host() != null) names.add(t.host());
    return names;
  }

  /**
   * The groups whose policies may bear on {@code host}: its own, every group that takes hosts by rule
   * ({@code select}, not worked out here), and their ancestors; null when no host has that name.
   */
  public java.util.Set<String> groupsBearingOn(String host) {
    java.util.Set<dev.anvil.model.GroupName> groups = new java.util.HashSet<>();
    boolean declared = false;
    for (Host h : hosts) {
      if (!h.name().equals(host)) continue;
      declared = true;
      if (h.primaryGroup() != null) groups.add(h.primaryGroup());
      groups.addAll(h.groups());
    }
    if (!declared) return null;
    for (Group g : this.groups) if (g.select() != null) groups.add(g.name());
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (dev.anvil.model.GroupName g : groups) g.selfAndAncestors().forEach(a -> names.add(a.toString()));
    return names;
  }
}
