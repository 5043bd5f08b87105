package dev.anvil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's contract (rules/contracts/anvil-serve.yaml, which its alerts in rules/pipeline.yaml
 * are checked against) against what its /metrics really exposes, plus the families an operator expects of a JVM service.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServiceMetricsTest {
  @TempDir Path tmp;

  @Test
  void everyFamilyOfTheServicesContractIsExposed() throws Exception {
    try (Loop loop = new Loop(tmp)) {
      loop.repo(80, "http://127.0.0.1:9/hook");
      loop.commit("one host");
      int port = WebhookEndToEndTest.freePort();
      int promPort = WebhookEndToEndTest.freePort();
      loop.serveInProcess(loop.serveConfig(port, tmp.resolve("repo").toString(), """
          prometheus: {url: "http://127.0.0.1:%d"}
          poll_interval: 1h
          """.formatted(promPort)));
      // the first verified output goes live so that Prometheus can start on it; then it is confirmed
      Path live = tmp.resolve("work/live/prometheus/prometheus.yml");
      Loop.await(() -> Files.exists(live), 60, "first output live");
      loop.prometheus(live, promPort, "prom");
      loop.awaitStatus(port, s -> !s.path("live_commit").isNull(), 60, "first deploy");
      var response = loop.get(port, "/metrics");
      assertEquals(200, response.statusCode());
      String metrics = response.body();

      // every family its contract lists (which anvil check holds the rules and dashboards to) is exposed
      Set<String> listed = new TreeSet<>();
      new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
          .readTree(WebhookEndToEndTest.ROOT.resolve("rules/contracts/anvil-serve.yaml").toFile())
          .path("metrics").fieldNames().forEachRemaining(listed::add);
      assertTrue(listed.size() >= 10, "the contract lists the service's families: " + listed);
      for (String name : listed) {
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " ")),
            name + " is in rules/contracts/anvil-serve.yaml but not exposed:\n" + metrics);
      }
      for (String family : new String[] {"anvil_serve_build_duration_seconds_bucket{le=\"0.5\"}",
          "anvil_serve_builds_total{outcome=\"deployed\"} 1.0", "anvil_serve_branch_head_live 1.0", "jvm_memory_used_bytes",
          "jvm_threads_current", "process_cpu_seconds_total", "process_resident_memory_bytes"}) {
        assertTrue(metrics.contains(family), family + " missing:\n" + metrics);
      }
    }
  }
}
