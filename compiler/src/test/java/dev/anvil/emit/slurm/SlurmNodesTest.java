package dev.anvil.emit.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes of one shape (the same resolved sections, groups and hardware) are worked out once: each
 * still has its own name and address, and a node that differs in its hardware alone has its own
 * attributes.
 */
class SlurmNodesTest {
  @TempDir Path tmp;

  @Test
  void nodesOfOneShapeKeepTheirNamesAndAddressesAndOtherHardwareShows() throws Exception {
    StringBuilder hosts = new StringBuilder();
    String[][] spec = {{"twin-a", "10.9.9.1", "64"}, {"twin-b", "10.9.9.2", "64"}, {"other-cpus", "10.9.9.3", "32"}};
    for (String[] h : spec) hosts.append(TestSupport.exampleWorker(h[0], h[1], Integer.parseInt(h[2]), "amd", "MI300X"));
    Path repo = TestSupport.compiledExampleFleetWith(tmp.resolve("repo"), Map.of("inventory/hosts/shapes.yaml", hosts.toString()));

    Map<String, String> lines = new HashMap<>();
    for (String line : Files.readAllLines(repo.resolve("out/slurm/nodes.conf"))) {
      if (line.startsWith("NodeName=")) lines.put(line.substring(9, line.indexOf(' ')), line);
    }
    for (String[] h : spec) {
      assertEquals("NodeName=" + h[0] + " NodeAddr=" + h[1] + " CPUs=" + h[2],
          lines.get(h[0]).substring(0, lines.get(h[0]).indexOf(" CPUs=") + 6 + h[2].length()));
    }
    assertEquals(attributes(lines.get("twin-a")), attributes(lines.get("twin-b")));
    assertNotEquals(attributes(lines.get("twin-a")), attributes(lines.get("other-cpus")));
    assertEquals(attributes(lines.get("twin-a")).replace("CPUs=64", "CPUs=32"), attributes(lines.get("other-cpus")));
  }

  /** A node line without its name and address. */
  private static String attributes(String line) {
    return line.substring(line.indexOf(" CPUs="));
  }
}
