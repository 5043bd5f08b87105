package dev.anvil.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.model.AlertRule;
import dev.anvil.model.GroupName;
import dev.anvil.model.Host;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A host's effective configuration.
 *
 * @param memberships the groups the host is in (declared or selected), sorted; ancestors implied
 * @param sections section name → effective entries with provenance (shared by equal hosts)
 */
public record ResolvedHost(Host host, List<GroupName> memberships, Map<String, ResolvedSection> sections) {
  private static final ObjectNode EMPTY = JsonNodeFactory.instance.objectNode();

  public String name() {
    return host.name();
  }

  /**
   * What the host's outputs are made of but for its name and address: its resolved sections (one
   * instance for every host with the same contributions, compared by identity), its groups and its
   * hardware. Hosts of one shape have the same labels, node attributes and checks, which emitters
   * work out once per shape (target labels once per narrower basis: TargetLabels.Basis).
   */
  public record Shape(Map<String, ResolvedSection> sections, List<GroupName> memberships, dev.anvil.model.Hardware hardware) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Shape s && sections == s.sections && memberships.equals(s.memberships)
          && hardware.equals(s.hardware);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(sections) * 31 + hardware.hashCode();
    }
  }

  public Shape shape() {
    return new Shape(sections, memberships, host.hardware());
  }

  public ObjectNode section(String name) {
    ResolvedSection s = sections.get(name);
    return s == null ? EMPTY : s.values();
  }

  /** Effective labels (host labels and policy labels), sorted. */
  public SortedMap<String, String> labels() {
    SortedMap<String, String> out = new TreeMap<>();
    section(Resolver.LABELS).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Whether the host runs an exporter: its effective {@code exporters.<name>.enabled}. */
  public boolean runs(String exporter) {
    JsonNode e = section(Resolver.EXPORTERS).get(exporter);
    return e != null && e.path("enabled").asBoolean(false);
  }

  /**
   * Whether an alert rule covers this host: the host meets the rule's needs ({@link #meetsNeedsOf}),
   * and its settings do not disable the rule.
   */
  public boolean alertApplies(AlertRule rule) {
    return meetsNeedsOf(rule) && (rule.fleetWide() || enabled(section(rule.section()).get(rule.name())));
  }

  /**
   * Whether the host has what an alert rule needs, whatever its own settings for the rule: the rule's
   * exporter, accelerators of the rule's vendors (if any), and the rule's check (if any).
   */
  public boolean meetsNeedsOf(AlertRule rule) {
    if (!runs(rule.exporter())) return false;
    if (!rule.vendors().isEmpty() && devices(rule.vendors()) == 0) return false;
    return rule.check() == null || runsCheck(rule.check());
  }

  /** Whether a host's resolved settings for an alert rule (null: none) leave the rule on. */
  public static boolean enabled(JsonNode settings) {
    return settings != null && settings.path("enabled").asBoolean(true);
  }

  /** Whether the host runs an enabled custom check of a type ("any": any check at all). */
  public boolean runsCheck(String type) {
    for (JsonNode c : section(Resolver.CHECKS)) {
      if (c.path("enabled").asBoolean(true) && (type.equals("any") || type.equals(c.path("type").asText()))) return true;
    }
    return false;
  }

  /** Number of accelerator devices of the given vendors (all vendors when empty). */
  public int devices(List<String> vendors) {
    int n = 0;
    for (var a : host.hardware().accelerators()) if (vendors.isEmpty() || vendors.contains(a.vendor())) n += a.count();
    return n;
  }

  public int port(String exporter) {
    return section(Resolver.EXPORTERS).get(exporter).path("port").asInt();
  }

  /** Comma-separated paths of the host's groups in a namespace, e.g. "gpu-cluster,ml-training/gpu-workers". */
  public String namespaceLabel(String namespace) {
    StringBuilder sb = new StringBuilder();
    for (GroupName g : memberships) {
      if (!g.namespace().equals(namespace)) continue;
      if (sb.length() > 0) sb.append(',');
      sb.append(g.path());
    }
    return sb.toString();
  }

  /**
   * This host as seen by an exporter that something else runs on it (the GPU Operator's
   * dcgm-exporter on a Kubernetes node): the same settings, with {@code exporter} enabled.
   */
  public ResolvedHost running(String exporter) {
    ResolvedSection[] copy = new ResolvedSection[Resolver.SECTIONS.size()];
    for (int i = 0; i < copy.length; i++) copy[i] = sections.get(Resolver.SECTIONS.get(i));
    int at = Resolver.SECTIONS.indexOf(Resolver.EXPORTERS);
    copy[at] = (copy[at] == null ? new ResolvedSection(new java.util.TreeMap<>()) : copy[at]).withEnabled(exporter);
    return new ResolvedHost(host, memberships, new SharedKeyMap<>(Resolver.SECTION_KEYS, copy));
  }

  /** Every provenance entry, keyed "section.entry.leaf". */
  public SortedMap<String, Provenance> provenance() {
    return ResolvedSection.provenance(sections);
  }
}
