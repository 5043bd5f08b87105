package dev.anvil.emit.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example fleet's Prometheus output, judged by promtool (Debian package 'prometheus'): the
 * config with its rule and file_sd files, and rule unit tests fed with series that carry exactly the
 * labels the emitted targets give each host.
 */
class PromtoolTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir static Path tmp;
  static Path out;
  static String promtool;

  @BeforeAll
  static void compile() {
    promtool = TestSupport.tool("promtool", "prometheus");
    out = tmp.resolve("out");
    TestSupport.Run r = TestSupport.anvil("-C", TestSupport.repoRoot().toString(), "compile", "--out", out.toString());
    assertEquals(0, r.exit(), r.err());
  }

  @Test
  void promtoolAcceptsTheConfigWithItsRuleAndTargetFiles() throws Exception {
    var r = TestSupport.exec(out.resolve("prometheus"), promtool, "check", "config", "prometheus.yml");
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("SUCCESS"), r.output());
  }

  @Test
  void promtoolAcceptsEveryRuleFile() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(promtool, "check", "rules"));
    try (Stream<Path> s = Files.list(out.resolve("prometheus/rules"))) {
      s.sorted().forEach(p -> cmd.add(p.toString()));
    }
    assertTrue(cmd.size() >= 6, "expected rule files for system, accelerators, nvidia and npu");
    var r = TestSupport.exec(out, cmd.toArray(String[]::new));
    assertEquals(0, r.exit(), r.output());
  }

  @Test
  void productionHostFiresHighCpuAbove70AndAwsStagingHostOnlyAbove90() throws Exception {
    List<Object> tests = new ArrayList<>();
    tests.add(cpuCase("i-1234567890", 71, "70", true));
    tests.add(cpuCase("i-1234567890", 69, "70", false));
    tests.add(cpuCase("i-fedcba0987", 91, "90", true));
    tests.add(cpuCase("i-fedcba0987", 89, "90", false));
    // an on-prem production host: production's 70 beats on-prem's 75
    tests.add(cpuCase("gpu-server-01", 72, "70", true));
    Map<String, Object> file = new TreeMap<>();
    file.put("rule_files", List.of(out.resolve("prometheus/rules/system.yml").toString()));
    file.put("evaluation_interval", "1m");
    file.put("tests", tests);
    Path testFile = tmp.resolve("cpu-test.yml");
    YAML.writeValue(testFile.toFile(), file);
    var r = TestSupport.exec(tmp, promtool, "test", "rules", testFile.toString());
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("SUCCESS"), r.output());
  }

  /** A promtool test case: the host's CPU busy at {@code percent} for 30 minutes. */
  private Map<String, Object> cpuCase(String host, int percent, String threshold, boolean fires) throws Exception {
    Map<String, String> labels = targetLabels("node", host);
    Map<String, String> series = new TreeMap<>(labels);
    series.put("cpu", "0");
    series.put("mode", "idle");
    double idlePerMinute = (100 - percent) * 60 / 100.0;
    Map<String, Object> input = Map.of("series", "node_cpu_seconds_total" + selector(series),
        "values", "0+" + idlePerMinute + "x40");
    List<Object> expected = new ArrayList<>();
    if (fires) {
      Map<String, String> alertLabels = new TreeMap<>(labels);
      alertLabels.put("severity", "warning");
      alertLabels.put("anvil_cpu_high", TestSupport.ruleParams(out.resolve("prometheus/rules/system.yml"), "cpu_high",
          labels.get("anvil_class")));
      assertTrue(alertLabels.get("anvil_cpu_high").contains("threshold=" + threshold), alertLabels.toString());
      expected.add(Map.of("exp_labels", alertLabels, "exp_annotations", Map.of("summary",
          "CPU usage on " + host + " is " + percent + "% (threshold " + threshold + "%)")));
    }
    Map<String, Object> alertCase = Map.of("eval_time", "30m", "alertname", "HighCPU", "exp_alerts", expected);
    return Map.of("name", host + " at " + percent + "%", "interval", "1m", "input_series", List.of(input),
        "alert_rule_test", List.of(alertCase));
  }

  /** The labels Prometheus gives a host's target in a job: file_sd labels plus job. */
  static Map<String, String> targetLabels(String job, String host) throws Exception {
    JsonNode groups = JSON.readTree(out.resolve("prometheus/targets/" + job + ".json").toFile());
    for (JsonNode g : groups) {
      if (host.equals(g.path("labels").path("instance").asText())) {
        Map<String, String> labels = new TreeMap<>();
        g.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        labels.put("job", job);
        return labels;
      }
    }
    throw new AssertionError("no target for " + host + " in job " + job);
  }

  static String selector(Map<String, String> labels) {
    StringBuilder sb = new StringBuilder("{");
    labels.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(k).append("=\"")
        .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
    return sb.append('}').toString();
  }
}
