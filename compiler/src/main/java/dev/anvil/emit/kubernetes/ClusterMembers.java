package dev.anvil.emit.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.model.Cluster;
import dev.anvil.model.Hardware;
import dev.anvil.model.Host;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.ResolvedPool;
import dev.anvil.resolve.Resolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who has NVIDIA GPUs in each cluster: its declared nodes, and each pool's node shapes (one per
 * GPU count its instance types have; Karpenter labels a node with its count). What the cluster's
 * in-cluster monitoring tells apart.
 */
public record ClusterMembers(Cluster cluster, List<ResolvedHost> nodes, List<PoolShape> poolShapes) {

  /**
   * A pool's nodes with {@code gpus} GPUs, as one node would resolve.
   *
   * @param pool the NodePool's name (its nodes' karpenter.sh/nodepool label)
   * @param node the pool's settings as such a node has them, with its GPUs as its hardware
   */
  public record PoolShape(String pool, int gpus, ResolvedHost node) {}

  /** Cluster name → its members, for every declared cluster. */
  public static Map<String, ClusterMembers> of(ResolvedFleet resolved) {
    Map<String, ClusterMembers> out = new TreeMap<>();
    for (Cluster c : resolved.fleet().clusters().values()) {
      List<ResolvedHost> nodes = new ArrayList<>();
      for (ResolvedHost h : resolved.hosts()) {
        JsonNode node = h.section(Resolver.KUBERNETES).get("node");
        if (node != null && c.name().equals(node.path("cluster").asText()) && hasNvidia(h.host().hardware())) nodes.add(h);
      }
      List<PoolShape> shapes = new ArrayList<>();
      if (c.provider().equals("eks")) {
        for (ResolvedPool p : resolved.pools()) {
          if (!c.name().equals(p.settings().path("cluster").asText())) continue;
          Map<Integer, AwsInstanceTypes.Type> byCount = new TreeMap<>();
          for (AwsInstanceTypes.Type t : KarpenterPools.typesOf(p)) byCount.putIfAbsent(t.gpus(), t);
          String name = KarpenterPools.name(p);
          byCount.forEach((gpus, t) -> {
            Hardware hardware = new Hardware(t.cpu(), null, (int) (t.memoryMib() / 1024), List.of(
                new Hardware.Accelerator("nvidia", t.gpu(), gpus, t.gpuMemoryGb())), List.of(), List.of());
            Host node = new Host(name + "-" + gpus + "gpu", "", p.group(), List.of(), Map.of(), null, hardware, null);
            shapes.add(new PoolShape(name, gpus, p.asNode(node)));
          });
        }
      }
      out.put(c.name(), new ClusterMembers(c, List.copyOf(nodes), List.copyOf(shapes)));
    }
    return out;
  }

  private static boolean hasNvidia(Hardware hardware) {
    return hardware.accelerators().stream().anyMatch(a -> a.vendor().equals("nvidia"));
  }

  public boolean isEmpty() {
    return nodes.isEmpty() && poolShapes.isEmpty();
  }
}
