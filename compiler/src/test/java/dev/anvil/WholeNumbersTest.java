package dev.anvil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON Schema's integers include 2.0. Where a field is a count, Anvil writes such a number as the
 * count: Ansible's serial, Prometheus's queue settings and Alertmanager's max_alerts take no float, and 2.0 once ended the
 * compile with an internal error (and made an Ansible group named rolling_2.0).
 */
class WholeNumbersTest {
  @TempDir Path tmp;

  @Test
  void aWholeNumberWrittenAsAFloatIsWrittenAsTheCountItIs() throws Exception {
    Path repo = TestSupport.copyOfExampleFleet(tmp.resolve("repo"));
    Path rollout = repo.resolve("policies/environment/rollout.yaml");
    Files.writeString(rollout, Files.readString(rollout).replace("batch_size: 2,", "batch_size: 2.0,"));
    Path prometheus = repo.resolve("policies/prometheus.yaml");
    Files.writeString(prometheus, Files.readString(prometheus)
        + "remote_write:\n  - url: https://store.example/api/v1/write\n    queue: {capacity: 2500.0, max_shards: 8}\n");
    Path receivers = repo.resolve("policies/alerting/receivers.yaml");
    Files.writeString(receivers, Files.readString(receivers).replace("max_alerts: 50}", "max_alerts: 50.0}"));

    TestSupport.Run run = TestSupport.anvil("-C", repo.toString(), "compile");
    assertEquals(0, run.exit(), run.err());
    String plays = Files.readString(repo.resolve("out/ansible/exporters.yml"));
    assertTrue(plays.contains("serial: 2\n"), plays);
    assertTrue(plays.contains("rolling_2_continue"), plays);
    String config = Files.readString(repo.resolve("out/prometheus/prometheus.yml"));
    assertTrue(config.contains("capacity: 2500\n"), config);

    String alertmanager = Files.readString(repo.resolve("out/alertmanager/alertmanager.yml"));
    assertTrue(alertmanager.contains("max_alerts: 50\n"), alertmanager);

    // and promtool takes the configuration (amtool's check ran in the compile)
    String promtool = TestSupport.tool("promtool", "prometheus");
    var checked = TestSupport.exec(repo.resolve("out/prometheus"), promtool, "check", "config", "--syntax-only",
        "prometheus.yml");
    assertEquals(0, checked.exit(), checked.output());
  }
}
