package dev.anvil.emit.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.anvil.SlurmCluster;
import dev.anvil.TestSupport;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example fleet's Slurm output in a real slurmctld (Debian slurm-wlm 22.05, with a private munge
 * daemon) on 127.0.0.1: the controller must report exactly the declared partitions, members, limits
 * and Gres; a partition naming a host that is not a Slurm node must be refused by slurmctld — and
 * by {@code anvil check} first.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlurmLiveTest {
  @TempDir Path work;
  private SlurmCluster cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  @Test
  void slurmctldReportsExactlyTheDeclaredPartitionsAndGres() throws Exception {
    cluster("");
    assertTrue(cluster.startController(), "slurmctld did not start: " + cluster.output());

    Map<String, Map<String, String>> partitions = cluster.show("partition");
    assertEquals(Set.of("gpu", "a100-8x", "npu", "debug"), partitions.keySet());
    Map<String, String> gpu = partitions.get("gpu");
    assertEquals(Set.of("amd-mi300x-01", "az-nd-a100-01", "gpu-server-01", "i-1234567890", "vm-gpu-worker-001"),
        hostnames(gpu.get("Nodes")));
    assertEquals("YES", gpu.get("Default"));
    assertEquals("2-00:00:00", gpu.get("MaxTime"));
    assertEquals("01:00:00", gpu.get("DefaultTime"));
    assertEquals("10", gpu.get("PriorityTier"));
    assertEquals("UP", gpu.get("State"));
    assertEquals("CPU=1,Mem=0.25G", gpu.get("TRESBillingWeights"));
    Map<String, String> a100 = partitions.get("a100-8x");
    assertEquals(Set.of("az-nd-a100-01", "gpu-server-01"), hostnames(a100.get("Nodes")));
    assertEquals("ml-research", a100.get("AllowGroups"));
    assertEquals("7-00:00:00", a100.get("MaxTime"));
    assertEquals("EXCLUSIVE", a100.get("OverSubscribe"));
    assertEquals(Set.of("gaudi2-01", "tt-wormhole-01"), hostnames(partitions.get("npu").get("Nodes")));
    assertEquals("00:30:00", partitions.get("debug").get("MaxTime"));

    Map<String, Map<String, String>> nodes = cluster.show("node");
    assertEquals(7, nodes.size(), nodes.keySet().toString());
    assertEquals("gpu:a100:8", nodes.get("gpu-server-01").get("Gres"));
    assertEquals("gpu:mi300x:8", nodes.get("amd-mi300x-01").get("Gres"));
    assertEquals("npu:hl-225:8", nodes.get("gaudi2-01").get("Gres"));
    assertEquals("npu:wormhole-n300:4", nodes.get("tt-wormhole-01").get("Gres"));
    assertEquals("64", nodes.get("gpu-server-01").get("CPUTot"));
    assertEquals("1040384", nodes.get("gpu-server-01").get("RealMemory"));
    assertTrue(nodes.get("i-1234567890").get("State").contains("CLOUD"), nodes.get("i-1234567890").toString());
    assertTrue(nodes.get("gpu-server-01").get("AvailableFeatures").contains("training"));
  }

  @Test
  void aPartitionOfANonSlurmHostIsRefusedBySlurmctldAndByAnvilCheckFirst() throws Exception {
    // slurmctld: the mistake written by hand
    cluster("PartitionName=storage Nodes=storage-server-01 MaxTime=30\n");
    assertTrue(!cluster.startController(), "slurmctld accepted a partition of an undefined node");
    assertTrue(cluster.output().contains("storage-server-01"), cluster.output());

    // anvil: the same mistake in the sources
    Path repo = work.resolve("repo");
    copyTree(TestSupport.repoRoot(), repo);
    Files.writeString(repo.resolve("policies/slurm/storage.yaml"), """
        apiVersion: anvil.dev/v1
        kind: Partition
        name: storage
        select: {hosts: [storage-server-01]}
        max_time: "30"
        """);
    TestSupport.Run r = TestSupport.anvil("-C", repo.toString(), "check");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("policies/slurm/storage.yaml:4:18: error: partition 'storage' lists host"
        + " 'storage-server-01', which is not a Slurm node"), r.err());
  }

  /** The example fleet's Slurm output, plus {@code extraPartitions}, in a throw-away cluster. */
  private void cluster(String extraPartitions) throws Exception {
    Path out = work.resolve("out");
    assertEquals(0, TestSupport.anvil("-C", TestSupport.repoRoot().toString(), "compile", "--out", out.toString()).exit());
    Path extra = work.resolve("extra.conf");
    Files.writeString(extra, "# partitions added by the test\n" + extraPartitions);
    cluster = SlurmCluster.prepare(work, List.of(out.resolve("slurm/gres.conf")),
        List.of(out.resolve("slurm/nodes.conf"), out.resolve("slurm/partitions.conf"), extra));
  }

  private Set<String> hostnames(String hostlist) throws Exception {
    var r = cluster.scontrol("show", "hostnames", hostlist);
    assertEquals(0, r.exit(), r.output());
    return new TreeSet<>(List.of(r.output().strip().split("\\s+")));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    for (String dir : List.of("inventory", "policies", "rules")) {
      try (var s = Files.walk(from.resolve(dir))) {
        for (Path p : (Iterable<Path>) s::iterator) {
          Path target = to.resolve(from.relativize(p).toString());
          if (Files.isDirectory(p)) Files.createDirectories(target);
          else Files.copy(p, target);
        }
      }
    }
  }
}
