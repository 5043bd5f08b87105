package dev.anvil.emit.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anvil.Live;
import dev.anvil.LiveTest;
import dev.anvil.TestSupport;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scale-out, live on 127.0.0.1: two sites of two shards, each shard two replicas: eight real
 * Prometheus servers, each started with its emitted prometheus-N.yml, scraping twelve hosts (small
 * servers of fixed node_exporter series). Every host is up in exactly one shard of its site, in both
 * of that shard's replicas; a real VictoriaMetrics receiving their remote_write holds every host's
 * series once per replica, labelled with its site.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ScaleOutTest extends LiveTest {
  private static final int HOSTS_PER_SITE = 6;


  @Test
  void everyHostIsScrapedByExactlyOneShardOfItsSiteAndStoredOncePerReplica() throws Exception {
    String prometheus = TestSupport.tool("prometheus", "prometheus");
    String store = TestSupport.tool("victoria-metrics", "victoria-metrics");
    live = new Live(tmp);
    int vmPort = Live.freePort();

    StringBuilder inventory = new StringBuilder("""
        apiVersion: anvil.dev/v1
        kind: Group
        name: infrastructure:dc1
        ---
        apiVersion: anvil.dev/v1
        kind: Group
        name: infrastructure:dc2
        """);
    StringBuilder policies = new StringBuilder("""
        apiVersion: anvil.dev/v1
        kind: Prometheus
        scrape_interval: 1s
        scrape_timeout: 1s
        evaluation_interval: 1s
        alertmanagers: ["127.0.0.1:9"]
        remote_write:
          - url: http://127.0.0.1:%d/api/v1/write
            queue: {batch_send_deadline: 1s}
        sites:
          - {name: dc1, groups: [infrastructure:dc1], shards: 2}
          - {name: dc2, groups: [infrastructure:dc2], shards: 2}
        replicas: 2
        """.formatted(vmPort));
    Map<String, String> siteOf = new TreeMap<>();
    for (String site : List.of("dc1", "dc2")) {
      for (int i = 1; i <= HOSTS_PER_SITE; i++) {
        String host = site + "-node-" + i;
        int port = live.serveMetrics("node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 100\nnode_memory_MemAvailable_bytes 1e9\n"
            + "node_memory_MemTotal_bytes 2e9\nnode_uname_info{nodename=\"" + host + "\"} 1\n");
        siteOf.put(host, site);
        inventory.append("""
            ---
            apiVersion: anvil.dev/v1
            kind: Host
            name: %s
            address: 127.0.0.1
            primary_group: infrastructure:%s/rack-1
            """.formatted(host, site));
        policies.append("""
            ---
            apiVersion: anvil.dev/v1
            kind: Policy
            host: %s
            exporters:
              node_exporter: {port: %d}
            """.formatted(host, port));
      }
      inventory.append("---\napiVersion: anvil.dev/v1\nkind: Group\nname: infrastructure:" + site + "/rack-1\n");
    }
    Path repo = tmp.resolve("repo");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml", "rules/system.yaml");
    TestSupport.writeFile(repo, "inventory/fleet.yaml", inventory.toString());
    TestSupport.writeFile(repo, "policies/policies.yaml", policies.toString());
    Path out = tmp.resolve("out");
    TestSupport.Run compile = TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString());
    assertEquals(0, compile.exit(), compile.err());
    assertTrue(Files.exists(out.resolve("prometheus/global/rules/system.yml")), "ManyNodesDown goes to the global evaluator");
    assertTrue(!Files.readString(out.resolve("prometheus/rules/system.yml")).contains("ManyNodesDown"),
        "no shard evaluates a fleet-wide rule over its part of the fleet");

    live.start("victoria-metrics", store, "-httpListenAddr=127.0.0.1:" + vmPort, "-storageDataPath=" + tmp.resolve("vm-data"),
        "-search.latencyOffset=0s");
    // site → shard → replica → the hosts that server reports up
    Map<String, Map<Integer, Map<Integer, Set<String>>>> up = new TreeMap<>();
    Map<String, Integer> ports = new HashMap<>();
    for (String site : List.of("dc1", "dc2")) {
      for (int shard = 0; shard < 2; shard++) {
        for (int replica = 0; replica < 2; replica++) {
          Path config = out.resolve("prometheus/" + site + "/" + shard + "/prometheus-" + replica + ".yml");
          int port = Live.freePort();
          live.startPrometheus(prometheus, config, port);
          ports.put(site + "/" + shard + "/" + replica, port);
        }
      }
    }
    for (var e : ports.entrySet()) {
      live.awaitReady(e.getValue(), "/-/ready");
      String[] at = e.getKey().split("/");
      up.computeIfAbsent(at[0], k -> new TreeMap<>()).computeIfAbsent(Integer.parseInt(at[1]), k -> new TreeMap<>())
          .put(Integer.parseInt(at[2]), awaitUp(e.getValue()));
    }

    Set<String> seen = new TreeSet<>();
    for (var site : up.entrySet()) {
      for (var shard : site.getValue().entrySet()) {
        Set<String> hosts = shard.getValue().get(0);
        assertEquals(hosts, shard.getValue().get(1), "both replicas of " + site.getKey() + "/" + shard.getKey() + " scrape the same hosts");
        for (String h : hosts) {
          assertEquals(site.getKey(), siteOf.get(h), h + " is scraped by its own site");
          assertTrue(seen.add(h), h + " is scraped by two shards");
        }
      }
    }
    assertEquals(siteOf.keySet(), seen, "every host is scraped");
    for (var site : up.values()) {
      for (var shard : site.values()) assertTrue(!shard.get(0).isEmpty(), "the hosts spread over both shards of a site: " + up);
    }

    // the store: each host's up once per replica, labelled with its site
    Map<String, Set<String>> replicasByHost = new TreeMap<>();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      replicasByHost.clear();
      for (JsonNode s : new ObjectMapper().readTree(live.fetch(vmPort, "/api/v1/series?match[]=" + URLEncoder.encode("up{job=\"node\"}",
          StandardCharsets.UTF_8))).path("data")) {
        String host = s.path("instance").asText();
        assertEquals(siteOf.get(host), s.path("site").asText(), s.toString());
        assertTrue(replicasByHost.computeIfAbsent(host, k -> new TreeSet<>()).add(s.path("replica").asText()), "once per replica: " + s);
      }
      if (replicasByHost.keySet().equals(siteOf.keySet()) && replicasByHost.values().stream().allMatch(r -> r.size() == 2)) break;
      Thread.sleep(500);
    }
    for (String host : siteOf.keySet()) assertEquals(Set.of("0", "1"), replicasByHost.get(host), host + " in the store: " + replicasByHost);
  }

  @Test
  void aHostOfNoSiteAndFleetWideRulesWithoutAStoreAreRefused() throws Exception {
    Path repo = TestSupport.copyOfExampleFleet(tmp.resolve("repo"));
    Path settings = repo.resolve("policies/prometheus.yaml");
    Files.writeString(settings, Files.readString(settings) + """
        sites:
          - {name: dc1, groups: [infrastructure:onprem/datacenter-01], shards: 2}
          - {name: dc2, groups: [infrastructure:onprem/datacenter-02]}
          - {name: cloud, groups: [infrastructure:aws, infrastructure:gcp]}
        """);
    TestSupport.Run r = TestSupport.anvil("-C", repo.toString(), "check");
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("error: host 'az-nd-a100-01' is in no site of kind: Prometheus; every host is scraped by the"
        + " Prometheus of exactly one site"), r.err());
    assertTrue(r.err().contains("policies/prometheus.yaml:9:3: error: fleet-wide rules (recording, system) need every host's series"), r.err());

    Files.writeString(settings, Files.readString(settings).replace("infrastructure:gcp]", "infrastructure:gcp, infrastructure:azure]")
        + "remote_write: [{url: \"https://store.example.com/api/v1/write\"}]\n");
    TestSupport.Run ok = TestSupport.anvil("-C", repo.toString(), "check");
    assertEquals(0, ok.exit(), ok.err());
  }

  /** The hosts a Prometheus reports up, once it has scraped every target it has. */
  private Set<String> awaitUp(int port) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode targets = live.get(port, "/api/v1/targets").path("data").path("activeTargets");
      Set<String> up = new TreeSet<>();
      boolean settled = targets.size() > 0;
      for (JsonNode t : targets) {
        if (!t.path("labels").path("job").asText().equals("node")) continue;
        if (t.path("health").asText().equals("up")) up.add(t.path("labels").path("instance").asText());
        else settled = false;
      }
      if (settled) return up;
      Thread.sleep(200);
    }
    fail("Prometheus on " + port + " did not scrape all its targets within 30 s");
    return null;
  }

}
