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
 * series that never exists.
 */
class DcgmCountersTest {
  @TempDir Path tmp;

  @Test
  void aNonDefaultFieldBringsItsCountersFileAndTheArgumentThatLoadsIt() throws Exception {
    Path repo = TestSupport.copyOfExampleFleet(tmp.resolve("fleet"));
    Compiler.Compilation before = Compiler.compile(repo);
    assertTrue(before.ok());
    // the shipped ECC, NVLink and throttling alerts already need seven fields beyond the defaults
    List<String> shipped = fields(before);
    assertEquals(29, shipped.size(), "21 default metric fields, the driver-version label field, and 7 the rules need");
    for (String f : List.of("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL",
        "DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL", "DCGM_FI_DEV_THERMAL_VIOLATION", "DCGM_FI_DEV_POWER_VIOLATION")) {
      assertTrue(shipped.contains(f), f);
    }

    Files.writeString(repo.resolve("rules/nvidia-throttling.yaml"), ruleOn("DCGM_FI_DEV_SYNC_BOOST_VIOLATION"));
    Compiler.Compilation after = Compiler.compile(repo);
    assertTrue(after.ok(), after.diagnostics().all().toString());
    OutputFile counters = counters(after);
    TestSupport.verify(TestSupport.testDir("approved"), "dcgm-counters", counters.content());
    List<String> fields = fields(after);
    assertTrue(fields.contains("DCGM_FI_DEV_SYNC_BOOST_VIOLATION"));
    assertTrue(fields.contains("DCGM_FI_DEV_XID_ERRORS"), "the default fields stay");
    assertFalse(fields.contains("DCGM_FI_DEV_LOW_UTIL_VIOLATION"), "other non-default fields stay off");
    assertEquals(shipped.size() + 1, fields.size(), "and the one the new rule needs");

    String inventory = after.files().stream().filter(f -> f.path().equals("ansible/inventory.yml")).findFirst()
        .orElseThrow().content();
    String gpuServer = inventory.lines().filter(l -> l.startsWith("    \"gpu-server-01\":")).findFirst().orElseThrow();
    assertTrue(gpuServer.contains("\"args\": !unsafe \"--address=:9400 -f /opt/anvil/exporters/dcgm-counters-3.3.9-3.6.1.csv\""),
        gpuServer);
    assertTrue(gpuServer.contains("\"anvil_dcgm_counters\": !unsafe \"dcgm-counters-3.3.9-3.6.1.csv\""), gpuServer);
    String amd = inventory.lines().filter(l -> l.startsWith("    \"amd-mi300x-01\":")).findFirst().orElseThrow();
    assertFalse(amd.contains("dcgm"), "hosts without dcgm-exporter are untouched");
  }

  /** A throttling alert on one DCGM counter: the rule that makes its field needed. */
  private static String ruleOn(String field) {
    return """
        apiVersion: anvil.dev/v1
        kind: AlertRule
        name: gpu_throttling
        exporter: dcgm-exporter
        defaults: {threshold: 0, for: 15m, severity: warning}
        rule: |
          alert: NvidiaGPUThrottling
          expr: rate(%s{[[selector]]}[5m]) > [[threshold]]
          for: [[for]]
        """.formatted(field);
  }

  private static OutputFile counters(Compiler.Compilation c) {
    return c.files().stream().filter(f -> f.path().equals("ansible/files/dcgm-counters-3.3.9-3.6.1.csv")).findFirst()
        .orElseThrow();
  }

  private static List<String> fields(Compiler.Compilation c) {
    return counters(c).content().lines().filter(l -> !l.startsWith("#")).map(l -> l.split(",")[0]).toList();
  }

  /** The playbook, dry-run on localhost as an NVIDIA host, installs the counters file before the unit that reads it. */
  @Test
  void aCheckRunInstallsTheCountersFile() throws Exception {
    Path repo = tmp.resolve("local");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml", "rules/contracts/dcgm-exporter.yaml");
    TestSupport.writeFile(repo, "inventory/fleet.yaml", """
        apiVersion: anvil.dev/v1
        kind: Group
        name: infrastructure:local
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        name: nvidia
        group: infrastructure:local
        exporters:
          dcgm-exporter: {enabled: true}
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: gpu-local
        address: 127.0.0.1
        primary_group: infrastructure:local
        hardware:
          accelerators:
            - {vendor: nvidia, model: H100, count: 8, memory_gb: 80}
        """);
    TestSupport.writeFile(repo, "rules/nvidia-throttling.yaml", ruleOn("DCGM_FI_DEV_POWER_VIOLATION"));
    Path out = tmp.resolve("out");
    TestSupport.Run compile = TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString());
    assertEquals(0, compile.exit(), compile.err());
    assertTrue(Files.exists(out.resolve("ansible/files/dcgm-counters-3.3.9-3.6.1.csv")));
    var r = AnsibleTest.checkRun(out.resolve("ansible"), "--diff");
    assertEquals(0, r.exit(), r.output());
    String task = r.output().substring(r.output().indexOf("TASK [dcgm-exporter counters file]"));
    assertTrue(task.substring(0, task.indexOf("TASK [", 5)).contains("changed: [gpu-local]"), r.output());
    String unit = task.substring(task.indexOf("TASK [Systemd unit of each exporter]"));
    assertTrue(unit.contains("-f /opt/anvil/exporters/dcgm-counters-3.3.9-3.6.1.csv"), "the unit loads it: " + r.output());
  }
}
