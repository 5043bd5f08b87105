package dev.anvil.emit.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.anvil.Live;
import dev.anvil.LiveTest;
import dev.anvil.TestSupport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Live, on 127.0.0.1: the example fleet's recording rules (rules/recording.yaml), compiled for two
 * hosts with different prices per device-hour, evaluated by a real Prometheus (Debian package
 * prometheus) over series served as all-smi writes them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LiveRecordingTest extends LiveTest {
  private final List<HttpServer> servers = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void recordingRulesProduceTheTeamsUtilisationDevicesAndCostAtEachGroupsPrice() throws Exception {
    String prometheus = TestSupport.tool("prometheus", "prometheus");
    live = new Live(tmp);
    int trainPort = Live.freePort();
    int servePort = Live.freePort();
    int promPort = Live.freePort();
    // ml: two devices at 40 % and 80 %; web: one at 30 %
    serveAllSmi(trainPort, "train-01", 40, 80);
    serveAllSmi(servePort, "serve-01", 30);

    Path repo = tmp.resolve("repo");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml", "rules/recording.yaml");
    TestSupport.writeFile(repo, "inventory/fleet.yaml", """
        apiVersion: anvil.dev/v1
        kind: Group
        name: infrastructure:lab
        ---
        apiVersion: anvil.dev/v1
        kind: Group
        name: logical:training
        ---
        apiVersion: anvil.dev/v1
        kind: Group
        name: logical:serving
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: train-01
        address: 127.0.0.1
        primary_group: infrastructure:lab
        groups: [logical:training]
        hardware: {accelerators: [{vendor: nvidia, model: H100, count: 2}]}
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: serve-01
        address: 127.0.0.1
        primary_group: infrastructure:lab
        groups: [logical:serving]
        hardware: {accelerators: [{vendor: nvidia, model: L4, count: 1}]}
        """);
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
        group: logical:training
        labels: {team: ml}
        recording:
          accelerator_cost: {price: 4.5}
        exporters:
          node_exporter: {enabled: false}
          all-smi: {enabled: true, port: %d}
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        group: logical:serving
        labels: {team: web}
        exporters:
          node_exporter: {enabled: false}
          all-smi: {enabled: true, port: %d}
        """.formatted(trainPort, servePort));
    Path out = tmp.resolve("out");
    TestSupport.Run compile = TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString());
    assertEquals(0, compile.exit(), compile.err());

    live.startPrometheus(prometheus, out.resolve("prometheus/prometheus.yml"), promPort);
    live.awaitReady(promPort, "/-/ready");

    assertEquals(Map.of("ml", 60.0, "web", 30.0), awaitByTeam(promPort, "team:accelerator_utilization:avg"));
    assertEquals(Map.of("ml", 2.0, "web", 1.0), awaitByTeam(promPort, "team:accelerator_devices:count"));
    assertEquals(Map.of("ml", 1.2, "web", 0.3), awaitByTeam(promPort, "team:accelerator_busy_devices:sum"));
    // the training group's price, and the rule's default (2.0) for the rest
    assertEquals(Map.of("ml", 9.0, "web", 2.0), awaitByTeam(promPort, "sum by (team) (team:accelerator_cost_per_hour:sum)"));
  }

  /** team → value of an instant query, once every team has a value. */
  private Map<String, Double> awaitByTeam(int port, String query) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    Map<String, Double> got = Map.of();
    while (System.currentTimeMillis() < deadline) {
      JsonNode answer = live.query(port, query);
      got = new TreeMap<>();
      for (JsonNode r : answer.path("data").path("result")) {
        double v = r.path("value").path(1).asDouble();
        got.put(r.path("metric").path("team").asText(), Math.round(v * 1000) / 1000.0);
      }
      if (got.size() == 2) return got;
      Thread.sleep(250);
    }
    fail(query + " did not give a value per team within 30 s: " + got);
    return got;
  }

  /** all_smi_gpu_utilization as all-smi 0.14 writes it (rules/contracts/all-smi.yaml): one series per device. */
  private void serveAllSmi(int port, String host, int... utilisation) throws IOException {
    StringBuilder body = new StringBuilder("# TYPE all_smi_gpu_utilization gauge\n");
    for (int i = 0; i < utilisation.length; i++) {
      body.append("all_smi_gpu_utilization{gpu=\"NVIDIA H100\",instance=\"").append(host).append("\",uuid=\"GPU-")
          .append(i).append("\",index=\"").append(i).append("\"} ").append(utilisation[i]).append('\n');
    }
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/metrics", exchange -> {
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    servers.add(server);
  }
}
