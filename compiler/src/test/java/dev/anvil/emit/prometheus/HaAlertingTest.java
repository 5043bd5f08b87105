package dev.anvil.emit.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.anvil.Live;
import dev.anvil.LiveTest;
import dev.anvil.TestSupport;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * High availability, live on 127.0.0.1: one shard of two Prometheus replicas, each sending its alerts
 * to both of two clustered Alertmanagers; the replicas write to a VictoriaMetrics that keeps one copy
 * of identical series ({@code deduplicate}); vmalert evaluates the fleet-wide rule on the store and
 * notifies both Alertmanagers. Two of four hosts are down: a local webhook receives each host's
 * alert once and the fleet-wide alert once, though two replicas and vmalert sent to two
 * Alertmanagers; the store holds each host's series once.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HaAlertingTest extends LiveTest {
  static final ObjectMapper JSON = new ObjectMapper();

  private final List<HttpServer> servers = new ArrayList<>();
  private final List<JsonNode> deliveries = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void eachAlertReachesTheReceiverOnceFromTwoReplicasTwoAlertmanagersAndTheGlobalEvaluator() throws Exception {
    String prometheus = TestSupport.tool("prometheus", "prometheus");
    String alertmanager = TestSupport.tool("prometheus-alertmanager", "prometheus-alertmanager");
    String store = TestSupport.tool("victoria-metrics", "victoria-metrics");
    String vmalert = TestSupport.tool("vmalert", "victoria-metrics");
    live = new Live(tmp);
    int vmPort = Live.freePort();
    int[] am = {Live.freePort(), Live.freePort()};
    int[] gossip = {Live.freePort(), Live.freePort()};
    int sinkPort = sink();

    Path repo = tmp.resolve("repo");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml");
    TestSupport.writeFile(repo, "rules/availability.yaml", """
        apiVersion: anvil.dev/v1
        kind: AlertRule
        name: host_unreachable
        exporter: node_exporter
        defaults: {for: 0s, severity: critical}
        rule: |
          alert: HostUnreachable
          expr: up{[[selector]]} == 0
          for: [[for]]
        examples: {fires: {up: 0}, quiet: {up: 1}}
        ---
        apiVersion: anvil.dev/v1
        kind: AlertRule
        name: fleet_nodes_down
        exporter: node_exporter
        scope: fleet
        defaults: {threshold: 2, for: 0s, severity: critical}
        rule: |
          alert: FleetNodesDown
          expr: count(up{[[selector]]} == 0) >= [[threshold]]
          for: [[for]]
        examples: {hosts: all, fires: {up: 0}, quiet: {up: 1}}
        """);
    StringBuilder inventory = new StringBuilder("apiVersion: anvil.dev/v1\nkind: Group\nname: infrastructure:lab\n");
    StringBuilder ports = new StringBuilder();
    for (String host : List.of("up-01", "up-02", "down-01", "down-02")) {
      // nothing listens for a down host
      int port = host.startsWith("up") ? live.serveMetrics("node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 100\n") : Live.freePort();
      inventory.append("---\napiVersion: anvil.dev/v1\nkind: Host\nname: ").append(host)
          .append("\naddress: 127.0.0.1\nprimary_group: infrastructure:lab\n");
      ports.append("---\napiVersion: anvil.dev/v1\nkind: Policy\nhost: ").append(host)
          .append("\nexporters: {node_exporter: {port: ").append(port).append("}}\n");
    }
    TestSupport.writeFile(repo, "inventory/fleet.yaml", inventory.toString());
    TestSupport.writeFile(repo, "policies/policies.yaml", """
        apiVersion: anvil.dev/v1
        kind: Prometheus
        scrape_interval: 1s
        scrape_timeout: 1s
        evaluation_interval: 1s
        alertmanagers: ["127.0.0.1:%d", "127.0.0.1:%d"]
        alertmanager_peers: ["127.0.0.1:%d", "127.0.0.1:%d"]
        sites: [{name: lab, groups: [infrastructure:lab]}]
        replicas: 2
        remote_write:
          - url: http://127.0.0.1:%d/api/v1/write
            deduplicate: true
            queue: {batch_send_deadline: 1s}
        ---
        apiVersion: anvil.dev/v1
        kind: Alerting
        receiver: hook
        group_by: [alertname, instance]
        group_wait: 1s
        group_interval: 1s
        repeat_interval: 1h
        ---
        apiVersion: anvil.dev/v1
        kind: Receiver
        name: hook
        webhook: {url: "http://127.0.0.1:%d/hook"}
        """.formatted(am[0], am[1], gossip[0], gossip[1], vmPort, sinkPort) + ports);
    Path out = tmp.resolve("out");
    TestSupport.Run compile = TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString());
    assertEquals(0, compile.exit(), compile.err());

    live.start("victoria-metrics", store, "-httpListenAddr=127.0.0.1:" + vmPort, "-storageDataPath=" + tmp.resolve("vm-data"),
        "-search.latencyOffset=0s", "-dedup.minScrapeInterval=1s");
    // each Alertmanager with the cluster flags of the emitted alertmanager.env, as its service would read them
    for (int i = 0; i < 2; i++) {
      live.start("am" + i, "sh", "-c", ". \"$0\" && exec \"$1\" $ARGS --config.file=\"$2\" --storage.path=\"$3\""
          + " --web.listen-address=127.0.0.1:" + am[i] + " --cluster.listen-address=127.0.0.1:" + gossip[i],
          out.resolve("alertmanager/alertmanager.env").toString(), alertmanager, out.resolve("alertmanager/alertmanager.yml").toString(),
          tmp.resolve("am-data-" + i).toString());
    }
    for (int i = 0; i < 2; i++) live.awaitReady(am[i], "/-/ready");
    for (int r = 0; r < 2; r++) {
      live.startPrometheus(prometheus, out.resolve("prometheus/lab/0/prometheus-" + r + ".yml"), Live.freePort());
    }
    int vmalertPort = Live.freePort();
    live.start("vmalert", vmalert, "-rule=" + out.resolve("prometheus/global/rules") + "/*.yml",
        "-datasource.url=http://127.0.0.1:" + vmPort, "-notifier.url=http://127.0.0.1:" + am[0],
        "-notifier.url=http://127.0.0.1:" + am[1], "-evaluationInterval=1s", "-httpListenAddr=127.0.0.1:" + vmalertPort);

    awaitDelivery("HostUnreachable", "down-01");
    awaitDelivery("HostUnreachable", "down-02");
    awaitDelivery("FleetNodesDown", null);
    // Alertmanagers that had not gossiped yet would send a second copy within their peer timeout (15 s)
    Thread.sleep(20_000);
    Map<String, Integer> counts = new TreeMap<>();
    for (JsonNode d : deliveries) {
      for (JsonNode a : d.path("alerts")) {
        if (!a.path("status").asText().equals("firing")) continue;
        counts.merge(a.path("labels").path("alertname").asText() + " " + a.path("labels").path("instance").asText(""), 1, Integer::sum);
        assertFalse(a.path("labels").has("replica"), "the replica label is dropped from alerts: " + a);
      }
    }
    assertEquals(Map.of("FleetNodesDown ", 1, "HostUnreachable down-01", 1, "HostUnreachable down-02", 1), counts,
        "each alert delivered once: " + deliveries);

    // the store: each host's up once, the replicas' copies made one
    JsonNode series = JSON.readTree(live.fetch(vmPort, "/api/v1/series?match[]=" + URLEncoder.encode("up{job=\"node\"}", StandardCharsets.UTF_8)))
        .path("data");
    assertEquals(4, series.size(), series.toString());
    for (JsonNode s : series) assertFalse(s.has("replica"), s.toString());
    // and the fleet-wide rule counted hosts, not copies: two of four are down
    JsonNode down = JSON.readTree(live.fetch(vmPort, "/api/v1/query?query=" + URLEncoder.encode("count(up{job=\"node\"} == 0)",
        StandardCharsets.UTF_8))).at("/data/result/0/value/1");
    assertEquals("2", down.asText());
  }

  private void awaitDelivery(String alertname, String instance) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      for (JsonNode d : deliveries) {
        for (JsonNode a : d.path("alerts")) {
          if (a.path("labels").path("alertname").asText().equals(alertname)
              && (instance == null || a.path("labels").path("instance").asText().equals(instance))) return;
        }
      }
      Thread.sleep(200);
    }
    fail(alertname + " " + instance + " not delivered within 60 s; got " + deliveries + "; logs in " + tmp);
  }

  private int sink() throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/", x -> {
      deliveries.add(JSON.readTree(x.getRequestBody()));
      x.sendResponseHeaders(200, -1);
      x.close();
    });
    s.start();
    servers.add(s);
    return s.getAddress().getPort();
  }

}
