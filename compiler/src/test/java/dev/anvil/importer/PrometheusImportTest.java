package dev.anvil.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.Live;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trip: a prometheus.yml (static and file_sd targets with labels) → anvil import prometheus
 * → anvil compile → the emitted prometheus.yml. A real Prometheus loads each and lists its targets
 * (/api/v1/targets): the same jobs scrape the same URLs with the same labels; only instance differs,
 * since Anvil names a target by its host (documented).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrometheusImportTest {
  @TempDir Path tmp;

  @Test
  void importThenCompileScrapesTheSameTargetsWithTheSameLabels() throws Exception {
    String prometheus = TestSupport.tool("prometheus", "prometheus");
    String promtool = TestSupport.tool("promtool", "prometheus");
    Path site = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(site.resolve("prometheus.yml"), """
        global: {scrape_interval: 1m}
        scrape_configs:
          - job_name: node
            static_configs:
              - targets: ["10.0.0.1:9100", "10.0.0.2:9100"]
                labels: {environment: production, team: ml, infrastructure: dc-1/rack-1}
              - targets: ["10.0.0.3:9101"]
                labels: {environment: staging, rack: r1}
          - job_name: dcgm
            metrics_path: /metrics
            file_sd_configs:
              - files: ["targets/*.json"]
        """);
    Files.createDirectories(site.resolve("targets"));
    Files.writeString(site.resolve("targets/dcgm.json"), """
        [{"targets": ["10.0.0.1:9400"], "labels": {"team": "ml", "gpu_model": "H100"}}]
        """);
    var check = TestSupport.exec(site, promtool, "check", "config", "prometheus.yml");
    assertEquals(0, check.exit(), "the original is valid to promtool: " + check.output());

    Path imported = tmp.resolve("imported");
    TestSupport.Run r = TestSupport.anvil("import", "prometheus", site.resolve("prometheus.yml").toString(), "--out", imported.toString());
    assertEquals(0, r.exit(), r.err());
    TestSupport.Run c = TestSupport.anvil("-C", imported.toString(), "compile", "--out", tmp.resolve("out").toString());
    assertEquals(0, c.exit(), c.err() + "\n" + Files.readString(imported.resolve("inventory/hosts/imported.yaml")));

    Map<String, Map<String, String>> before = targets(prometheus, site.resolve("prometheus.yml"));
    Map<String, Map<String, String>> after = targets(prometheus, tmp.resolve("out/prometheus/prometheus.yml"));
    assertEquals(before.keySet(), after.keySet(), "the same jobs scrape the same URLs");
    before.forEach((url, labels) -> labels.forEach((k, v) -> {
      if (!k.equals("instance")) assertEquals(v, after.get(url).get(k), url + " label " + k + ": " + after.get(url));
    }));
    assertEquals("10.0.0.1", after.get("dcgm http://10.0.0.1:9400/metrics").get("instance"), "instance is the host's name");

    // a directory that has files is left alone
    TestSupport.Run again = TestSupport.anvil("import", "prometheus", site.resolve("prometheus.yml").toString(), "--out", imported.toString());
    assertEquals(2, again.exit(), again.out());
  }

  /** job + scrape URL → labels, as a real Prometheus loading {@code config} lists its active targets. */
  private Map<String, Map<String, String>> targets(String prometheus, Path config) throws Exception {
    int port = Live.freePort();
    Map<String, Map<String, String>> out = new TreeMap<>();
    try (Live live = new Live(Files.createDirectories(tmp.resolve("logs-" + port)))) {
      live.startPrometheus(prometheus, config, port);
      live.awaitReady(port, "/-/ready");
      for (long until = System.currentTimeMillis() + 20_000; System.currentTimeMillis() < until; Thread.sleep(300)) {
        JsonNode active = live.get(port, "/api/v1/targets").path("data").path("activeTargets");
        out.clear();
        for (JsonNode t : active) {
          Map<String, String> labels = new TreeMap<>();
          t.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
          out.put(labels.get("job") + " " + t.path("scrapeUrl").asText(), labels);
        }
        if (out.size() == 4) break;
      }
    }
    assertEquals(4, out.size(), "targets of " + config + ": " + out);
    return out;
  }
}
