package dev.anvil.emit.slurm;

import dev.anvil.diag.Diagnostics;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.model.Partition;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code slurm/}: nodes.conf (with GresTypes), partitions.conf and gres.conf, to be included from a
 * site's slurm.conf ({@code Include /etc/slurm/anvil/nodes.conf}, ...). Emitted when the fleet has
 * partitions or Slurm nodes.
 */
public final class SlurmEmitter implements Emitter {
  static final String DIR = "slurm/";
  private static final String HEADER = "# " + Output.GENERATED + "\n";

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    // hosts come sorted by name: every map and list here keeps that order without sorting again
    Map<String, SlurmNode> nodes = new java.util.LinkedHashMap<>();
    List<ResolvedHost> hosts = resolved.hosts();
    // hosts of one shape are one node but for name and address: worked out once per shape; per host in a
    // lambda, whose body is a method of its own (docs/architecture.md, "Performance")
    Map<ResolvedHost.Shape, SlurmNode> byShape = new java.util.HashMap<>();
    Map<String, String> typeOfModel = new java.util.HashMap<>();
    hosts.forEach(h -> {
      if (!SlurmNode.isNode(h)) return;
      ResolvedHost.Shape shape = h.shape();
      SlurmNode like = byShape.get(shape);
      if (like == null) byShape.put(shape, like = SlurmNode.of(h, typeOfModel));
      nodes.put(h.name(), like.named(h.name(), h.host().address()));
    });
    List<Partition> partitions = resolved.fleet().partitions();
    if (nodes.isEmpty() && partitions.isEmpty()) return List.of();

