package dev.anvil.emit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.model.Fleet;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.Resolver;
import java.util.ArrayList;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;

/**
 * The labels every target of a host carries — the contract between the Prometheus output (targets,
 * hence every alert) and the Alertmanager output (routes and inhibitions match on them).
 */
public final class TargetLabels {
  /** Names the host's routing class: the Alertmanager route its alerts take. */
  public static final String ROUTING = "anvil_routing";
  /** The host's accelerator vendors, comma-separated: lets dashboards and rules pick a vendor's hosts. */
  public static final String ACCELERATORS = "accelerators";

  /** A facility device's type (pdu, ups, bmc) on its targets. */
  public static final String DEVICE_TYPE = "device_type";
  /** On a BMC's targets: the host it belongs to. */
  public static final String HOST = "host";

  private TargetLabels() {}

  /**
   * A facility device's labels: instance and its type; a PDU's or UPS's group path under the group's
   * namespace; a BMC its host's labels (so its alerts route like the host's) and the host's name.
   *
   * @param hostLabels the target labels of the BMC's host; null for other devices
   */
  public static Map<String, String> of(dev.anvil.model.FacilityDevice device, Map<String, String> hostLabels) {
    Map<String, String> labels = new TreeMap<>();
    if (device.host() != null) {
      labels.putAll(hostLabels);
      labels.put(HOST, device.host());
    } else {
      labels.put(device.group().namespace(), device.group().path());
    }
    labels.put("instance", device.name());
    labels.put(DEVICE_TYPE, device.type());
    return labels;
  }

  /** instance, one label per namespace, provider, accelerator vendors, policy labels, and the routing class if any. */
  public static Map<String, String> of(ResolvedHost host, Fleet fleet) {
    Map<String, String> labels = new TreeMap<>(host.labels());
    labels.put("instance", host.name());
    for (String ns : fleet.namespaces().keySet()) {
      String v = host.namespaceLabel(ns);
      if (!v.isEmpty()) labels.put(ns, v);
    }
    String vendors = vendors(host.host().hardware().accelerators());
    if (vendors != null) labels.put(ACCELERATORS, vendors);
    JsonNode provider = host.section(Resolver.PROVIDER).get("name");
    if (provider != null) labels.put("provider", provider.asText());
    String routing = routingClass(host);
    if (routing != null) labels.put(ROUTING, routing);
    return labels;
  }

  /**
   * All that a host's labels ({@link #of(ResolvedHost, Fleet)}) are made of but its name: its resolved
   * sections (one instance for every host with the same contributions, compared by identity), its
   * groups and its accelerators' vendors. Hosts with equal bases have equal labels but for instance.
   * Narrower than {@link ResolvedHost#shape}: of the hardware only the vendors count (at 10k hosts of
   * the benchmark fleet, 3 000 bases against 9 500 shapes).
   */
  public record Basis(java.util.Map<String, dev.anvil.resolve.ResolvedSection> sections,
      List<dev.anvil.model.GroupName> memberships, String vendors) {
    public Basis(ResolvedHost host) {
      this(host.sections(), host.memberships(), TargetLabels.vendors(host.host().hardware().accelerators()));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Basis b && sections == b.sections && memberships.equals(b.memberships)
          && java.util.Objects.equals(vendors, b.vendors);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(sections) * 31 + java.util.Objects.hashCode(vendors);
    }
  }

  /** The accelerators' vendors, distinct, sorted and comma-separated; null for none. */
  private static String vendors(List<dev.anvil.model.Hardware.Accelerator> accelerators) {
    if (accelerators.isEmpty()) return null;
    if (accelerators.size() == 1) return accelerators.get(0).vendor();
    java.util.TreeSet<String> vendors = new java.util.TreeSet<>();
    for (var a : accelerators) vendors.add(a.vendor());
    return String.join(",", vendors);
  }

  /**
   * The host's resolved routing and maintenance windows spelled as one value, e.g.
   * {@code critical=pagerduty-oncall,warning=slack-ml(active=business_hours);maintenance=dc1-power}.
   * Hosts with equal values share one Alertmanager route; null when the host has neither.
   */
  public static String routingClass(ResolvedHost host) {
    // hosts with the same resolved sections (shared instances, equal by identity) have the same
    // class: spell it once. Weak keys: the cache lives as long as the compilation's sections.
    Object routing = host.sections().get(Resolver.ROUTING);
    Object maintenance = host.sections().get(Resolver.MAINTENANCE);
    synchronized (CLASSES) {
      return CLASSES.computeIfAbsent(routing, k -> new WeakHashMap<>())
          .computeIfAbsent(maintenance, k -> Optional.ofNullable(spell(host))).orElse(null);
    }
  }

  private static final Map<Object, Map<Object, Optional<String>>> CLASSES = new WeakHashMap<>();

  private static String spell(ResolvedHost host) {
    List<String> parts = new ArrayList<>();
    host.section(Resolver.ROUTING).fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      List<String> receivers = new ArrayList<>();
      v.path("receivers").forEach(r -> receivers.add(r.asText()));
      List<String> options = new ArrayList<>();
      if (v.has("active")) {
        List<String> active = new ArrayList<>();
        v.get("active").forEach(a -> active.add(a.asText()));
        options.add("active=" + String.join("+", active));
      }
      for (String timing : List.of("group_wait", "group_interval", "repeat_interval")) {
        if (v.has(timing)) options.add(timing + "=" + v.get(timing).asText());
      }
      parts.add(e.getKey() + "=" + String.join("+", receivers) + (options.isEmpty() ? "" : "(" + String.join(";", options) + ")"));
    });
    List<String> windows = new ArrayList<>();
    host.section(Resolver.MAINTENANCE).fieldNames().forEachRemaining(windows::add);
    if (parts.isEmpty() && windows.isEmpty()) return null;
    return String.join(",", parts) + (windows.isEmpty() ? "" : ";maintenance=" + String.join("+", windows));
  }
}
