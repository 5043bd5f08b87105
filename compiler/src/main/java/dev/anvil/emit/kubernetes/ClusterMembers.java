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
 * Each cluster's members: its declared nodes with NVIDIA GPUs, its pools, and on EKS each pool's node
 * shapes (one per GPU count its instance types have; Karpenter labels a node with its count) — what
 * the cluster's configs and its in-cluster monitoring tell apart.
 */
public record ClusterMembers(Cluster cluster, List<ResolvedHost> nodes, List<ResolvedPool> pools,
    List<PoolShape> poolShapes) {

  /**
   * A pool's nodes with {@code gpus} GPUs, as one node would resolve.
   *
   * @param pool the NodePool's name (its nodes' karpenter.sh/nodepool label)
   * @param node the pool's settings as such a node has them, with its GPUs as its hardware
   */
  public record PoolShape(String pool, int gpus, ResolvedHost node) {}

  /** Cluster name → its members, for every declared cluster; a member of an undeclared cluster is the reference checker's. */
  public static Map<String, ClusterMembers> of(ResolvedFleet resolved) {
    Map<String, Cluster> clusters = resolved.fleet().clusters();
    Map<String, List<ResolvedHost>> nodes = new TreeMap<>();
    if (!clusters.isEmpty()) {
      // per host in a lambda, whose body is a method of its own (docs/architecture.md, "Performance")
      resolved.hosts().forEach(h -> {
        JsonNode node = h.section(Resolver.KUBERNETES).get("node");
        if (node != null && clusters.containsKey(node.path("cluster").asText()) && hasNvidia(h.host().hardware())) {
          nodes.computeIfAbsent(node.get("cluster").asText(), k -> new ArrayList<>()).add(h);
        }
      });
    }
    Map<String, List<ResolvedPool>> pools = new TreeMap<>();
    for (ResolvedPool p : resolved.pools()) {
      if (clusters.containsKey(p.settings().path("cluster").asText())) {
        pools.computeIfAbsent(p.settings().get("cluster").asText(), k -> new ArrayList<>()).add(p);
      }
    }
    Map<String, ClusterMembers> out = new TreeMap<>();
    for (Cluster c : clusters.values()) {
      List<ResolvedPool> own = pools.getOrDefault(c.name(), List.of());
      out.put(c.name(), new ClusterMembers(c, nodes.getOrDefault(c.name(), List.of()), own,
          c.provider().equals("eks") ? shapes(own) : List.of()));
    }
    return out;
  }

  private static List<PoolShape> shapes(List<ResolvedPool> pools) {
    List<PoolShape> shapes = new ArrayList<>();
    for (ResolvedPool p : pools) {
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
    return shapes;
  }

  /** The NVIDIA GPUs of a host's hardware: what the device plugin and dcgm-exporter see. */
  static List<Hardware.Accelerator> nvidia(Hardware hardware) {
    return hardware.accelerators().stream().filter(a -> a.vendor().equals("nvidia")).toList();
  }

  private static boolean hasNvidia(Hardware hardware) {
    return !nvidia(hardware).isEmpty();
  }

  public boolean isEmpty() {
    return nodes.isEmpty() && poolShapes.isEmpty();
  }
}
