package dev.anvil.emit.slurm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.model.GroupName;
import dev.anvil.model.Hardware;
import dev.anvil.model.Namespace;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.Resolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A host as a Slurm node: attributes from its declared hardware and its resolved {@code slurm.node}.
 * The node line's Gres and the gres.conf lines both come from {@link #gres}, so they cannot disagree.
 *
 * @param attributes the node line after its name and address (CPUs, RealMemory, Gres, Features, Weight,
 *     State), the same for every node of one shape
 */
record SlurmNode(String name, String address, List<Gres> gres, String attributes) {

  /** One generic resource of a node: {@code Name=gpu Type=a100}, its count and devices (or none). */
  record Gres(String name, String type, int count, String file) {
    String nodeSpec() {
      return name + ":" + type + ":" + count;
    }

    String confLine() {
      return "Name=" + name + " Type=" + type + (file != null ? " File=" + file : " Count=" + count);
    }
  }

  /** Slurm gres name per vendor: GPUs, NPUs, TPUs. */
  static String gresName(String vendor) {
    return switch (vendor) {
      case "nvidia", "amd" -> "gpu";
      case "google-tpu" -> "tpu";
      default -> "npu";
    };
  }

  /** Device files where the driver's naming is fixed; other vendors are counted without binding. */
  private static String files(String vendor, int first, int count) {
    return switch (vendor) {
      case "nvidia" -> "/dev/nvidia" + span(first, count);
      case "amd" -> "/dev/dri/renderD" + span(128 + first, count);
      default -> null;
    };
  }

  private static String span(int first, int count) {
    return count == 1 ? String.valueOf(first) : "[" + first + "-" + (first + count - 1) + "]";
  }

  private static final java.util.regex.Pattern NON_ALNUM = java.util.regex.Pattern.compile("[^a-z0-9]+");
  private static final java.util.regex.Pattern EDGE_DASH = java.util.regex.Pattern.compile("^-|-$");

  /** "Tesla V100" → "tesla-v100": a Slurm gres type. */
  static String gresType(String model) {
    return EDGE_DASH.matcher(NON_ALNUM.matcher(model.toLowerCase(Locale.ROOT)).replaceAll("-")).replaceAll("");
  }

  static boolean isNode(ResolvedHost h) {
    JsonNode node = h.section(Resolver.SLURM).get("node");
    return node != null && node.path("enabled").asBoolean(false);
  }

  static SlurmNode of(ResolvedHost h) {
    return of(h, new java.util.HashMap<>());
  }

  /**
   * @param gresTypes gres types by model, filled as they are needed: a fleet has a few models, and two
   *     regular expressions per node add up
   */
  static SlurmNode of(ResolvedHost h, Map<String, String> gresTypes) {
    JsonNode node = h.section(Resolver.SLURM).get("node");
    Hardware hw = h.host().hardware();
    List<Gres> gres = new ArrayList<>();
    Map<String, Integer> nextIndex = new LinkedHashMap<>();
    TreeSet<String> features = new TreeSet<>();
    for (Hardware.Accelerator a : hw.accelerators()) {
      String type = gresTypes.computeIfAbsent(a.model(), SlurmNode::gresType);
      int first = nextIndex.merge(a.vendor(), a.count(), Integer::sum) - a.count();
      gres.add(new Gres(gresName(a.vendor()), type, a.count(), files(a.vendor(), first, a.count())));
      features.add(type);
    }
    for (GroupName g : h.memberships()) {
      if (!g.namespace().equals(Namespace.INFRASTRUCTURE)) features.add(g.path().substring(g.path().lastIndexOf('/') + 1));
    }
    node.path("features").forEach(f -> features.add(f.asText()));
    long memory = Math.max(0, hw.memoryGb() * 1024L - node.path("reserved_memory_mb").asLong(0));
    Integer weight = node.has("weight") ? node.get("weight").asInt() : null;
    String state = node.path("state").asText("UNKNOWN");
    return new SlurmNode(h.name(), h.host().address(), List.copyOf(gres),
        attributes(hw.cpuCores(), memory, gres, features, weight, state));
  }

  /** The same node attributes for another host of the same shape ({@link ResolvedHost#shape}). */
  SlurmNode named(String name, String address) {
    return new SlurmNode(name, address, gres, attributes);
  }

  /** The NodeName line of slurm.conf. */
  String line() {
    return "NodeName=" + name + " NodeAddr=" + address + attributes;
  }

  /** The line's attributes after the node's name and address, spelled once per shape. */
  private static String attributes(int cpus, long realMemoryMb, List<Gres> gres, TreeSet<String> features, Integer weight,
      String state) {
    StringBuilder sb = new StringBuilder();
    if (cpus > 0) sb.append(" CPUs=").append(cpus);
    if (realMemoryMb > 0) sb.append(" RealMemory=").append(realMemoryMb);
    if (!gres.isEmpty()) sb.append(" Gres=").append(String.join(",", gres.stream().map(Gres::nodeSpec).toList()));
    if (!features.isEmpty()) sb.append(" Features=").append(String.join(",", features));
    if (weight != null) sb.append(" Weight=").append(weight);
    return sb.append(" State=").append(state).toString();
  }
}
