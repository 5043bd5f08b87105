package dev.anvil.emit.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.model.AlertRule;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.Resolver;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Alert classes: a target's class is the parameter set of every rule of its job that covers it,
 * named by one target label ({@code anvil_class="c…"}, a digest of those parameters). Each distinct
 * parameter set of a rule is one rendered rule, selecting the classes that have it
 * ({@code anvil_class=~"c1|c2"}). So a target carries one Anvil label however many rules cover it,
 * and rule files grow with distinct parameter combinations, never with hosts.
 */
final class AlertClasses {
  private AlertClasses() {}

  /** One rendered rule: its parameters, and the alert classes (target label values) it selects. */
  record Rendering(SortedMap<String, String> params, java.util.SortedSet<String> classes) {
    Rendering(SortedMap<String, String> params) {
      this(params, new java.util.TreeSet<>());
    }
  }

  /**
   * Class names for one job: "c" and 16 hex digits of the SHA-256 of the class's rules and parameter
   * sets, so a name stays while its parameters stay, whatever else changes in the fleet. Each
   * distinct class is digested once.
   */
  static final class Naming {
    private final Map<String, String> ids = new java.util.HashMap<>();

    String id(java.util.List<AlertRule> rules, Map<AlertRule, String> values) {
      StringBuilder key = new StringBuilder();
      for (AlertRule r : rules) {
        String v = values.get(r);
        if (v != null) key.append(r.name()).append('{').append(v).append("};");
      }
      return ids.computeIfAbsent(key.toString(), k -> "c" + dev.anvil.model.Sha256.hex(k, 8));
    }
  }

  /** The parameters of a rule for a host, sorted by name; {@code devices} only when the template uses it. */
  static SortedMap<String, String> params(AlertRule rule, ResolvedHost host, boolean usesDevices) {
    SortedMap<String, String> out = new TreeMap<>();
    addParams(rule.fleetWide() ? rule.defaults() : host.section(rule.section()).get(rule.name()), out);
    if (usesDevices) out.put("devices", String.valueOf(host.devices(rule.vendors())));
    return out;
  }

  /**
   * The parameters of a rule for a facility device: its defaults and the device's own settings; null
   * when the rule is for other device types or the device disables it.
   */
  static SortedMap<String, String> params(AlertRule rule, dev.anvil.model.FacilityDevice device) {
    if (!rule.deviceTypes().isEmpty() && !rule.deviceTypes().contains(device.type())) return null;
    JsonNode own = device.alerts().path(rule.name());
    if (!own.path("enabled").asBoolean(true)) return null;
    SortedMap<String, String> out = new TreeMap<>();
    addParams(rule.defaults(), out);
    addParams(own, out);
    return out;
  }

  /** The parameters of a rule entry (a policy's, a device's, the defaults), over those already in {@code out}. */
  private static void addParams(JsonNode values, SortedMap<String, String> out) {
    values.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("enabled")) out.put(e.getKey(), e.getValue().asText());
    });
  }

  /** "for=5m,severity=warning,threshold=80": readable in alerts, stable while the parameters stay. */
  static String classValue(Map<String, String> params) {
    StringBuilder sb = new StringBuilder();
    params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return sb.toString();
  }
}
