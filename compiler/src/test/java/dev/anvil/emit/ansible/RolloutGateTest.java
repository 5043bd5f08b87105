package dev.anvil.emit.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.Live;
import dev.anvil.LiveTest;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exporter playbook's health gate, run for real (ansible-playbook -c local, its unit and gate
 * tasks) against a real Prometheus on 127.0.0.1 that scrapes real node_exporters: a canary whose
 * exporter is up lets the rollout through and records the versions that passed; a canary whose
 * exporter is down is rolled back to them, fails, and the rollout stops before the next batch.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RolloutGateTest extends LiveTest {
  @Test
  void aCanaryThatComesUpPassesAndOneThatDoesNotIsRolledBackAndStopsTheRollout() throws Exception {
    String nodeExporter = TestSupport.tool("prometheus-node-exporter", "prometheus-node-exporter");
    String prometheus = TestSupport.tool("prometheus", "prometheus");
    live = new Live(tmp);
    int canaryPort = Live.freePort();
    int restPort = Live.freePort();
    int promPort = Live.freePort();
    Path repo = tmp.resolve("repo");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml");
    // a-canary comes first in the canary play (hosts are in name order); half the hosts is one host
    TestSupport.writeFile(repo, "inventory/fleet.yaml", TestSupport.LAB_GROUP + """
        apiVersion: anvil.dev/v1
        kind: Host
        name: a-canary
        address: 127.0.0.1
        primary_group: infrastructure:lab
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: b-rest
        address: 127.0.0.2
        primary_group: infrastructure:lab
        """);
    writePolicies(repo, canaryPort, restPort, promPort, "1.8.2");
    Path out = compile(repo);

    live.startPrometheus(prometheus, out.resolve("prometheus/prometheus.yml"), promPort);
    live.start("canary-exporter", nodeExporter, "--web.listen-address=127.0.0.1:" + canaryPort);
    live.start("rest-exporter", nodeExporter, "--web.listen-address=127.0.0.2:" + restPort);
    live.awaitReady(promPort, "/-/ready");
    for (String h : new String[] {"a-canary", "b-rest"}) {
      Files.createDirectories(tmp.resolve("hosts/" + h + "/units"));
      Files.createDirectories(tmp.resolve("hosts/" + h + "/state"));
    }

    // 1: both exporters up: the canary passes, then the rest; each records what passed
    var first = play(out);
    assertEquals(0, first.exit(), first.output());
    assertTrue(unit("a-canary").contains("node_exporter-1.8.2 "), unit("a-canary"));
    assertTrue(Files.readString(state("a-canary")).contains("\"1.8.2\""));
    assertTrue(Files.readString(state("b-rest")).contains("\"1.8.2\""));

    // 2: a new version, and the canary's exporter does not come up: rolled back, failed, the rest untouched
    live.stop("canary-exporter");
    writePolicies(repo, canaryPort, restPort, promPort, "1.9.1");
    out = compile(repo);
    String restUnitBefore = unit("b-rest");
    var second = play(out);
    assertNotEquals(0, second.exit(), second.output());
    assertTrue(second.output().contains("a-canary: its exporters are not up in Prometheus after the gate's timeout"),
        second.output());
    assertTrue(second.output().contains("rolled back to the versions that last passed"), second.output());
    assertTrue(unit("a-canary").contains("node_exporter-1.8.2 "), "rolled back: " + unit("a-canary"));
    assertFalse(unit("a-canary").contains("1.9.1"));
    assertEquals(restUnitBefore, unit("b-rest"), "the rollout stopped before the next batch");
    assertFalse(second.output().contains("ok: [b-rest]") || second.output().contains("changed: [b-rest]"), second.output());
  }

  private Path compile(Path repo) {
    Path out = tmp.resolve("out");
    TestSupport.Run compile = TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString());
    assertEquals(0, compile.exit(), compile.err());
    return out;
  }

  private static void writePolicies(Path repo, int canaryPort, int restPort, int promPort, String version) throws Exception {
    TestSupport.writeFile(repo, "policies/policies.yaml", """
        apiVersion: anvil.dev/v1
        kind: Prometheus
        scrape_interval: 1s
        scrape_timeout: 1s
        evaluation_interval: 1s
        alertmanagers: ["127.0.0.1:9"]
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        group: infrastructure:lab
        exporters:
          node_exporter: {version: %4$s}
        rollout:
          exporters:
            strategy: canary
            canary: 50%%
            on_failure: stop
            health_gate: {prometheus_url: "http://127.0.0.1:%3$d", timeout: 10s}
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        host: a-canary
        exporters:
          node_exporter: {port: %1$d}
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        host: b-rest
        exporters:
          node_exporter: {port: %2$d}
        """.formatted(canaryPort, restPort, promPort, version));
  }

  /** The playbook's unit and gate tasks; each host's units and state in a directory of its own. */
  private TestSupport.ToolResult play(Path out) throws Exception {
    String hostDir = tmp + "/hosts/{{ inventory_hostname }}";
    return TestSupport.exec(out.resolve("ansible"), "env", "ANSIBLE_NOCOLOR=1", "ANSIBLE_LOCALHOST_WARNING=False",
        TestSupport.tool("ansible-playbook", "ansible-core"), "-i", "inventory.yml", "exporters.yml", "-c", "local",
        "--tags", "exporter-units,exporter-gate", "-e", "anvil_exporter_dir=/opt/anvil/exporters",
        "-e", "anvil_systemd_dir=" + hostDir + "/units", "-e", "anvil_state_dir=" + hostDir + "/state",
        "-e", "ansible_python_interpreter=/usr/bin/python3");
  }

  private String unit(String host) throws Exception {
    return Files.readString(tmp.resolve("hosts/" + host + "/units/anvil-node_exporter.service"));
  }

  private Path state(String host) {
    return tmp.resolve("hosts/" + host + "/state/exporters-passed.json");
  }
}
