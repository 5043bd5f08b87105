package dev.anvil.emit.alertmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.anvil.Live;
import dev.anvil.LiveTest;
import dev.anvil.TestSupport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Live, on 127.0.0.1: a compiled config repo drives real Prometheus and Alertmanager (Debian packages
 * prometheus, prometheus-alertmanager). A metric source makes host hot-01 breach its CPU threshold;
 * host down-01 has no exporter listening, so NodeDown fires for it, and so does its accelerator
 * exporter's alert — which the emitted inhibition must suppress. A local HTTP sink stands in for
 * the chat and pager webhooks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveAlertingTest extends LiveTest {
  static final ObjectMapper JSON = new ObjectMapper();

  private final List<HttpServer> servers = new ArrayList<>();

  record Delivery(long receivedMillis, String path, JsonNode payload) {}

  @AfterEach
  void stopEverything() throws InterruptedException {
    for (HttpServer s : servers) s.stop(0);
  }

  @Test
  void theRightReceiverGetsExactlyTheBreachAndTheInhibitedAlertIsNeverDelivered() throws Exception {
    String prometheus = TestSupport.tool("prometheus", "prometheus");
    String alertmanager = TestSupport.tool("prometheus-alertmanager", "prometheus-alertmanager");
    live = new Live(tmp);
    int hotPort = Live.freePort();
    int deadNodePort = Live.freePort();
    int deadAccelPort = Live.freePort();
    int sinkPort = Live.freePort();
    int amPort = Live.freePort();
    int promPort = Live.freePort();

    // the sink: every webhook POST, with its arrival time
    List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    serve(sinkPort, exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      deliveries.add(new Delivery(System.currentTimeMillis(), exchange.getRequestURI().getPath(), JSON.readTree(body)));
      exchange.sendResponseHeaders(200, -1);
    });

    Path repo = tmp.resolve("repo");
    writeRepo(repo, hotPort, deadNodePort, deadAccelPort, sinkPort, amPort);
    Path out = tmp.resolve("out");
    TestSupport.Run compile = TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString());
    assertEquals(0, compile.exit(), compile.err());

    live.start("am", alertmanager, "--config.file=" + out.resolve("alertmanager/alertmanager.yml"),
        "--storage.path=" + tmp.resolve("am-data"), "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address=");
    live.startPrometheus(prometheus, out.resolve("prometheus/prometheus.yml"), promPort,
        "--rules.alert.resend-delay=2s");
    live.awaitReady(amPort, "/-/ready");
    live.awaitReady(promPort, "/-/ready");

    // the metric source: an idle counter that barely moves, i.e. a CPU 99 % busy from the first scrape
    long[] firstScrape = {0};
    long started = System.currentTimeMillis();
    serve(hotPort, exchange -> {
      long now = System.currentTimeMillis();
      if (firstScrape[0] == 0) firstScrape[0] = now;
      String metrics = "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} " + ((now - started) / 1000.0 * 0.01) + "\n";
      byte[] bytes = metrics.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });

    Delivery highCpu = await(deliveries, "HighCPU", 60);
    Delivery nodeDown = await(deliveries, "NodeDown", 60);

    // HighCPU: to the web team's hook, one alert, the host's group labels on it
    assertEquals("/team", highCpu.path());
    assertEquals("team-hook", highCpu.payload().get("receiver").asText());
    JsonNode alerts = highCpu.payload().get("alerts");
    assertEquals(1, alerts.size(), highCpu.payload().toString());
    JsonNode labels = alerts.get(0).get("labels");
    for (var e : Map.of("instance", "hot-01", "team", "web", "environment", "production", "logical", "web",
        "infrastructure", "lab/rack-1", "severity", "warning", "job", "node").entrySet()) {
      assertEquals(e.getValue(), labels.path(e.getKey()).asText(), e.getKey() + " in " + labels);
    }
    // NodeDown: critical, to the on-call hook
    assertEquals("/oncall", nodeDown.path());
    assertEquals("oncall-hook", nodeDown.payload().get("receiver").asText());
    assertEquals("down-01", nodeDown.payload().get("alerts").get(0).get("labels").get("instance").asText());

    // the accelerator exporter alert of down-01 reaches Alertmanager, which suppresses it by inhibition
    JsonNode suppressed = awaitSuppressed(amPort, "AcceleratorExporterDown", 30);
    assertTrue(suppressed.path("status").path("inhibitedBy").size() > 0, suppressed.toString());
    Thread.sleep(4000);  // group_wait and resend delay have passed several times by now
    for (Delivery d : deliveries) {
      for (JsonNode a : d.payload().get("alerts")) {
        assertTrue(!a.get("labels").get("alertname").asText().equals("AcceleratorExporterDown"),
            "inhibited alert was delivered: " + d.payload());
      }
    }
    assertTrue(deliveries.stream().allMatch(d -> d.path().equals("/team") || d.path().equals("/oncall")),
        "nothing fell through to the fallback receiver: " + deliveries);

    double latency = (highCpu.receivedMillis() - firstScrape[0]) / 1000.0;
    String report = String.format("threshold breach (first breaching scrape) -> delivery at the receiver: %.2f s%n", latency);
    System.out.print(report);
    Files.writeString(TestSupport.repoRoot().resolve("compiler/target/live-alerting-latency.txt"), report);
    assertTrue(latency < 30, report);
  }

  private void writeRepo(Path repo, int hotPort, int deadNodePort, int deadAccelPort, int sinkPort, int amPort)
      throws IOException {
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml", "rules/system.yaml", "rules/accelerators.yaml");
    TestSupport.writeFile(repo, "inventory/fleet.yaml", """
        apiVersion: anvil.dev/v1
        kind: Group
        name: infrastructure:lab/rack-1
        ---
        apiVersion: anvil.dev/v1
        kind: Group
        name: logical:web
        ---
        apiVersion: anvil.dev/v1
        kind: Group
        name: environment:production
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: hot-01
        address: 127.0.0.1
        primary_group: infrastructure:lab/rack-1
        groups: [logical:web, environment:production]
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: down-01
        address: 127.0.0.1
        primary_group: infrastructure:lab/rack-1
        groups: [logical:web, environment:production]
        hardware:
          accelerators: [{vendor: amd, model: MI300X, count: 1}]
        """);
    TestSupport.writeFile(repo, "policies/policies.yaml", """
        apiVersion: anvil.dev/v1
        kind: Prometheus
        scrape_interval: 1s
        scrape_timeout: 1s
        evaluation_interval: 1s
        alertmanagers: ["127.0.0.1:%d"]
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        group: logical:web
        labels: {team: web}
        alerts:
          cpu_high: {threshold: 70, for: 0s}
          node_down: {for: 0s}
          all_smi_down: {for: 5s}
        routing:
          critical: {receivers: [oncall-hook]}
          warning: {receivers: [team-hook]}
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        host: hot-01
        exporters:
          node_exporter: {port: %d}
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        host: down-01
        exporters:
          node_exporter: {port: %d}
          all-smi: {enabled: true, port: %d}
        ---
        apiVersion: anvil.dev/v1
        kind: Alerting
        receiver: fallback-hook
        group_by: [alertname, instance]
        group_wait: 1s
        group_interval: 1s
        repeat_interval: 1h
        inhibit_rules:
          node-down-silences-its-host:
            source: ['alertname="NodeDown"']
            target: ['alertname=~"HighCPU|Accelerator.*"']
            equal: [instance]
        ---
        apiVersion: anvil.dev/v1
        kind: Receiver
        name: team-hook
        webhook: {url: "http://127.0.0.1:%d/team"}
        ---
        apiVersion: anvil.dev/v1
        kind: Receiver
        name: oncall-hook
        webhook: {url: "http://127.0.0.1:%d/oncall"}
        ---
        apiVersion: anvil.dev/v1
        kind: Receiver
        name: fallback-hook
        webhook: {url: "http://127.0.0.1:%d/fallback"}
        """.formatted(amPort, hotPort, deadNodePort, deadAccelPort, sinkPort, sinkPort, sinkPort));
  }

  private static Delivery await(List<Delivery> deliveries, String alertname, int seconds) throws InterruptedException {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      for (Delivery d : deliveries) {
        if (alertname.equals(d.payload().path("commonLabels").path("alertname").asText())) return d;
      }
      Thread.sleep(50);
    }
    fail(alertname + " was not delivered within " + seconds + " s; got " + deliveries);
    return null;
  }

  private static JsonNode awaitSuppressed(int amPort, String alertname, int seconds) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + amPort + "/api/v2/alerts")).build();
      JsonNode all = JSON.readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
      for (JsonNode a : all) {
        if (alertname.equals(a.path("labels").path("alertname").asText())
            && "suppressed".equals(a.path("status").path("state").asText())) {
          return a;
        }
      }
      Thread.sleep(200);
    }
    fail(alertname + " did not reach Alertmanager as suppressed within " + seconds + " s");
    return null;
  }

  private void serve(int port, com.sun.net.httpserver.HttpHandler handler) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    s.createContext("/", handler);
    s.start();
    servers.add(s);
  }
}
