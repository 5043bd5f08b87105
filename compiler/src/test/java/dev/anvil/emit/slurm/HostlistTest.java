package dev.anvil.emit.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostlistTest {
  static final List<List<String>> CASES = List.of(
      List.of("gpu-node-01", "gpu-node-02", "gpu-node-03", "gpu-node-04"),
      List.of("gpu-node-01", "gpu-node-02", "gpu-node-04", "gpu-node-07", "gpu-node-08"),
      List.of("node1", "node2", "node3", "node10", "node11"),
      List.of("node01", "node1", "node02", "node2"),
      List.of("a-1", "b-1", "a-2", "b-2", "c"),
      List.of("rack1-node08", "rack1-node09", "rack1-node10", "rack2-node01"),
      List.of("node0", "node1", "node007", "node008"),
      List.of("single"),
      List.of("i-1234567890", "i-1234567891"),
      // more digits than a 64-bit number holds: whole names, as Slurm reads them too
      List.of("n12345678901234567890", "n12345678901234567891", "n123456789012345678", "n123456789012345679"));

  @Test
  void compressesRangesGapsPaddingAndMixedPrefixes() {
    assertEquals("gpu-node-[01-04]", Hostlist.compress(CASES.get(0)));
    assertEquals("gpu-node-[01-02,04,07-08]", Hostlist.compress(CASES.get(1)));
    assertEquals("node[1-3,10-11]", Hostlist.compress(CASES.get(2)));
    assertEquals("node[01-02],node[1-2]", Hostlist.compress(CASES.get(3)));
    assertEquals("a-[1-2],b-[1-2],c", Hostlist.compress(CASES.get(4)));
    assertEquals("rack1-node[08-10],rack2-node01", Hostlist.compress(CASES.get(5)));
    assertEquals("node[0-1],node[007-008]", Hostlist.compress(CASES.get(6)));
    assertEquals("single", Hostlist.compress(CASES.get(7)));
    assertEquals("i-[1234567890-1234567891]", Hostlist.compress(CASES.get(8)));
    assertEquals("n[123456789012345678-123456789012345679],n12345678901234567890,n12345678901234567891",
        Hostlist.compress(CASES.get(9)));
  }

  /** Slurm's own parser must expand each compressed list back to exactly the names we started from. */
  @Test
  void slurmExpandsEveryCompressedListToTheSameNames(@TempDir Path tmp) throws Exception {
    String scontrol = TestSupport.tool("scontrol", "slurm-client");
    Path conf = tmp.resolve("slurm.conf");
    Files.writeString(conf, "ClusterName=hostlist\nSlurmctldHost=localhost\n");
    for (List<String> names : CASES) {
      String compressed = Hostlist.compress(names);
      var r = TestSupport.exec(tmp, "env", "SLURM_CONF=" + conf, scontrol, "show", "hostnames", compressed);
      assertEquals(0, r.exit(), r.output());
      Set<String> expanded = new TreeSet<>(List.of(r.output().strip().split("\\s+")));
      assertEquals(new TreeSet<>(names), expanded, compressed + " → " + r.output());
    }
  }

  /**
   * Expansion of what sites write (several brackets, padding, lists in brackets) agrees with Slurm's.
   * (Slurm 22.05 refuses text after the last bracket, {@code node[1-2]-ib}; Anvil reads it, since
   * newer Slurm accepts it.)
   */
  @Test
  void expandsLikeSlurm(@TempDir Path tmp) throws Exception {
    String scontrol = TestSupport.tool("scontrol", "slurm-client");
    Path conf = tmp.resolve("slurm.conf");
    Files.writeString(conf, "ClusterName=hostlist\nSlurmctldHost=localhost\n");
    for (String list : List.of("rack[1-2]-node[01-03],login1", "n[8-11],m[008-011]", "gpu[1,3,5-6],10.0.1.[11-14]",
        "single", "a[0-1]b[0-1]c[0-1]")) {
      var r = TestSupport.exec(tmp, "env", "SLURM_CONF=" + conf, scontrol, "show", "hostnames", list);
      assertEquals(0, r.exit(), r.output());
      assertFalse(r.output().contains("Invalid"), r.output());
      assertEquals(new TreeSet<>(List.of(r.output().strip().split("\\s+"))), new TreeSet<>(Hostlist.expand(list, 1000)), list);
    }
  }

  @Test
  void expansionIsBoundedAndRefusesWhatIsNoHostlist() {
    assertEquals("hostlist has more than 1000 names",
        assertThrows(IllegalArgumentException.class, () -> Hostlist.expand("n[0-99999999999]", 1000)).getMessage());
    assertEquals("hostlist has more than 1000 names",
        assertThrows(IllegalArgumentException.class, () -> Hostlist.expand("a[0-99]b[0-99]", 1000)).getMessage());
    assertEquals(List.of("node1-ib", "node2-ib"), Hostlist.expand("node[1-2]-ib", 10));
    assertThrows(IllegalArgumentException.class, () -> Hostlist.expand("n[1-", 10));
    assertThrows(IllegalArgumentException.class, () -> Hostlist.expand("n[[1]]", 10));
    assertThrows(IllegalArgumentException.class, () -> Hostlist.expand("n[5-1]", 10));
    assertThrows(IllegalArgumentException.class, () -> Hostlist.expand("n[x]", 10));
  }
}
