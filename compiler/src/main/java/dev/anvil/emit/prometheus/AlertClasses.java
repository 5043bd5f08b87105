package dev.anvil.emit.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.model.AlertRule;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.Resolver;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Groups hosts by the parameters an alert rule resolves to for them. Each distinct parameter set
 * is one "class": one rendered rule, selected by the target label {@code anvil_<rule>} whose value
 * spells the parameters. Rule files therefore grow with distinct thresholds, not with hosts.
 */
final class AlertClasses {
  private AlertClasses() {}

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
