package dev.anvil.emit.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) p.destroy();
    for (Process p : processes) if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
    // munged daemonizes: stop it through its pid file
    Path pid = work.resolve("run/munged.pid");
    if (Files.exists(pid)) {
      // and wait for it: it writes its seed file on the way out, into the directory JUnit then deletes
      var munged = ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()));
      if (munged.isPresent()) {
        munged.get().destroy();
        munged.get().onExit().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void slurmctldReportsExactlyTheDeclaredPartitionsAndGres() throws Exception {
    Path conf = cluster("");
    Process ctld = startController(conf);
    assertTrue(awaitPrimary(ctld, conf), "slurmctld did not start: " + Files.readString(work.resolve("ctld.out")));

    Map<String, Map<String, String>> partitions = show(conf, "partition");
    assertEquals(Set.of("gpu", "a100-8x", "npu", "debug"), partitions.keySet());
    Map<String, String> gpu = partitions.get("gpu");
    assertEquals(Set.of("amd-mi300x-01", "az-nd-a100-01", "gpu-server-01", "i-1234567890", "vm-gpu-worker-001"),
        hostnames(conf, gpu.get("Nodes")));
    assertEquals("YES", gpu.get("Default"));
    assertEquals("2-00:00:00", gpu.get("MaxTime"));
    assertEquals("01:00:00", gpu.get("DefaultTime"));
    assertEquals("10", gpu.get("PriorityTier"));
    assertEquals("UP", gpu.get("State"));
    assertEquals("CPU=1,Mem=0.25G", gpu.get("TRESBillingWeights"));
    Map<String, String> a100 = partitions.get("a100-8x");
    assertEquals(Set.of("az-nd-a100-01", "gpu-server-01"), hostnames(conf, a100.get("Nodes")));
    assertEquals("ml-research", a100.get("AllowGroups"));
    assertEquals("7-00:00:00", a100.get("MaxTime"));
    assertEquals("EXCLUSIVE", a100.get("OverSubscribe"));
    assertEquals(Set.of("gaudi2-01", "tt-wormhole-01"), hostnames(conf, partitions.get("npu").get("Nodes")));
    assertEquals("00:30:00", partitions.get("debug").get("MaxTime"));

    Map<String, Map<String, String>> nodes = show(conf, "node");
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
    Path conf = cluster("PartitionName=storage Nodes=storage-server-01 MaxTime=30\n");
    Process ctld = startController(conf);
    assertTrue(!awaitPrimary(ctld, conf), "slurmctld accepted a partition of an undefined node");
    assertTrue(Files.readString(work.resolve("ctld.out")).contains("storage-server-01"),
        Files.readString(work.resolve("ctld.out")));

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

  /** A throw-away cluster: munged, and a slurm.conf that includes the emitted files. */
  private Path cluster(String extraPartitions) throws Exception {
    String mungekey = TestSupport.tool("mungekey", "munge");
    String munged = TestSupport.tool("munged", "munge");
    TestSupport.tool("slurmctld", "slurmctld");
    TestSupport.tool("scontrol", "slurm-client");
    Path out = work.resolve("out");
    assertEquals(0, TestSupport.anvil("-C", TestSupport.repoRoot().toString(), "compile", "--out", out.toString()).exit());
    Path munge = Files.createDirectories(work.resolve("munge"));
    Files.setPosixFilePermissions(munge, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path run = Files.createDirectories(work.resolve("run"));
    assertEquals(0, TestSupport.exec(work, mungekey, "-c", "-k", munge.resolve("munge.key").toString()).exit());
    var m = TestSupport.exec(work, munged, "--key-file=" + munge.resolve("munge.key"), "--socket=" + run.resolve("munge.socket"),
        "--pid-file=" + run.resolve("munged.pid"), "--log-file=" + munge.resolve("munged.log"),
        "--seed-file=" + munge.resolve("munged.seed"));
    assertEquals(0, m.exit(), m.output());
    Path slurm = Files.createDirectories(work.resolve("slurm"));
    Files.copy(out.resolve("slurm/gres.conf"), slurm.resolve("gres.conf"));
    Files.writeString(slurm.resolve("extra.conf"), "# partitions added by the test\n" + extraPartitions);
    int port = freePort();
    String host = TestSupport.exec(work, "hostname", "-s").output().strip();
    Files.writeString(slurm.resolve("slurm.conf"), String.join("\n",
        "ClusterName=anvil-test",
        "SlurmctldHost=" + host + "(127.0.0.1)",
        "SlurmctldPort=" + port,
        "SlurmdPort=" + (port + 1),
        "SlurmUser=root",
        "AuthType=auth/munge",
        "CredType=cred/munge",
        "AuthInfo=socket=" + run.resolve("munge.socket"),
        "StateSaveLocation=" + Files.createDirectories(work.resolve("state")),
        "SlurmdSpoolDir=" + Files.createDirectories(work.resolve("spool")),
        "SlurmctldPidFile=" + run.resolve("slurmctld.pid"),
        "SlurmctldLogFile=" + work.resolve("slurmctld.log"),
        "MailProg=/bin/true",
        "PrivateData=cloud",
        "CommunicationParameters=NoCtldInAddrAny",
        "SuspendProgram=/bin/true",
        "ResumeProgram=/bin/true",
        "SuspendTime=300",
        "ResumeTimeout=600",
        "AccountingStorageType=accounting_storage/none",
        "JobCompType=jobcomp/none",
        "JobAcctGatherType=jobacct_gather/none",
        "Include " + out.resolve("slurm/nodes.conf"),
        "Include " + out.resolve("slurm/partitions.conf"),
        "Include " + slurm.resolve("extra.conf"),
        ""));
    return slurm.resolve("slurm.conf");
  }

  private Process startController(Path conf) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("slurmctld", "-D", "-f", conf.toString()).redirectErrorStream(true)
        .redirectOutput(work.resolve("ctld.out").toFile());
    pb.environment().put("SLURM_CONF", conf.toString());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** True once the controller runs; false when it exits first (a fatal configuration error). */
  private boolean awaitPrimary(Process ctld, Path conf) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      if (Files.readString(work.resolve("ctld.out")).contains("Running as primary controller")) return true;
      if (!ctld.isAlive()) return false;
      Thread.sleep(100);
    }
    fail("slurmctld neither started nor failed within 20 s");
    return false;
  }

  /** {@code scontrol show <what> -o}, one map of Key=Value per entity, keyed by name. */
  private Map<String, Map<String, String>> show(Path conf, String what) throws Exception {
    var r = scontrol(conf, "--future", "show", what, "-o");
    assertEquals(0, r.exit(), r.output());
    Map<String, Map<String, String>> out = new HashMap<>();
    for (String line : r.output().split("\n")) {
      if (line.isBlank()) continue;
      Map<String, String> fields = new HashMap<>();
      for (String token : line.trim().split(" (?=[A-Za-z/]+=)")) {
        int eq = token.indexOf('=');
        if (eq > 0) fields.put(token.substring(0, eq), token.substring(eq + 1).trim());
      }
      String name = fields.getOrDefault("PartitionName", fields.get("NodeName"));
      if (name != null) out.put(name, fields);  // other lines are stderr noise (pmix plugin warnings)
    }
    return out;
  }

  private Set<String> hostnames(Path conf, String hostlist) throws Exception {
    var r = scontrol(conf, "show", "hostnames", hostlist);
    assertEquals(0, r.exit(), r.output());
    return new TreeSet<>(List.of(r.output().strip().split("\\s+")));
  }

  private TestSupport.ToolResult scontrol(Path conf, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("env", "SLURM_CONF=" + conf, "scontrol"));
    cmd.addAll(List.of(args));
    return TestSupport.exec(work, cmd.toArray(String[]::new));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
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
