package dev.anvil.emit.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The label budget: each target carries one Anvil label for all its alerts, and anvil check refuses a
 * fleet whose series would carry more labels than label_limit (default 30, Mimir's) — counting the
 * target's labels, job, __name__ and the widest family of the exporter's contract.
 */
class LabelBudgetTest {
  @TempDir Path tmp;

  @Test
  void everyTargetCarriesOneAlertClassLabelWhateverTheNumberOfAlerts() throws Exception {
    Path out = tmp.resolve("out");
    assertEquals(0, TestSupport.anvil("-C", TestSupport.repoRoot().toString(), "compile", "--out", out.toString()).exit());
    int widest = 0;
    for (String job : new String[] {"node", "dcgm", "all-smi", "ipmi"}) {
      for (JsonNode group : new ObjectMapper().readTree(out.resolve("prometheus/targets/" + job + ".json").toFile())) {
        if (group.path("targets").isEmpty()) continue;
        long anvil = 0;
        for (var it = group.path("labels").fieldNames(); it.hasNext(); ) {
          String label = it.next();
          if (label.startsWith("anvil_")) anvil++;
        }
        // anvil_class and anvil_routing, where the old design had one label per alert (up to 19 on a node target)
        assertTrue(anvil <= 2, job + ": " + group.path("labels"));
        widest = Math.max(widest, group.path("labels").size());
      }
    }
    assertTrue(widest <= 12, "widest target: " + widest + " labels");
  }

  @Test
  void aSeriesOverTheLimitIsRefusedNamingItsHostAndWhereTheLabelsComeFrom() throws Exception {
    Path repo = TestSupport.copyOfExampleFleet(tmp.resolve("repo"));
    Path settings = repo.resolve("policies/prometheus.yaml");
    String original = Files.readString(settings);
    assertEquals(0, TestSupport.anvil("-C", repo.toString(), "check").exit(), "the example fleet fits the default 30");

    // dcgm's widest target: 10 labels, job, __name__, 9 labels on every DCGM family and the external label fleet: 22
    Files.writeString(settings, original + "label_limit: 22\n");
    TestSupport.Run fits = TestSupport.anvil("-C", repo.toString(), "check");
    assertEquals(0, fits.exit(), fits.err());
    Files.writeString(settings, original + "label_limit: 21\n");
    TestSupport.Run over = TestSupport.anvil("-C", repo.toString(), "check");
    assertEquals(1, over.exit(), over.err());
    assertTrue(over.err().contains("error: job 'dcgm': series of az-nd-a100-01 would carry 22 labels (10 on its target, job,"
        + " __name__, 9 of DCGM_FI_DEV_BOARD_LIMIT_VIOLATION (dcgm-exporter 3.3.9-3.6.1), 1 external), more than label_limit 21"), over.err());

    // explain resolves and answers without running the emitters, so it still explains this fleet
    TestSupport.Run explain = TestSupport.anvil("-C", repo.toString(), "explain", "az-nd-a100-01", "labels");
    assertEquals(0, explain.exit(), explain.err());

    // a host with many labels of its own is what usually breaks the budget
    Files.writeString(settings, original);
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 20; i++) labels.append(i == 0 ? "" : ", ").append("l").append(i).append(": x");
    Files.writeString(repo.resolve("inventory/hosts/zz-labelled.yaml"), """
        apiVersion: anvil.dev/v1
        kind: Host
        name: zz-labelled
        address: 10.9.9.9
        primary_group: infrastructure:onprem/datacenter-01/rack-a
        labels: {%s}
        """.formatted(labels));
    TestSupport.Run many = TestSupport.anvil("-C", repo.toString(), "check");
    assertEquals(1, many.exit(), many.err());
    assertTrue(many.err().contains("job 'node': series of zz-labelled would carry"), many.err());
  }
}
