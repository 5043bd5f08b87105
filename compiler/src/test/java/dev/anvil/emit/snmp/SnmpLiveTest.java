package dev.anvil.emit.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Live, on 127.0.0.1: two real snmpd agents (Debian snmpd) answer as a rack's UPS and PDUs would
 * (UPS-MIB and APC rPDU2 OIDs, served through snmpd's pass_persist protocol by test/facility/snmp-pass); the
 * real snmp_exporter (prometheus-snmp-exporter) reads them with the modules Anvil emits — one agent
 * with a community kept in a file, which the emitted playbook (ansible-core, run for its
 * exporter-config tasks) puts into the exporter's configuration — scraped through it by a real
 * Prometheus with the emitted multi-target job; the facility alerts fire for the devices past their
 * thresholds and for no other, and the community is nowhere in out/.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SnmpLiveTest extends LiveTest {
  private static final ObjectMapper JSON = new ObjectMapper();


  @Test
  void theEmittedModulesReadRealSnmpAgentsAndTheFacilityAlertsFireForTheRightDevices() throws Exception {
    String snmpd = TestSupport.tool("snmpd", "snmpd");
    String exporter = TestSupport.tool("prometheus-snmp-exporter", "prometheus-snmp-exporter");
    String prometheus = TestSupport.tool("prometheus", "prometheus");
    live = new Live(tmp);
    int hotAgent = Live.freePort();
    int coolAgent = Live.freePort();
    int exporterPort = Live.freePort();
    int promPort = Live.freePort();

    // agent 1: a UPS on battery with 9 minutes left, and a PDU at 28.0 A with a 29.5 °C inlet
    agent(snmpd, "hot", hotAgent, "public", oids(
        "1.3.6.1.2.1.33.1.2.1.0", 2, "1.3.6.1.2.1.33.1.2.2.0", 120, "1.3.6.1.2.1.33.1.2.3.0", 9,
        "1.3.6.1.2.1.33.1.2.4.0", 60, "1.3.6.1.2.1.33.1.4.1.0", 5, "1.3.6.1.2.1.33.1.6.1.0", 1,
        "1.3.6.1.2.1.33.1.4.4.1.5.1", 40,
        "1.3.6.1.4.1.318.1.1.26.4.3.1.4.1", 3, "1.3.6.1.4.1.318.1.1.26.4.3.1.5.1", 612,
        "1.3.6.1.4.1.318.1.1.26.6.3.1.4.1", 3, "1.3.6.1.4.1.318.1.1.26.6.3.1.5.1", 280,
        "1.3.6.1.4.1.318.1.1.26.10.2.2.1.8.1", 295));
    // agent 2: a PDU well within its limits (10.0 A, 22.0 °C), answering only to its own community
    String community = "dc2-s3cret.c0mm";
    Path communityFile = Files.writeString(tmp.resolve("dc2.community"), community + "\n");
    agent(snmpd, "cool", coolAgent, community, oids(
        "1.3.6.1.4.1.318.1.1.26.4.3.1.4.1", 2, "1.3.6.1.4.1.318.1.1.26.4.3.1.5.1", 230,
        "1.3.6.1.4.1.318.1.1.26.6.3.1.4.1", 2, "1.3.6.1.4.1.318.1.1.26.6.3.1.5.1", 100,
        "1.3.6.1.4.1.318.1.1.26.10.2.2.1.8.1", 220));

    Path repo = tmp.resolve("repo");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml", "rules/facility.yaml");
    TestSupport.writeFile(repo, "inventory/fleet.yaml", """
        apiVersion: anvil.dev/v1
        kind: Group
        name: infrastructure:lab
        ---
        apiVersion: anvil.dev/v1
        kind: Group
        name: infrastructure:lab/rack-1
        ---
        apiVersion: anvil.dev/v1
        kind: Group
        name: infrastructure:lab/rack-2
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: mon-01
        address: 127.0.0.1
        primary_group: infrastructure:lab
        ---
        apiVersion: anvil.dev/v1
        kind: FacilityDevice
        name: ups-1
        type: ups
        address: 127.0.0.1
        port: %1$d
        group: infrastructure:lab
        alerts:
          ups_on_battery: {for: 0s}
          ups_runtime_low: {for: 0s}
        ---
        apiVersion: anvil.dev/v1
        kind: FacilityDevice
        name: pdu-hot
        type: pdu
        address: 127.0.0.1
        port: %1$d
        group: infrastructure:lab/rack-1
        alerts:
          pdu_load_high: {rated_current_amps: 32, for: 0s}
          rack_inlet_temperature_high: {for: 0s}
        ---
        apiVersion: anvil.dev/v1
        kind: FacilityDevice
        name: pdu-cool
        type: pdu
        address: 127.0.0.1
        port: %2$d
        group: infrastructure:lab/rack-2
        community: {file: %3$s}
        alerts:
          pdu_load_high: {rated_current_amps: 32, for: 0s}
          rack_inlet_temperature_high: {for: 0s}
        """.formatted(hotAgent, coolAgent, communityFile));
    TestSupport.writeFile(repo, "policies/policies.yaml", """
        apiVersion: anvil.dev/v1
        kind: Prometheus
        scrape_interval: 5s
        scrape_timeout: 5s
        evaluation_interval: 1s
        alertmanagers: ["127.0.0.1:9"]
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        host: mon-01
        exporters:
          node_exporter: {enabled: false}
          snmp_exporter: {enabled: true, port: %d}
        """.formatted(exporterPort));
    Path out = tmp.resolve("out");
    TestSupport.Run compile = TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString());
    assertEquals(0, compile.exit(), compile.err());

    // the playbook's configuration tasks, run for real on this host, into a private exporter directory
    Path exporters = tmp.resolve("exporters");
    TestSupport.runExporterConfigTasks(out, "mon-01", exporters, community);
    String config = Files.readString(exporters.resolve("snmp.yml"));
    assertTrue(config.contains("community: \"" + community + "\"") && !config.contains("anvil_secret_"), config);

    live.start("snmp_exporter", exporter, "--config.file=" + exporters.resolve("snmp.yml"),
        "--web.listen-address=127.0.0.1:" + exporterPort);
    live.startPrometheus(prometheus, out.resolve("prometheus/prometheus.yml"), promPort);
    live.awaitReady(exporterPort, "/");
    live.awaitReady(promPort, "/-/ready");

    Set<String> expected = new TreeSet<>(Set.of("PduLoadHigh pdu-hot", "RackInletTemperatureHigh pdu-hot",
        "UpsOnBattery ups-1", "UpsRuntimeLow ups-1"));
    Set<String> firing = Set.of();
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      firing = new TreeSet<>();
      for (JsonNode r : live.query(promPort, "ALERTS{alertstate=\"firing\"}").path("data").path("result")) {
        firing.add(r.path("metric").path("alertname").asText() + " " + r.path("metric").path("instance").asText());
      }
      if (firing.containsAll(expected)) break;
      Thread.sleep(500);
    }
    if (!firing.equals(expected)) {
      var targets = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + promPort + "/api/v1/targets")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      fail("exactly the breaches fire: the UPS's battery state and run time, the hot PDU's load and inlet; not the cool"
          + " PDU, not UpsBatteryBad (battery normal); firing " + firing + "; targets: " + targets);
    }

    // the device's labels are its group's, and the values arrive as the agent reports them
    JsonNode power = live.query(promPort, "rPDU2DeviceStatusPower{instance=\"pdu-hot\"}").path("data").path("result");
    assertEquals(1, power.size(), power.toString());
    assertEquals("612", power.get(0).path("value").path(1).asText());
    Map<String, String> labels = new TreeMap<>();
    power.get(0).path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    assertEquals("lab/rack-1", labels.get("infrastructure"), labels.toString());
    assertEquals("pdu", labels.get("device_type"), labels.toString());
    assertEquals("snmp", labels.get("job"), labels.toString());
    assertTrue(!labels.containsKey("__param_module") && !labels.containsKey("__anvil_exporter"), labels.toString());
    // the PDU behind its own community was read: the playbook's configuration carried the community
    JsonNode cool = live.query(promPort, "rPDU2DeviceStatusPower{instance=\"pdu-cool\"}").path("data").path("result");
    for (long until = System.currentTimeMillis() + 30_000; cool.isEmpty() && System.currentTimeMillis() < until; ) {
      Thread.sleep(500);
      cool = live.query(promPort, "rPDU2DeviceStatusPower{instance=\"pdu-cool\"}").path("data").path("result");
    }
    assertEquals(1, cool.size(), cool.toString());
    assertEquals("230", cool.get(0).path("value").path(1).asText());
  }

  /** OID, value, OID, value, … as a map. */
  private static Map<String, Integer> oids(Object... pairs) {
    Map<String, Integer> out = new TreeMap<>();
    for (int i = 0; i < pairs.length; i += 2) out.put((String) pairs[i], (Integer) pairs[i + 1]);
    return out;
  }

  /** snmpd on 127.0.0.1:{@code port}, answering to {@code community} only, with the UPS-MIB and PowerNet subtrees from {@code values}. */
  private void agent(String snmpd, String name, int port, String community, Map<String, Integer> values) throws Exception {
    Map<String, Object> table = new TreeMap<>();
    values.forEach((oid, v) -> table.put(oid, new Object[] {"integer", v}));
    Path json = tmp.resolve(name + ".json");
    Files.writeString(json, JSON.writeValueAsString(table));
    String pass = TestSupport.testDir("facility/snmp-pass") + " " + json;
    Path conf = Files.writeString(tmp.resolve(name + "-snmpd.conf"), String.join("\n",
        "rocommunity " + community + " 127.0.0.1",
        "pass_persist .1.3.6.1.2.1.33 " + pass,
        "pass_persist .1.3.6.1.4.1.318 " + pass, ""));
    live.start("snmpd-" + name, snmpd, "-f", "-Lo", "-C", "-c", conf.toString(), "-p", tmp.resolve(name + ".pid").toString(),
        "udp:127.0.0.1:" + port);
  }
}
