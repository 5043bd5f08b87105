package dev.anvil.emit.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A node's resolved {@code gpu_sharing.nvidia}, and the NVIDIA device plugin config (v1, as parsed by
 * k8s-device-plugin v0.20.0's api/config/v1) that does it. Nodes with equal settings share one named
 * config, so the name is spelled from the settings.
 *
 * @param mode exclusive, mig, time_slicing or mps
 * @param migStrategy single or mixed (mig only)
 * @param replicas pods per GPU (time_slicing and mps)
 */
record GpuSharing(String mode, String migConfig, String migStrategy, JsonNode migLayouts, int replicas,
    boolean renameByDefault, boolean failRequestsGreaterThanOne) {

  static final GpuSharing EXCLUSIVE = new GpuSharing("exclusive", null, null, null, 0, false, false);

  static GpuSharing of(JsonNode nvidia) {
    if (nvidia == null) return EXCLUSIVE;
    String mode = nvidia.path("mode").asText("exclusive");
    JsonNode settings = nvidia.path(mode);
    return switch (mode) {
      case "mig" -> new GpuSharing(mode, settings.path("config").asText(null), settings.path("strategy").asText("single"),
          settings.get("layouts"), 0, false, false);
      case "time_slicing", "mps" -> new GpuSharing(mode, null, null, null, settings.path("replicas").asInt(0),
          settings.path("rename_by_default").asBoolean(false),
          settings.path("fail_requests_greater_than_one").asBoolean(false));
      default -> EXCLUSIVE;
    };
  }

  boolean isMig() {
    return mode.equals("mig");
  }

  /** The device plugin config's name: the value of the node's nvidia.com/device-plugin.config label. */
  String pluginConfigName() {
    return switch (mode) {
      case "mig" -> "mig-" + migStrategy;
      case "time_slicing" -> "time-slicing-" + replicas + (renameByDefault ? "-renamed" : "")
          + (failRequestsGreaterThanOne ? "-strict" : "");
      case "mps" -> "mps-" + replicas + (renameByDefault ? "-renamed" : "");
      default -> "exclusive";
    };
  }

  /** The device plugin config document (the ConfigMap holds it as text under its name). */
  Map<String, Object> pluginConfig() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("version", "v1");
    config.put("flags", Map.of("migStrategy", isMig() ? migStrategy : "none"));
    if (replicas > 0) {
      Map<String, Object> shared = new TreeMap<>();
      if (renameByDefault) shared.put("renameByDefault", true);
      if (failRequestsGreaterThanOne) shared.put("failRequestsGreaterThanOne", true);
      shared.put("resources", List.of(Map.of("name", "nvidia.com/gpu", "replicas", replicas)));
      config.put("sharing", Map.of(mode.equals("mps") ? "mps" : "timeSlicing", shared));
    }
    return config;
  }

  /** The layout for one table model (profile → instances per GPU), or null when none is given. */
  SortedMap<String, Integer> layoutFor(String model) {
    JsonNode layout = migLayouts == null ? null : migLayouts.get(model);
    if (layout == null) return null;
    SortedMap<String, Integer> out = new TreeMap<>();
    layout.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
    return out;
  }
}