    StringBuilder nodesConf = new StringBuilder(HEADER);
    TreeSet<String> gresTypes = new TreeSet<>();
    nodes.values().forEach(n -> n.gres().forEach(g -> gresTypes.add(g.name())));
    // without GresTypes, slurmctld silently drops every node's Gres=
    if (!gresTypes.isEmpty()) nodesConf.append("GresTypes=").append(String.join(",", gresTypes)).append('\n');
    // billing weights on GRES/x need x tracked as a TRES (which in turn needs slurmdbd accounting)
    TreeSet<String> billed = new TreeSet<>();
    partitions.forEach(p -> p.billingWeights().keySet().stream().filter(k -> k.startsWith("GRES/"))
        .forEach(k -> billed.add("gres/" + k.substring(5))));
    if (!billed.isEmpty()) nodesConf.append("AccountingStorageTRES=").append(String.join(",", billed)).append('\n');
    // a line per node (100k of them): kept as parts, not copied into one string and again into bytes
    OutputFile.Parts nodeLines = new OutputFile.Parts(nodes.size() + 1);
    nodeLines.add(nodesConf.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    nodes.values().forEach(n -> nodeLines.add((n.line() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    StringBuilder partitionsConf = new StringBuilder(HEADER);
    Map<String, Object> nodesets = new TreeMap<>();
    for (Partition p : partitions) {
      if (p.isDynamic()) {
        nodesets.put(p.name(), Slinky.nodeset(p));
        continue;
      }
      List<String> members = members(p, hosts, nodes, diagnostics);
      if (members.isEmpty()) continue;
      StringBuilder line = new StringBuilder("PartitionName=").append(p.name()).append(" Nodes=")
          .append(Hostlist.compress(members));
      if (p.isDefault()) line.append(" Default=YES");
      p.options().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
      if (!p.billingWeights().isEmpty()) {
        List<String> weights = new ArrayList<>();
        // Mem is weighted per GB (Slurm's "G" suffix), everything else per unit
        p.billingWeights().forEach((k, v) -> weights.add(k + "=" + (v == Math.rint(v) ? String.valueOf(v.longValue()) : v)
            + (k.equals("Mem") ? "G" : "")));
        line.append(" TRESBillingWeights=\"").append(String.join(",", weights)).append('"');
        checkBillingGres(p, members, nodes, diagnostics);
      }
      partitionsConf.append(line).append('\n');
    }

    // gres.conf: one line per distinct resource, for all nodes that have it
    Map<String, List<String>> gresLines = new java.util.HashMap<>();
    // nodes of one shape share their gres list: its lines are spelled and looked up once
    Map<List<SlurmNode.Gres>, List<List<String>>> namesOfLines = new java.util.IdentityHashMap<>();
    nodes.values().forEach(n -> {
      for (List<String> names : namesOfLines.computeIfAbsent(n.gres(), g -> g.stream().map(SlurmNode.Gres::confLine)
          .distinct().map(line -> gresLines.computeIfAbsent(line, k -> new ArrayList<>())).toList())) {
        names.add(n.name());
      }
    });
    StringBuilder gresConf = new StringBuilder(HEADER);
    new TreeMap<>(gresLines).forEach((spec, names) -> gresConf.append("NodeName=").append(Hostlist.compress(names))
        .append(' ').append(spec).append('\n'));

    List<OutputFile> files = new ArrayList<>(List.of(nodeLines.finish(DIR + "nodes.conf"),
        new OutputFile(DIR + "partitions.conf", partitionsConf.toString()),
        new OutputFile(DIR + "gres.conf", gresConf.toString())));
    if (!nodesets.isEmpty()) files.add(Output.yaml(DIR + "slinky-values.yaml", Map.of("nodesets", nodesets)));
    return files;
  }

  /** The Slurm gres name Anvil gives a vendor's accelerators: gpu, npu or tpu. */
  public static String gresName(String vendor) {
    return SlurmNode.gresName(vendor);
  }

  /** The host's node line in nodes.conf, or null when it is no Slurm node. */
  public static String nodeLine(ResolvedHost h) {
    return SlurmNode.isNode(h) ? SlurmNode.of(h).line() : null;
  }

  /** The static partitions the host is a node of. */
  public static List<String> partitionsOf(ResolvedHost h, List<Partition> partitions) {
    if (!SlurmNode.isNode(h)) return List.of();
    return partitions.stream().filter(p -> !p.isDynamic() && selects(p, h)).map(Partition::name).toList();
  }

  /** Whether a partition selects the host, by group or name, then by hardware. */
  private static boolean selects(Partition p, ResolvedHost h) {
    return selects(p, Set.copyOf(p.hosts()), h);
  }

  /** @param listed the partition's hosts as a set: a list's contains per host would grow with both */
  private static boolean selects(Partition p, Set<String> listed, ResolvedHost h) {
    return (p.groups().isEmpty() && listed.isEmpty() || listed.contains(h.name()) || inGroups(p, h))
        && hardwareMatches(p, h);
  }

  private static boolean inGroups(Partition p, ResolvedHost h) {
    for (var g : p.groups()) {
      for (var m : h.memberships()) if (m.equals(g) || g.isAncestorOf(m)) return true;
    }
    return false;
  }

  /** Slurm nodes selected by group or host, then narrowed by hardware; empty selections are errors. */
  private static List<String> members(Partition p, List<ResolvedHost> hosts, Map<String, SlurmNode> nodes,
      Diagnostics diagnostics) {
    List<String> out = new ArrayList<>();
    Set<String> listed = Set.copyOf(p.hosts());
    // per host in a lambda, whose body is a method of its own (docs/architecture.md, "Performance")
    hosts.forEach(h -> {
      if (!selects(p, listed, h)) return;
      if (!nodes.containsKey(h.name())) {
        if (listed.contains(h.name())) {
          diagnostics.error(p.source().at("/select/hosts/" + p.hosts().indexOf(h.name())), "partition '" + p.name()
              + "' lists host '" + h.name() + "', which is not a Slurm node (set slurm.node.enabled for it);"
              + " slurmctld would refuse to start");
        }
        return;
      }
      out.add(h.name());
    });
    if (out.isEmpty()) {
      diagnostics.error(p.source().at("/select"), "partition '" + p.name() + "' selects no Slurm node");
    }
    return out;
  }

  /** Loops, not streams: this runs for every host and partition (3 × 10k at 10k hosts). */
  private static boolean hardwareMatches(Partition p, ResolvedHost h) {
    boolean vendor = p.acceleratorVendors().isEmpty();
    boolean model = p.acceleratorModels().isEmpty();
    for (var a : h.host().hardware().accelerators()) {
      vendor |= p.acceleratorVendors().contains(a.vendor());
      model |= p.acceleratorModels().contains(a.model());
    }
    return vendor && model && h.devices(List.of()) >= p.minAccelerators();
  }

  /** A billing weight on GRES/x needs members that have x: otherwise it is a weight without accelerators. */
  private static void checkBillingGres(Partition p, List<String> members, Map<String, SlurmNode> nodes,
      Diagnostics diagnostics) {
    for (String tres : p.billingWeights().keySet()) {
      if (!tres.startsWith("GRES/")) continue;
      String[] spec = tres.substring(5).split(":");
      boolean any = members.stream().map(nodes::get).anyMatch(n -> n.gres().stream()
          .anyMatch(g -> g.name().equals(spec[0]) && (spec.length == 1 || g.type().equals(spec[1]))));
      if (!any) {
        diagnostics.error(p.source().keyAt("/tres_billing_weights/" + tres.replace("/", "~1")), "partition '" + p.name()
            + "' bills " + tres + " but none of its nodes has that Gres (no such accelerators)");
      }
    }
  }
}
