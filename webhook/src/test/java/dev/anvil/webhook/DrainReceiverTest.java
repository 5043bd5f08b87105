package dev.anvil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anvil.SlurmCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drain receiver of anvil serve against a live slurmctld (Debian slurm-wlm, with munge) on
 * 127.0.0.1: Alertmanager's webhook payloads drain the alert's node with its reason, only for allowed
 * and marked alerts, never past the hourly limits — under a burst of 50, and across a restart.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DrainReceiverTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "remediation-token-0123456789";

  @TempDir Path tmp;
  private SlurmCluster cluster;
  private WebhookServer service;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int port;

  @AfterEach
  void stop() throws Exception {
    if (service != null) service.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    if (cluster != null) cluster.close();
  }

  @Test
  void drainsOnlyAllowedMarkedAlertsNodesWithTheirReasonAndNeverPastTheLimits() throws Exception {
    Path nodes = Files.writeString(tmp.resolve("nodes.conf"), """
        NodeName=gpu-[01-20] NodeAddr=127.0.0.1 CPUs=1 State=UNKNOWN
        NodeName=small-[1-4] NodeAddr=127.0.0.1 CPUs=1 State=UNKNOWN
        PartitionName=gpu Nodes=gpu-[01-20] Default=YES
        PartitionName=small Nodes=small-[1-4]
        """);
    cluster = SlurmCluster.prepare(tmp, List.of(), List.of(nodes));
    assertTrue(cluster.startController(), cluster.output());
    start();

    // an allowed, marked alert: its node is drained with the alert and summary as the reason
    JsonNode answer = post(payload(alert("GpuDoubleBitEccError", "gpu-01", "firing", "drain",
        "Uncorrectable ECC error on GPU 3 of gpu-01")));
    assertEquals("drained", answer.path("decisions").path(0).path("outcome").asText(), answer.toString());
    Map<String, String> gpu01 = cluster.show("node").get("gpu-01");
    assertTrue(gpu01.get("State").contains("DRAIN"), gpu01.toString());
    assertEquals("anvil: GpuDoubleBitEccError: Uncorrectable ECC error on GPU 3 of gpu-01", gpu01.get("Reason").replaceFirst(" \\[.*$", ""));

    // nothing else drains: not allowed, not marked, resolved, or an instance that is a hostlist or an option
    answer = post(payload(
        alert("HighCPU", "gpu-02", "firing", "drain", "CPU"),
        alert("GpuDoubleBitEccError", "gpu-03", "firing", null, "unmarked"),
        alert("GpuDoubleBitEccError", "gpu-04", "resolved", "drain", "resolved"),
        alert("GpuDoubleBitEccError", "gpu-[05-09]", "firing", "drain", "a hostlist"),
        alert("GpuDoubleBitEccError", "gpu-05 State=RESUME", "firing", "drain", "an injected option"),
        alert("GpuDoubleBitEccError", "no-such-node", "firing", "drain", "not in Slurm")));
    assertEquals(List.of("not_allowed", "not_marked", "unknown_node", "unknown_node", "unknown_node"), outcomes(answer));
    assertEquals(List.of("gpu-01"), drained());

    // a wrong token is refused before anything is read
    var forged = http.send(request("Bearer wrong", payload(alert("GpuDoubleBitEccError", "gpu-06", "firing", "drain", "x"))),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(403, forged.statusCode());

    // partition limit: 25 % of small's 4 nodes is one node an hour
    assertEquals(List.of("drained"), outcomes(post(payload(alert("GpuXidReset", "small-1", "firing", "drain", "XID 79")))));
    JsonNode limited = post(payload(alert("GpuXidReset", "small-2", "firing", "drain", "XID 79")));
    assertEquals(List.of("rate_limited"), outcomes(limited));
    assertTrue(limited.toString().contains("partition small"), limited.toString());

    // a burst of 50 alerts over the gpu nodes, all at once: the node limit (3 an hour) holds
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String node = String.format("gpu-%02d", 2 + i % 19);
      burst.add(http.sendAsync(request("Bearer " + TOKEN, payload(alert("GpuDoubleBitEccError", node, "firing", "drain",
          "burst " + i))), HttpResponse.BodyHandlers.ofString()));
    }
    Map<String, Integer> counts = new TreeMap<>();
    for (var f : burst) {
      HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.body());
      for (String o : outcomes(JSON.readTree(r.body()))) counts.merge(o, 1, Integer::sum);
    }
    assertEquals(1, counts.get("drained"), counts.toString());
    assertEquals(3, drained().size(), "gpu-01, small-1 and one of the burst: " + drained());
    assertEquals(50, counts.values().stream().mapToInt(Integer::intValue).sum(), counts.toString());

    // the audit log holds every decision; the metric counts them
    List<String> audit = Files.readAllLines(tmp.resolve("work/remediation-audit.jsonl"));
    assertEquals(3, audit.stream().filter(l -> l.contains("\"outcome\":\"drained\"")).count(), String.join("\n", audit));
    assertEquals(3, audit.stream().filter(l -> l.contains("\"outcome\":\"draining\"")).count());
    String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("anvil_serve_remediations_total{outcome=\"drained\"} 3.0"), metrics);

    // a restart does not forget the hour's drains: the limit still holds
    service.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    start();
    assertEquals(List.of("rate_limited"), outcomes(post(payload(alert("GpuXidReset", "gpu-20", "firing", "drain", "XID")))));
    assertEquals(3, drained().size(), drained().toString());
    assertFalse(cluster.show("node").get("gpu-20").get("State").contains("DRAIN"));
  }

  @Test
  void theEmittedAlertmanagerConfigDeliversAMarkedAlertToTheReceiverWhichDrainsTheNode() throws Exception {
    String alertmanager = dev.anvil.TestSupport.tool("prometheus-alertmanager", "prometheus-alertmanager");
    Path nodes = Files.writeString(tmp.resolve("nodes.conf"), """
        NodeName=gpu-[01-04] NodeAddr=127.0.0.1 CPUs=1 State=UNKNOWN
        PartitionName=gpu Nodes=gpu-[01-04] Default=YES
        """);
    cluster = SlurmCluster.prepare(tmp, List.of(), List.of(nodes));
    assertTrue(cluster.startController(), cluster.output());
    start();

    // a config repo whose Alerting sends marked alerts to this service, with the token as a file
    Path repo = tmp.resolve("repo");
    dev.anvil.TestSupport.copyFromRepo(repo, "rules/exporters.yaml");
    dev.anvil.TestSupport.writeFile(repo, "inventory/fleet.yaml", dev.anvil.TestSupport.LAB_GROUP + """
        apiVersion: anvil.dev/v1
        kind: Host
        name: gpu-03
        address: 127.0.0.1
        primary_group: infrastructure:lab
        """);
    dev.anvil.TestSupport.writeFile(repo, "policies/alerting.yaml", """
        apiVersion: anvil.dev/v1
        kind: Prometheus
        alertmanagers: ["127.0.0.1:9093"]
        ---
        apiVersion: anvil.dev/v1
        kind: Alerting
        receiver: nobody
        group_wait: 1s
        group_interval: 1s
        remediation:
          url: http://127.0.0.1:%d/hooks/alertmanager
          credentials_file: %s
        ---
        apiVersion: anvil.dev/v1
        kind: Receiver
        name: nobody
        webhook: {url: "http://127.0.0.1:9/nobody"}
        """.formatted(port, tmp.resolve("remediation.token")));
    Path out = tmp.resolve("out");
    var compile = dev.anvil.TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString());
    assertEquals(0, compile.exit(), compile.err());

    int amPort = WebhookEndToEndTest.freePort();
    try (dev.anvil.Live live = new dev.anvil.Live(tmp)) {
      live.start("am", alertmanager, "--config.file=" + out.resolve("alertmanager/alertmanager.yml"),
          "--storage.path=" + tmp.resolve("am-data"), "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address=");
      live.awaitReady(amPort, "/-/ready");
      // the alert as the emitted rule labels it (remediate=drain), posted the way Prometheus does
      String alerts = JSON.writeValueAsString(List.of(Map.of("labels", Map.of("alertname", "GpuDoubleBitEccError",
          "instance", "gpu-03", "severity", "critical", "remediate", "drain"),
          "annotations", Map.of("summary", "Uncorrectable ECC error on gpu-03"))));
      var posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + amPort + "/api/v2/alerts"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(alerts)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, posted.statusCode(), posted.body());
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline && !drained().contains("gpu-03")) Thread.sleep(200);
      assertEquals(List.of("gpu-03"), drained(), "Alertmanager delivered the alert with the token; see am.log in " + tmp);
      assertEquals("anvil: GpuDoubleBitEccError: Uncorrectable ECC error on gpu-03",
          cluster.show("node").get("gpu-03").get("Reason").replaceFirst(" \\[.*$", ""));
    }
  }

  private void start() throws Exception {
    Files.writeString(tmp.resolve("remediation.token"), TOKEN + "\n");
    Files.writeString(tmp.resolve("github.secret"), "unused-secret\n");
    port = WebhookEndToEndTest.freePort();
    Path config = Files.writeString(tmp.resolve("serve.yaml"), """
        listen: {host: 127.0.0.1, port: %d}
        repository: %s
        work_dir: %s
        github_secret_file: github.secret
        poll_interval: 1h
        remediation:
          token_file: remediation.token
          allow: [GpuDoubleBitEccError, GpuXidReset]
          slurm_conf: %s
          max_nodes_per_hour: 3
          max_partition_percent: 25
          audit_log: %s
        """.formatted(port, tmp.resolve("no-repo"), tmp.resolve("work"), cluster.conf(),
        tmp.resolve("work/remediation-audit.jsonl")));
    service = new WebhookServer(ServiceConfig.load(config));
    service.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private List<String> drained() throws Exception {
    List<String> out = new ArrayList<>();
    cluster.show("node").forEach((name, f) -> {
      if (f.get("State").contains("DRAIN")) out.add(name);
    });
    return out.stream().sorted().toList();
  }

  private static List<String> outcomes(JsonNode answer) {
    List<String> out = new ArrayList<>();
    answer.path("decisions").forEach(d -> out.add(d.path("outcome").asText()));
    return out;
  }

  private JsonNode post(String body) throws Exception {
    HttpResponse<String> r = http.send(request("Bearer " + TOKEN, body), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private HttpRequest request(String auth, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/alertmanager"))
        .timeout(Duration.ofSeconds(60)).header("Authorization", auth).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /** An Alertmanager webhook payload (version 4) with these alerts. */
  private static String payload(Map<?, ?>... alerts) throws Exception {
    return JSON.writeValueAsString(Map.of("version", "4", "status", "firing", "receiver", "anvil-remediation",
        "groupLabels", Map.of(), "commonLabels", Map.of(), "alerts", List.of(alerts)));
  }

  private static Map<String, Object> alert(String name, String instance, String status, String remediate, String summary) {
    Map<String, String> labels = new TreeMap<>(Map.of("alertname", name, "instance", instance, "severity", "critical"));
    if (remediate != null) labels.put("remediate", remediate);
    return Map.of("status", status, "labels", labels, "annotations", Map.of("summary", summary),
        "startsAt", "2026-12-01T00:00:00Z", "fingerprint", Integer.toHexString((name + instance).hashCode()));
  }
}
