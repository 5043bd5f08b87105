package dev.anvil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract between the example fleet's alerts on the service (rules/pipeline.yaml) and what
 * the service's /metrics really exposes, plus the families an operator expects of a JVM service.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServiceMetricsTest {
  @TempDir Path tmp;

  @Test
  void everyMetricTheServiceRulesUseIsExposed() throws Exception {
    try (Loop loop = new Loop(tmp)) {
      loop.repo(80, "http://127.0.0.1:9/hook");
      loop.commit("one host");
      int port = WebhookEndToEndTest.freePort();
      loop.serveInProcess(loop.serveConfig(port, tmp.resolve("repo").toString(), "poll_interval: 1h"));
      loop.awaitStatus(port, s -> !s.path("live_commit").isNull(), 60, "first deploy");
      var response = loop.get(port, "/metrics");
      assertEquals(200, response.statusCode());
      String metrics = response.body();

      Set<String> used = new TreeSet<>();
      Matcher m = Pattern.compile("(?<!name: )\\b(anvil_serve_[a-z_]+)").matcher(
          Files.readString(WebhookEndToEndTest.ROOT.resolve("rules/pipeline.yaml")));
      while (m.find()) used.add(m.group(1));
      assertTrue(used.size() >= 5, "the rules use the service's metrics: " + used);
      for (String name : used) {
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " ")),
            name + " is used by rules/pipeline.yaml but not exposed:\n" + metrics);
      }
      for (String family : new String[] {"anvil_serve_build_duration_seconds_bucket{le=\"0.5\"}",
          "anvil_serve_builds_total{outcome=\"deployed\"} 1.0", "anvil_serve_branch_head_live 1.0", "jvm_memory_used_bytes",
          "jvm_threads_current", "process_cpu_seconds_total", "process_resident_memory_bytes"}) {
        assertTrue(metrics.contains(family), family + " missing:\n" + metrics);
      }
    }
  }
}
