package dev.anvil.emit.slurm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.model.Partition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A dynamic partition as a NodeSet of the Slinky {@code slurm} Helm chart: pods placed by node
 * selector and tolerations, each a Slurm node with the partition's Gres, requesting the matching
 * Kubernetes extended resource.
 */
final class Slinky {
  private Slinky() {}

  static Map<String, Object> nodeset(Partition p) {
    JsonNode s = p.slinky();
    JsonNode gres = s.get("gres");
    Map<String, Object> set = new TreeMap<>();
    set.put("replicas", s.path("replicas").asInt(1));
    if (s.has("node_selector")) set.put("nodeSelector", toMap(s.get("node_selector")));
    if (s.has("tolerations")) {
      List<Object> tolerations = new ArrayList<>();
      s.get("tolerations").forEach(t -> tolerations.add(toMap(t)));
      set.put("tolerations", tolerations);
    }
    String spec = gres.get("name").asText() + ":" + gres.get("type").asText() + ":" + gres.get("count").asInt();
    set.put("extraConfMap", Map.of("Gres", List.of(spec)));
    if (gres.has("resource")) {
      set.put("resources", Map.of("limits", Map.of(gres.get("resource").asText(), gres.get("count").asInt())));
    }
    Map<String, Object> partition = new TreeMap<>();
    partition.put("enabled", true);
    Map<String, Object> options = new TreeMap<>(p.options());
    if (p.isDefault()) options.put("Default", "YES");
    partition.put("configMap", options);
    set.put("partition", partition);
    return set;
  }

  private static Map<String, Object> toMap(JsonNode n) {
    Map<String, Object> out = new TreeMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
