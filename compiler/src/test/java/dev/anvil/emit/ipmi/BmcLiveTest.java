package dev.anvil.emit.ipmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.Live;
import dev.anvil.LiveTest;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Live, on 127.0.0.1: a simulated BMC (ipmi_sim, Debian openipmi) with a failed fan answers over
 * IPMI on the LAN to one user and password; the real ipmi_exporter reads it out-of-band with the
 * module Anvil emits, whose password the emitted playbook (ansible-core, its exporter-config tasks)
 * took from a file; a real Prometheus scrapes it through the emitted multi-target job. FanFailed
 * fires for the BMC with its server's labels; a BMC declared with a wrong password is the one
 * BmcUnreadable fires for; and the password is nowhere in out/ or the playbook's output.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BmcLiveTest extends LiveTest {
  @Test
  void aBmcReadOutOfBandWithAPasswordFromAFileRaisesItsServersAlerts() throws Exception {
    String sim = TestSupport.tool("ipmi_sim", "openipmi");
    String exporter = TestSupport.tool("prometheus-ipmi-exporter", "prometheus-ipmi-exporter");
    String prometheus = TestSupport.tool("prometheus", "prometheus");
    live = new Live(tmp);
    int bmcPort = Live.freePort();
    int exporterPort = Live.freePort();
    int promPort = Live.freePort();

    // YAML and Jinja2 syntax that must arrive as data (IPMI 1.5 passwords have at most 16 bytes)
    String password = "p'w:#{{x}}" + Long.toHexString(System.nanoTime() & 0xffff);
    Path passwordFile = Files.writeString(tmp.resolve("monitor.password"), password + "\n");
    Path wrongFile = Files.writeString(tmp.resolve("wrong.password"), "not-the-password\n");
    // the simulator's user table: "monitor" with the password (ipmi_sim's lan.conf, ipmi_lan(5))
    Path lanConf = Files.writeString(tmp.resolve("lan.conf"), String.join("\n",
        "name \"bmc\"",
        "set_working_mc 0x20",
        "  startlan 1",
        "    addr 127.0.0.1 " + bmcPort,
        "    priv_limit admin",
        "    allowed_auths_callback none md2 md5 straight",
        "    allowed_auths_user none md2 md5 straight",
        "    allowed_auths_operator none md2 md5 straight",
        "    allowed_auths_admin none md2 md5 straight",
        "    guid a123456789abcdefa123456789abcdef",
        "  endlan",
        "  user 2 true \"monitor\" \"" + password + "\" user 10 none md2 md5 straight",
        ""));
    Files.createDirectories(tmp.resolve("sim-state"));
    live.start("ipmi_sim", sim, "-c", lanConf.toString(), "-f", TestSupport.testDir("facility/bmc.emu").toString(),
        "-s", tmp.resolve("sim-state").toString(), "-n");

    Path repo = tmp.resolve("repo");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml", "rules/bmc.yaml", "rules/contracts/ipmi_exporter.yaml");
    TestSupport.writeFile(repo, "inventory/fleet.yaml", TestSupport.LAB_GROUP + """
        apiVersion: anvil.dev/v1
        kind: Host
        name: mon-01
        address: 127.0.0.1
        primary_group: infrastructure:lab
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: gpu-01
        address: 127.0.0.2
        primary_group: infrastructure:lab
        labels: {team: ml}
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: gpu-02
        address: 127.0.0.3
        primary_group: infrastructure:lab
        ---
        # ipmi_sim speaks IPMI 1.5 sessions only: driver LAN
        apiVersion: anvil.dev/v1
        kind: FacilityDevice
        name: gpu-01-bmc
        type: bmc
        host: gpu-01
        address: 127.0.0.1
        port: %1$d
        user: monitor
        password: {file: %2$s}
        driver: LAN
        alerts:
          fan_failed: {for: 0s}
          bmc_unreadable: {for: 0s}
        ---
        apiVersion: anvil.dev/v1
        kind: FacilityDevice
        name: gpu-02-bmc
        type: bmc
        host: gpu-02
        address: 127.0.0.1
        port: %1$d
        user: monitor
        password: {file: %3$s}
        driver: LAN
        alerts:
          fan_failed: {for: 0s}
          bmc_unreadable: {for: 0s}
        """.formatted(bmcPort, passwordFile, wrongFile));
    TestSupport.writeFile(repo, "policies/policies.yaml", """
        apiVersion: anvil.dev/v1
        kind: Prometheus
        scrape_interval: 15s
        scrape_timeout: 14s
        evaluation_interval: 1s
        alertmanagers: ["127.0.0.1:9"]
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        group: infrastructure:lab
        exporters:
          node_exporter: {enabled: false}
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        host: mon-01
        exporters:
          ipmi_exporter: {enabled: true, port: %d}
        """.formatted(exporterPort));
    Path out = tmp.resolve("out");
    TestSupport.Run compile = TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString());
    assertEquals(0, compile.exit(), compile.err());

    Path exporters = tmp.resolve("exporters");
    TestSupport.runExporterConfigTasks(out, "mon-01", exporters, password);
    Path config = exporters.resolve("ipmi.yml");
    // ipmi_sim answers each FreeIPMI command in about a second; each of the five sessions may take 14 s / 6
    assertTrue(Files.readString(config).contains("timeout: 2333"), Files.readString(config));
    assertTrue(Files.readString(config).contains("anvil_secret_") == false, Files.readString(config));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));

    live.start("ipmi_exporter", exporter, "--config.file=" + config, "--web.listen-address=127.0.0.1:" + exporterPort);
    live.startPrometheus(prometheus, out.resolve("prometheus/prometheus.yml"), promPort);
    live.awaitReady(exporterPort, "/");
    live.awaitReady(promPort, "/-/ready");

    Set<String> expected = Set.of("BmcUnreadable gpu-02-bmc", "FanFailed gpu-01-bmc");
    Set<String> firing = Set.of();
    for (long deadline = System.currentTimeMillis() + 120_000; System.currentTimeMillis() < deadline; Thread.sleep(500)) {
      firing = new TreeSet<>();
      for (JsonNode r : live.query(promPort, "ALERTS{alertstate=\"firing\"}").path("data").path("result")) {
        firing.add(r.path("metric").path("alertname").asText() + " " + r.path("metric").path("instance").asText());
      }
      if (firing.containsAll(expected)) break;
    }
    if (!firing.equals(expected)) {
      fail("the BMC with the password in its file shows its failed fan, the one with the wrong password is unreadable;"
          + " firing " + firing + "; targets: " + live.get(promPort, "/api/v1/targets"));
    }

    // the fan's series carries the server's labels, the ipmi job, and the BMC as instance
    JsonNode fan = live.query(promPort, "ipmi_fan_speed_state").path("data").path("result");
    assertEquals(1, fan.size(), fan.toString());
    Map<String, String> labels = new TreeMap<>();
    fan.get(0).path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    assertEquals("2", fan.get(0).path("value").path(1).asText(), labels.toString());
    assertEquals("FAN1", labels.get("name"), labels.toString());
    assertEquals("gpu-01", labels.get("host"), labels.toString());
    assertEquals("ml", labels.get("team"), labels.toString());
    assertEquals("ipmi", labels.get("job"), labels.toString());
    assertEquals("bmc", labels.get("device_type"), labels.toString());
  }
}
