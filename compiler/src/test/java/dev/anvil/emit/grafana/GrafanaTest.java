package dev.anvil.emit.grafana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.Compiler;
import dev.anvil.Live;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana output: approved for the example fleet, well-formed, only for vendors the fleet has,
 * and every PromQL expression of every dashboard and rule evaluated by a real Prometheus (Debian
 * package prometheus) loaded with the compiled config. One host's node_exporter target is a real
 * node_exporter (prometheus-node-exporter) publishing the check agent's results, so the queries
 * also return what they should.
 */
class GrafanaTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)(?::[a-z]+)?}?");
  static final Set<String> BUILT_IN = Set.of("__rate_interval", "__interval", "__range");

  @TempDir static Path tmp;
  static Path out;

  @BeforeAll
  static void compile() {
    out = tmp.resolve("out");
    var r = TestSupport.anvil("-C", TestSupport.repoRoot().toString(), "compile", "--out", out.toString());
    assertEquals(0, r.exit(), r.err());
  }

  @Test
  void dashboardsAndProvisioningOfTheExampleFleetAreApproved() throws Exception {
    var c = Compiler.compile(TestSupport.repoRoot());
    assertTrue(c.ok(), () -> c.diagnostics().all().toString());
    TestSupport.verify(TestSupport.testDir("approved"), "example-fleet-grafana",
        TestSupport.render(c.files().stream().filter(f -> f.path().startsWith("grafana/")).toList()));
  }

  @Test
  void everyDashboardIsWellFormed() throws Exception {
    Set<String> uids = new HashSet<>();
    for (Path file : dashboards(out)) {
      JsonNode d = JSON.readTree(file.toFile());
      assertTrue(uids.add(d.get("uid").asText()), "duplicate uid in " + file);
      Set<String> defined = new HashSet<>(BUILT_IN);
      d.path("templating").path("list").forEach(v -> defined.add(v.get("name").asText()));
      Set<Integer> ids = new HashSet<>();
      List<int[]> cells = new ArrayList<>();
      for (JsonNode p : d.get("panels")) {
        assertTrue(ids.add(p.get("id").asInt()), "duplicate panel id in " + file);
        JsonNode g = p.get("gridPos");
        int x = g.get("x").asInt(), y = g.get("y").asInt(), w = g.get("w").asInt(), h = g.get("h").asInt();
        assertTrue(x >= 0 && x + w <= 24, "panel " + p.get("title") + " leaves the grid in " + file);
        for (int[] c : cells) {
          boolean overlap = x < c[0] + c[2] && c[0] < x + w && y < c[1] + c[3] && c[1] < y + h;
          assertFalse(overlap, "panel " + p.get("title") + " overlaps another in " + file);
        }
        cells.add(new int[] {x, y, w, h});
        if (p.get("type").asText().equals("row")) continue;
        assertEquals(GrafanaEmitter.PROMETHEUS_UID, p.path("datasource").path("uid").asText(), file.toString());
        for (JsonNode t : p.get("targets")) {
          Matcher m = VARIABLE.matcher(t.get("expr").asText());
          while (m.find()) assertTrue(defined.contains(m.group(1)), "undefined $" + m.group(1) + " in " + file);
        }
      }
    }
    assertEquals(13, uids.size(), "every vendor of the example fleet, overview, system, storage, alerts, usage, facility");
    JsonNode ds = YAML.readTree(out.resolve("grafana/provisioning/datasources/anvil.yaml").toFile());
    assertEquals(GrafanaEmitter.PROMETHEUS_UID, ds.get("datasources").get(0).get("uid").asText());
  }

  @Test
  void onlyVendorsPresentInTheFleetGetDashboards() throws Exception {
    Path repo = tmp.resolve("nvidia-only");
    TestSupport.copyFromRepo(repo, "dashboards", "rules/exporters.yaml", "rules/recording.yaml");
    TestSupport.writeFile(repo, "inventory/fleet.yaml", TestSupport.LAB_GROUP + """
        apiVersion: anvil.dev/v1
        kind: Host
        name: gpu-01
        address: 127.0.0.1
        primary_group: infrastructure:lab
        hardware:
          accelerators: [{vendor: nvidia, model: A100, count: 8}]
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        group: infrastructure:lab
        exporters:
          all-smi: {enabled: true, port: 9401}
        """);
    Path nvidiaOut = tmp.resolve("nvidia-only-out");
    var r = TestSupport.anvil("-C", repo.toString(), "compile", "--out", nvidiaOut.toString());
    assertEquals(0, r.exit(), r.err());
    Set<String> names = new TreeSet<>();
    for (Path p : dashboards(nvidiaOut)) names.add(p.getFileName().toString());
    assertEquals(new TreeSet<>(List.of("accelerators.json", "alerts.json", "nvidia.json", "system.json", "usage.json")), names,
        "no other vendor, and no storage dashboard without checks");
    JsonNode nvidia = JSON.readTree(nvidiaOut.resolve("grafana/dashboards/Accelerators/nvidia.json").toFile());
    for (JsonNode p : nvidia.get("panels")) {
      assertFalse(p.get("title").asText().contains("DCGM"), "no DCGM row when no host runs dcgm-exporter");
    }

    // a panel of recorded series requires its recording rule: with the cost rule off, the cost panels go
    TestSupport.writeFile(repo, "policies/no-cost.yaml", """
        apiVersion: anvil.dev/v1
        kind: Policy
        group: infrastructure:lab
        recording:
          accelerator_cost: {enabled: false}
        """);
    Path withoutOut = tmp.resolve("no-cost-out");
    r = TestSupport.anvil("-C", repo.toString(), "compile", "--out", withoutOut.toString());
    assertEquals(0, r.exit(), r.err());
    Set<String> titles = new TreeSet<>();
    for (JsonNode p : JSON.readTree(withoutOut.resolve("grafana/dashboards/Accelerators/usage.json").toFile()).get("panels")) {
      titles.add(p.get("title").asText());
    }
    assertTrue(titles.contains("Devices by team"), titles.toString());
    assertFalse(titles.stream().anyMatch(t -> t.startsWith("Cost")), "no cost panel without the cost rule: " + titles);
  }

  @Test
  void everyDashboardAndRuleQueryRunsOnARealPrometheus() throws Exception {
    String prometheus = TestSupport.tool("prometheus", "prometheus");
    String nodeExporter = TestSupport.tool("prometheus-node-exporter", "prometheus-node-exporter");
    Path live = tmp.resolve("live");
    TestSupport.copyTree(out, live);
    int promPort = Live.freePort();
    int nodePort = Live.freePort();
    int closedPort = Live.freePort();
    Set<String> production = pointTargetsAtLoopback(live.resolve("prometheus"), nodePort, closedPort);
    speedUp(live.resolve("prometheus/prometheus.yml"));

    // the check agent's results for gpu-server-01, published by a real node_exporter
    Path textfiles = Files.createDirectories(tmp.resolve("textfiles"));
    var written = TestSupport.writeCheckListsWithAnsible(live.resolve("ansible"), tmp.resolve("lists"), "gpu-server-01");
    assertEquals(0, written.exit(), written.output());
    var agent = TestSupport.runCheckAgent(tmp.resolve("lists/gpu-server-01.json"), textfiles,
        tmp.resolve("agent-state.json"));
    assertEquals(0, agent.exit(), agent.output());

    try (Live daemons = new Live(tmp)) {
      daemons.start("node_exporter", nodeExporter, "--web.listen-address=127.0.0.1:" + nodePort,
          "--collector.textfile.directory=" + textfiles);
      daemons.startPrometheus(prometheus, live.resolve("prometheus/prometheus.yml"), promPort);
      daemons.awaitReady(nodePort, "/metrics");
      daemons.awaitReady(promPort, "/-/ready");
      awaitValue(daemons, promPort, "up{job=\"node\",instance=\"gpu-server-01\"}", 1);

      List<String> errors = new ArrayList<>();
      awaitRulesEvaluated(daemons, promPort, errors);
      int queries = 0;
      for (Path file : dashboards(live)) {
        JsonNode d = JSON.readTree(file.toFile());
        List<String> exprs = new ArrayList<>();
        for (JsonNode p : d.get("panels")) p.path("targets").forEach(t -> exprs.add(t.get("expr").asText()));
        for (JsonNode v : d.path("templating").path("list")) {
          if (v.get("type").asText().equals("query")) {
            exprs.add(v.get("definition").asText().replaceFirst("^label_values\\((.*), instance\\)$", "$1"));
          }
        }
        for (String expr : exprs) {
          for (Map<String, String> values : List.of(Map.<String, String>of(), Map.of("environment", "production"))) {
            JsonNode answer = daemons.query(promPort, substitute(expr, values));
            queries++;
            if (!"success".equals(answer.path("status").asText())) {
              errors.add(file.getFileName() + ": " + answer.path("error").asText() + "\n    " + expr);
            }
          }
        }
      }
      assertEquals(List.of(), errors);
      assertTrue(queries > 150, "queries evaluated: " + queries);

      // the variables select what they say: all node targets, or production's only
      String system = Files.readString(live.resolve("grafana/dashboards/Infrastructure/system.json"));
      String upAll = "count(up{job=\"node\"," + filterOf(system) + "})";
      int nodes = JSON.readTree(live.resolve("prometheus/targets/node.json").toFile()).size() - 1;
      awaitValue(daemons, promPort, "count(up{job=\"node\"})", nodes);  // every target scraped once
      assertEquals(nodes, value(daemons, promPort, substitute(upAll, Map.of())));
      assertEquals(production.size(), value(daemons, promPort, substitute(upAll, Map.of("environment", "production"))));
      // the storage dashboard sees gpu-server-01's checks failing here: no NFS home, no Lustre scratch
      assertTrue(value(daemons, promPort, substitute("count(anvil_check_success{" + filterOf(system) + "} == 0)",
          Map.of())) >= 3);
    }
  }

  /** The namespace and instance matchers the system dashboard's panels use. */
  private static String filterOf(String dashboard) {
    Matcher m = Pattern.compile("node_memory_MemTotal_bytes\\{(.*?instance=~\\\\\"\\$instance\\\\\")}").matcher(dashboard);
    assertTrue(m.find(), "no filter found");
    return m.group(1).replace("\\\"", "\"");
  }

  /** What Grafana would send: All is ".*", a chosen group its path; intervals are fixed. */
  static String substitute(String expr, Map<String, String> values) {
    Matcher m = Pattern.compile("\\$\\{([a-z_]+):regex}").matcher(expr);
    StringBuilder sb = new StringBuilder();
    while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(values.getOrDefault(m.group(1), ".*")));
    m.appendTail(sb);
    return sb.toString().replace("$instance", ".*").replace("$__rate_interval", "1m")
        .replace("$__interval", "15s").replace("$__range", "1h");
  }

  /** Every host's targets at a closed loopback port, but gpu-server-01's node_exporter at the real one. */
  private static Set<String> pointTargetsAtLoopback(Path prometheus, int nodePort, int closedPort) throws Exception {
    Set<String> production = new TreeSet<>();
    try (Stream<Path> s = Files.list(prometheus.resolve("targets"))) {
      for (Path f : s.toList()) {
        ArrayNode groups = (ArrayNode) JSON.readTree(f.toFile());
        for (JsonNode g : groups) {
          ArrayNode targets = (ArrayNode) g.get("targets");
          if (targets.isEmpty()) continue;
          String host = g.path("labels").path("instance").asText();
          boolean real = host.equals("gpu-server-01") && f.getFileName().toString().equals("node.json");
          targets.removeAll();
          targets.add("127.0.0.1:" + (real ? nodePort : closedPort));
          for (String env : g.path("labels").path("environment").asText().split(",")) {
            if (f.getFileName().toString().equals("node.json") && (env.equals("production")
                || env.startsWith("production/"))) {
              production.add(host);
            }
          }
        }
        JSON.writeValue(f.toFile(), groups);
      }
    }
    return production;
  }

  private static void speedUp(Path prometheusYml) throws Exception {
    ObjectNode config = (ObjectNode) YAML.readTree(prometheusYml.toFile());
    ObjectNode global = (ObjectNode) config.get("global");
    global.put("scrape_interval", "1s");
    global.put("scrape_timeout", "1s");
    global.put("evaluation_interval", "1s");
    YAML.writeValue(prometheusYml.toFile(), config);
  }

  /** Waits until every rule has been evaluated; rules that failed are added to {@code errors}. */
  private static void awaitRulesEvaluated(Live daemons, int port, List<String> errors) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode groups = daemons.get(port, "/api/v1/rules").path("data").path("groups");
      int rules = 0;
      int unevaluated = 0;
      List<String> failed = new ArrayList<>();
      for (JsonNode g : groups) {
        for (JsonNode r : g.get("rules")) {
          rules++;
          String health = r.path("health").asText();
          if (health.equals("unknown")) unevaluated++;
          if (health.equals("err")) failed.add(r.get("name").asText() + ": " + r.path("lastError").asText());
        }
      }
      if (rules > 0 && unevaluated == 0) {
        assertTrue(rules > 40, "rules loaded: " + rules);
        errors.addAll(failed);
        return;
      }
      Thread.sleep(200);
    }
    fail("rules were not all evaluated within 30 s");
  }

  private static void awaitValue(Live daemons, int port, String promql, double expected) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode result = daemons.query(port, promql).path("data").path("result");
      if (result.size() > 0 && result.get(0).get("value").get(1).asDouble() == expected) return;
      Thread.sleep(200);
    }
    fail(promql + " did not become " + expected);
  }

  private static double value(Live daemons, int port, String promql) throws Exception {
    JsonNode answer = daemons.query(port, promql);
    JsonNode result = answer.path("data").path("result");
    assertEquals(1, result.size(), promql + " -> " + answer);
    return result.get(0).get("value").get(1).asDouble();
  }

  private static List<Path> dashboards(Path outDir) throws Exception {
    try (Stream<Path> s = Files.walk(outDir.resolve("grafana/dashboards"))) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

}
