package dev.anvil.emit.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.Compiler;
import dev.anvil.TestSupport;
import dev.anvil.emit.OutputFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule on a DCGM field that dcgm-exporter's default counters file leaves out: Anvil writes the
 * counters file the NVIDIA hosts need and starts dcgm-exporter with it, instead of alerting on a
 * series that never exists. Without such a rule (the example fleet), nothing changes.
 */
class DcgmCountersTest {
  @TempDir Path tmp;

  @Test
  void aNonDefaultFieldBringsItsCountersFileAndTheArgumentThatLoadsIt() throws Exception {
    Path repo = TestSupport.copyOfExampleFleet(tmp.resolve("fleet"));
    Compiler.Compilation before = Compiler.compile(repo);
    assertTrue(before.ok());
    assertTrue(before.files().stream().noneMatch(f -> f.path().contains("dcgm-counters")), "defaults suffice today");

    Files.writeString(repo.resolve("rules/nvidia-throttling.yaml"), """
        apiVersion: anvil.dev/v1
        kind: AlertRule
        name: gpu_power_throttling
        description: The GPU spends time throttled by its power limit.
        exporter: dcgm-exporter
        defaults: {threshold: 0, for: 15m, severity: warning}
        rule: |
          alert: NvidiaGPUPowerThrottling
          expr: rate(DCGM_FI_DEV_POWER_VIOLATION{[[selector]]}[5m]) > [[threshold]]
          for: [[for]]
          annotations:
            summary: "GPU {{ $labels.gpu }} on {{ $labels.instance }} is throttled by its power limit"
        """);
    Compiler.Compilation after = Compiler.compile(repo);
    assertTrue(after.ok(), after.diagnostics().all().toString());
    OutputFile counters = after.files().stream().filter(f -> f.path().equals("ansible/files/dcgm-counters-3.3.9-3.6.1.csv"))
        .findFirst().orElseThrow();
    TestSupport.verify(TestSupport.testDir("approved"), "dcgm-counters", counters.content());
    List<String> fields = counters.content().lines().filter(l -> !l.startsWith("#")).map(l -> l.split(",")[0]).toList();
    assertTrue(fields.contains("DCGM_FI_DEV_POWER_VIOLATION"));
    assertTrue(fields.contains("DCGM_FI_DEV_XID_ERRORS"), "the default fields stay");
    assertFalse(fields.contains("DCGM_FI_DEV_THERMAL_VIOLATION"), "other non-default fields stay off");
    assertEquals(23, fields.size(), "21 default metric fields, the driver-version label field, and the one the rule needs");

    String inventory = after.files().stream().filter(f -> f.path().equals("ansible/inventory.yml")).findFirst()
        .orElseThrow().content();
    String gpuServer = inventory.lines().filter(l -> l.startsWith("    \"gpu-server-01\":")).findFirst().orElseThrow();
    assertTrue(gpuServer.contains("\"args\": !unsafe \"--address=:9400 -f /opt/anvil/exporters/dcgm-counters-3.3.9-3.6.1.csv\""),
        gpuServer);
    assertTrue(gpuServer.contains("\"anvil_dcgm_counters\": !unsafe \"dcgm-counters-3.3.9-3.6.1.csv\""), gpuServer);
    String amd = inventory.lines().filter(l -> l.startsWith("    \"amd-mi300x-01\":")).findFirst().orElseThrow();
    assertFalse(amd.contains("dcgm"), "hosts without dcgm-exporter are untouched");
  }
}
