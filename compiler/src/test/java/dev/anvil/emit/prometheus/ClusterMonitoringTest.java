package dev.anvil.emit.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clusters' own monitoring in the example fleet: each PrometheusRule is its rule file (one
 * source), promtool accepts its spec, and every class the ServiceMonitor and PodMonitor give a node
 * has its rules.
 */
class ClusterMonitoringTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Path OUT = TestSupport.repoRoot().resolve("out");

  /** Every object of every cluster's monitoring.yaml. */
  static List<JsonNode> objects() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String cluster : List.of("eks-inference", "onprem-serving")) {
      var docs = YAML.readerFor(JsonNode.class).readValues(OUT.resolve("kubernetes/" + cluster + "/monitoring.yaml").toFile());
      while (docs.hasNext()) {
        JsonNode d = (JsonNode) docs.next();
        if (d != null && !d.isMissingNode() && !d.isNull()) out.add(d);
      }
    }
    return out;
  }

  @Test
  void eachPrometheusRuleIsItsRuleFile() throws Exception {
    int rules = 0;
    for (JsonNode o : objects()) {
      if (!o.path("kind").asText().equals("PrometheusRule")) continue;
      String family = o.at("/metadata/name").asText().substring("anvil-".length());
      JsonNode file = YAML.readTree(OUT.resolve("prometheus/rules/" + family + ".yml").toFile());
      assertEquals(file.get("groups"), o.at("/spec/groups"), family);
      rules++;
    }
    // the families whose rules read dcgm-exporter's or all-smi's series, in each of the two clusters
    assertEquals(2 * 4, rules, "accelerators, npu, nvidia and recording, twice");
  }

  @Test
  void promtoolAcceptsTheSpecOfEveryPrometheusRule(@TempDir Path tmp) throws Exception {
    String promtool = TestSupport.tool("promtool", "prometheus");
    List<String> cmd = new ArrayList<>(List.of(promtool, "check", "rules"));
    int i = 0;
    for (JsonNode o : objects()) {
      if (!o.path("kind").asText().equals("PrometheusRule")) continue;
      Path spec = tmp.resolve("spec-" + i++ + ".yml");
      YAML.writeValue(spec.toFile(), o.get("spec"));
      cmd.add(spec.toString());
    }
    var r = TestSupport.exec(tmp, cmd.toArray(String[]::new));
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("SUCCESS"), r.output());
  }

  @Test
  void everyClassANodeGetsHasItsRules() throws Exception {
    StringBuilder rules = new StringBuilder();
    try (var files = Files.list(OUT.resolve("prometheus/rules"))) {
      for (Path f : files.sorted().toList()) rules.append(Files.readString(f));
    }
    for (JsonNode o : objects()) {
      if (!o.path("kind").asText().endsWith("Monitor")) continue;
      assertTrue(o.at("/spec/attachMetadata/node").asBoolean(), "pool nodes are told apart by their node labels");
      JsonNode endpoint = o.at(o.path("kind").asText().equals("PodMonitor") ? "/spec/podMetricsEndpoints/0"
          : "/spec/endpoints/0");
      for (JsonNode r : endpoint.path("relabelings")) {
        if (r.path("targetLabel").asText().equals("anvil_class")) {
          assertTrue(rules.toString().contains(r.get("replacement").asText()), r + " has rules");
        }
      }
    }
    Map<String, List<String>> classes = new TreeMap<>();
    for (JsonNode o : objects()) {
      if (!o.path("kind").asText().equals("ServiceMonitor")) continue;
      for (JsonNode r : o.at("/spec/endpoints/0/relabelings")) {
        if (!r.path("targetLabel").asText().equals("anvil_class")) continue;
        classes.computeIfAbsent(r.get("replacement").asText(), k -> new ArrayList<>()).add(r.get("regex").asText());
      }
    }
    // the on-prem MIG node by name; each pool's nodes by pool and GPU count (g4dn: 1, 4 and 8 GPUs)
    List<String> regexes = classes.values().stream().flatMap(List::stream).sorted().toList();
    assertEquals(List.of("a100-burst;8", "h100-infer-01", "h100-mig;8", "mixed-node-01", "t4-spot;1", "t4-spot;4",
        "t4-spot;8"), regexes);
    String nvidia = Files.readString(OUT.resolve("prometheus/rules/nvidia.yml"));
    for (String id : classes.keySet()) assertTrue(nvidia.contains(id), id + " is in the NVIDIA rules");
    // GPU count is a parameter of a rule (GPUs missing): pool nodes of different counts differ
    String t4One = classOf(classes, "t4-spot;1");
    String t4Four = classOf(classes, "t4-spot;4");
    assertFalse(t4One.equals(t4Four));
  }

  @Test
  void inClusterAlertsRouteLikeAHostsEvenFromAPool() throws Exception {
    String alertmanager = Files.readString(OUT.resolve("alertmanager/alertmanager.yml"));
    List<String> routed = new ArrayList<>();
    for (JsonNode o : objects()) {
      if (!o.path("kind").asText().equals("ServiceMonitor")) continue;
      for (JsonNode r : o.at("/spec/endpoints/0/relabelings")) {
        if (!r.path("targetLabel").asText().equals("anvil_routing")) continue;
        assertTrue(alertmanager.contains(r.get("replacement").asText()), "a route for " + r);
        routed.add(r.get("regex").asText());
      }
    }
    assertTrue(routed.contains("t4-spot;4") && routed.contains("h100-infer-01"), routed.toString());
  }

  /**
   * The two cannot disagree as compiled; a PrometheusRule edited by hand (a threshold raised in the
   * cluster only) is drift that compile --check refuses in CI, naming the file.
   */
  @Test
  void aHandEditedPrometheusRuleIsDrift(@TempDir Path tmp) throws Exception {
    Path repo = TestSupport.copyOfExampleFleet(tmp.resolve("repo"));
    Path out = tmp.resolve("out");
    TestSupport.Run compile = TestSupport.anvil("-C", repo.toString(), "compile", "--verify=off", "--out", out.toString());
    assertEquals(0, compile.exit(), compile.err());
    Path monitoring = out.resolve("kubernetes/onprem-serving/monitoring.yaml");
    String text = Files.readString(monitoring);
    String edited = text.replaceFirst("> 0\\n", "> 5\\n");
    assertFalse(edited.equals(text), "a threshold to edit");
    Files.writeString(monitoring, edited);
    TestSupport.Run check = TestSupport.anvil("-C", repo.toString(), "compile", "--check", "--verify=off", "--out",
        out.toString());
    assertEquals(1, check.exit(), check.err());
    assertTrue(check.err().contains("kubernetes/onprem-serving/monitoring.yaml: error: stale"), check.err());
  }

  private static String classOf(Map<String, List<String>> classes, String regex) {
    return classes.entrySet().stream().filter(e -> e.getValue().contains(regex)).findFirst().orElseThrow().getKey();
  }
}
