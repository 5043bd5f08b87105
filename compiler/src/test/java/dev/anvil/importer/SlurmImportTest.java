package dev.anvil.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.SlurmCluster;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trip with the real controller: a site's slurm.conf (node and partition defaults, hostlists,
 * topology instead of CPUs, Gres of four vendors, cloud and future nodes, billing weights per MB and
 * per GB) → anvil import slurm → anvil compile → out/slurm/. Two slurmctld on 127.0.0.1, one with each,
 * report through {@code scontrol show} the same nodes (address, CPUs, memory, Gres, weight, state,
 * features) and the same partitions (members, limits, access, billing); Anvil's nodes list their
 * accelerator types among their features as well, as documented.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SlurmImportTest {
  @TempDir Path tmp;

  private static final String NODES_AND_PARTITIONS = """
      # the cluster's nodes
      GresTypes=gpu,npu
      NodeName=DEFAULT CPUs=64 RealMemory=515000 State=UNKNOWN
      NodeName=gpu-[01-04] NodeAddr=10.0.1.[11-14] Gres=gpu:a100:8 Features=ib,hdr Weight=10
      NodeName=mi-01 NodeAddr=10.0.3.11 CPUs=192 RealMemory=2088960 Gres=gpu:mi300x:8 Features=rocm
      NodeName=gaudi-01 NodeAddr=10.1.1.11 Sockets=2 CoresPerSocket=40 ThreadsPerCore=1 \\
          RealMemory=1040384 Gres=npu:hl-225:8
      NodeName=tt-01 NodeAddr=10.1.3.11 CPUs=32 RealMemory=258048 Gres=npu:n300:4 State=FUTURE
      NodeName=cloud-[001-002] CPUs=8 RealMemory=45056 Gres=gpu:t4:1 State=CLOUD
      NodeName=cpu-01 NodeAddr=10.0.9.1 CPUs=16 RealMemory=64000 Features="login,x86"
      PartitionName=DEFAULT MaxTime=1-00:00:00 State=UP
      PartitionName=gpu Nodes=gpu-[01-04],mi-01,cloud-[001-002] Default=YES DefaultTime=1:00:00 PriorityTier=10 \\
          OverSubscribe=NO TRESBillingWeights="CPU=1.0,Mem=0.25G"
      PartitionName=big Nodes=gpu-[01-04] MaxTime=7-00:00:00 AllowGroups=ml-research OverSubscribe=EXCLUSIVE MaxNodes=2
      PartitionName=npu Nodes=gaudi-01,tt-01 TRESBillingWeights="CPU=2,Mem=0.5"
      PartitionName=everything Nodes=ALL MaxTime=30 PriorityTier=30
      """;

  @Test
  void importThenCompileGivesSlurmctldTheSameNodesAndPartitions() throws Exception {
    Path site = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(site.resolve("slurm.conf"), """
        ClusterName=site
        SlurmctldHost=head-01
        SchedulerType=sched/backfill
        Include cluster.conf
        """);
    Files.writeString(site.resolve("cluster.conf"), NODES_AND_PARTITIONS);
    Files.writeString(site.resolve("gres.conf"), """
        NodeName=gpu-[01-04] Name=gpu Type=a100 File=/dev/nvidia[0-7]
        NodeName=mi-01 Name=gpu Type=mi300x File=/dev/dri/renderD[128-135]
        NodeName=cloud-[001-002] Name=gpu Type=t4 File=/dev/nvidia0
        NodeName=gaudi-01 Name=npu Type=hl-225 Count=8
        NodeName=tt-01 Name=npu Type=n300 Count=4
        """);

    Path imported = tmp.resolve("imported");
    TestSupport.Run r = importSlurm(site, imported);
    assertEquals(0, r.exit(), r.err());
    TestSupport.Run c = TestSupport.anvil("-C", imported.toString(), "compile", "--out", tmp.resolve("out").toString());
    assertEquals(0, c.exit(), c.err() + "\n" + Files.readString(imported.resolve("inventory/hosts/imported.yaml")));
    String readme = Files.readString(imported.resolve("IMPORTED.md"));
    assertTrue(readme.contains("10 nodes, 4 partitions"), readme);
    assertTrue(readme.contains("partition big: maxnodes is not carried over"), readme);
    assertTrue(readme.contains("node gaudi-01: its socket/core/thread layout is not carried over (CPUs=80 is)"), readme);

    // munged wants every directory above its socket searchable
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, Map<String, String>> nodesBefore;
    Map<String, Map<String, String>> partitionsBefore;
    try (SlurmCluster before = SlurmCluster.prepare(Files.createDirectories(tmp.resolve("before")), List.of(site.resolve("gres.conf")),
        List.of(site.resolve("cluster.conf")))) {
      assertTrue(before.startController(), "slurmctld refused the original: " + before.output());
      nodesBefore = before.show("node");
      partitionsBefore = before.show("partition");
    }
    Path out = tmp.resolve("out/slurm");
    try (SlurmCluster after = SlurmCluster.prepare(Files.createDirectories(tmp.resolve("after")), List.of(out.resolve("gres.conf")),
        List.of(out.resolve("nodes.conf"), out.resolve("partitions.conf")))) {
      assertTrue(after.startController(), "slurmctld refused the compiled output: " + after.output());
      Map<String, Map<String, String>> nodesAfter = after.show("node");
      Map<String, Map<String, String>> partitionsAfter = after.show("partition");

      assertEquals(10, nodesBefore.size(), nodesBefore.keySet().toString());
      assertEquals(nodesBefore.keySet(), nodesAfter.keySet());
      for (String node : nodesBefore.keySet()) {
        Map<String, String> a = nodesBefore.get(node);
        Map<String, String> b = nodesAfter.get(node);
        for (String field : List.of("NodeAddr", "CPUTot", "RealMemory", "Gres", "Weight", "State")) {
          assertEquals(a.get(field), b.get(field), node + " " + field);
        }
        // Anvil adds the accelerator types; nothing else may differ
        Set<String> added = new TreeSet<>(words(b.get("AvailableFeatures")));
        assertTrue(added.containsAll(words(a.get("AvailableFeatures"))), node + ": " + a.get("AvailableFeatures") + " → " + added);
        added.removeAll(words(a.get("AvailableFeatures")));
        Set<String> types = new TreeSet<>();
        for (String g : words(a.get("Gres"))) types.add(g.split(":")[1]);
        assertEquals(types, added, node + " gains exactly its accelerator types as features");
      }

      assertEquals(partitionsBefore.keySet(), partitionsAfter.keySet());
      for (String p : partitionsBefore.keySet()) {
        Map<String, String> a = partitionsBefore.get(p);
        Map<String, String> b = partitionsAfter.get(p);
        assertEquals(hostnames(after, a.get("Nodes")), hostnames(after, b.get("Nodes")), p + " Nodes");
        for (String field : List.of("Default", "MaxTime", "DefaultTime", "PriorityTier", "State", "OverSubscribe", "AllowGroups")) {
          assertEquals(a.get(field), b.get(field), p + " " + field);
        }
        assertEquals(billing(a.get("TRESBillingWeights")), billing(b.get("TRESBillingWeights")), p + " TRESBillingWeights");
      }
      assertEquals("2", partitionsBefore.get("big").get("MaxNodes"));
      assertEquals("UNLIMITED", partitionsAfter.get("big").get("MaxNodes"), "not carried over, and said so in IMPORTED.md");
    }
  }

  @Test
  void vendorsComeFromGresConfOrTheOperatorAndUnknownOnesAreNotedNotGuessed() throws Exception {
    Path site = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(site.resolve("slurm.conf"), """
        NodeName=a-01 CPUs=8 Gres=gpu:sxm-x:2,gpu:custom:1,mps:100
        NodeName=b-01 CPUs=8 Gres=gpu:mystery:4
        NodeName=c-01 CPUs=8 Gres=gpu:hl-325:8
        """);
    Files.writeString(site.resolve("gres.conf"), """
        AutoDetect=off
        NodeName=a-01 Name=gpu Type=sxm-x File=/dev/nvidia[0-1]
        NodeName=a-01 Name=gpu Type=custom File=/dev/dri/renderD128
        """);
    Path imported = tmp.resolve("imported");
    TestSupport.Run r = importSlurm(site, imported, "--vendor", "mystery=furiosa");
    assertEquals(0, r.exit(), r.err());
    String hosts = Files.readString(imported.resolve("inventory/hosts/imported.yaml"));
    assertTrue(hosts.contains("model: sxm-x\n      vendor: nvidia"), hosts);
    assertTrue(hosts.contains("model: custom\n      vendor: amd"), hosts);
    assertTrue(hosts.contains("model: mystery\n      vendor: furiosa"), hosts);
    assertTrue(hosts.contains("model: hl-325\n      vendor: intel-gaudi"), hosts);
    String readme = Files.readString(imported.resolve("IMPORTED.md"));
    assertTrue(readme.contains("Gres mps:100 is not an accelerator"), readme);
    assertTrue(readme.contains("Gres gpu:mystery:4 (furiosa) is named npu in Anvil's output"), readme);
    assertTrue(readme.contains("Gres gpu:hl-325:8 (intel-gaudi) is named npu"), readme);
    assertEquals(0, TestSupport.anvil("-C", imported.toString(), "check").exit());

    // without the operator's word the unknown type is noted, not guessed
    TestSupport.Run guess = importSlurm(site, tmp.resolve("again"));
    assertEquals(0, guess.exit(), guess.err());
    assertTrue(Files.readString(tmp.resolve("again/IMPORTED.md")).contains("which vendor makes it is not known; name it with --vendor"
        + " mystery=VENDOR"));
    assertFalse(Files.readString(tmp.resolve("again/inventory/hosts/imported.yaml")).contains("mystery"));

    TestSupport.Run bad = importSlurm(site, tmp.resolve("x"), "--vendor", "mystery=acme");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("not a vendor Anvil knows"), bad.err());
  }

  @Test
  void hostileInputIsBoundedAndNeverEchoedRaw() throws Exception {
    Path site = Files.createDirectories(tmp.resolve("site"));
    // a few bytes that would expand to 10^11 nodes
    Files.writeString(site.resolve("slurm.conf"), "NodeName=n[0-99999999999] CPUs=1\n");
    TestSupport.Run huge = importSlurm(site, tmp.resolve("a"));
    assertEquals(1, huge.exit(), huge.err());
    assertTrue(huge.err().contains("hostlist has more than 100000 names"), huge.err());
    assertFalse(Files.exists(tmp.resolve("a/inventory")), "a failed import writes nothing");

    // an Include loop ends
    Files.writeString(site.resolve("slurm.conf"), "Include slurm.conf\n");
    TestSupport.Run loop = importSlurm(site, tmp.resolve("b"));
    assertEquals(1, loop.exit(), loop.err());
    assertTrue(loop.err().contains("Include nested deeper than"), loop.err());

    // names and values that would escape their field are refused, noted escaped
    Files.writeString(site.resolve("slurm.conf"), "NodeName=ok-01 CPUs=4 Features=a,{{x}},\u001b[31mred\n"
        + "NodeName=bad'name CPUs=1\n"
        + "PartitionName=p\u001b[2J Nodes=ok-01\n"
        + "PartitionName=q Nodes=ok-01 MaxTime=\"1; rm -rf /\" AllowGroups=\"a b\"\n");
    TestSupport.Run hostile = importSlurm(site, tmp.resolve("c"));
    assertEquals(0, hostile.exit(), hostile.err());
    String readme = Files.readString(tmp.resolve("c/IMPORTED.md"));
    assertFalse(readme.contains("\u001b"), readme);
    assertTrue(readme.contains("feature '{{x}}' is not one Anvil can declare"), readme);
    assertTrue(readme.contains("'bad'name' (bad'name) is not a host name"), readme);
    assertTrue(readme.contains("maxtime=1; rm -rf / is not a Slurm time"), readme);
    assertEquals(0, TestSupport.anvil("-C", tmp.resolve("c").toString(), "check").exit());
    String partitions = Files.readString(tmp.resolve("c/policies/slurm/partitions.yaml"));
    assertTrue(partitions.contains("name: q") && !partitions.contains("rm -rf"), partitions);
  }

  /** {@code anvil import slurm SITE/slurm.conf --out OUT EXTRA...}. */
  private static TestSupport.Run importSlurm(Path site, Path out, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("import", "slurm", site.resolve("slurm.conf").toString(), "--out", out.toString()));
    args.addAll(List.of(extra));
    return TestSupport.anvil(args.toArray(String[]::new));
  }

  private static List<String> words(String commaList) {
    return commaList == null || commaList.equals("(null)") ? List.of() : List.of(commaList.split(","));
  }

  /** A billing weight string → TRES → weight per GB of memory or per unit, as Slurm reads it. */
  private static Map<String, Double> billing(String weights) {
    Map<String, Double> out = new TreeMap<>();
    if (weights == null) return out;
    Map<Character, Double> perGb = new HashMap<>(Map.of('K', 1024.0 * 1024, 'M', 1024.0, 'G', 1.0, 'T', 1 / 1024.0));
    for (String item : weights.split(",")) {
      String[] kv = item.split("=");
      char unit = kv[1].charAt(kv[1].length() - 1);
      double v = Character.isLetter(unit) ? Double.parseDouble(kv[1].substring(0, kv[1].length() - 1)) : Double.parseDouble(kv[1]);
      if (kv[0].equals("Mem")) v *= perGb.getOrDefault(Character.isLetter(unit) ? unit : 'M', 1.0);
      out.put(kv[0], v);
    }
    return out;
  }

  private static Set<String> hostnames(SlurmCluster cluster, String hostlist) throws Exception {
    var r = cluster.scontrol("show", "hostnames", hostlist);
    assertEquals(0, r.exit(), r.output());
    return new TreeSet<>(List.of(r.output().strip().split("\\s+")));
  }
}
