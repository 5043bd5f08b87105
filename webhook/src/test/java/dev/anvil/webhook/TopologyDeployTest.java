package dev.anvil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code anvil serve} deploying a topology: a site of two shards, each a real Prometheus on 127.0.0.1
 * started with its own emitted config from the live output (prometheus/lab/0/prometheus.yml,
 * prometheus/lab/1/…). A push goes live only when both have reloaded and confirmed it; each then
 * evaluates the new threshold from the shared rule files, and the one host is scraped by one shard.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TopologyDeployTest {
  @TempDir Path tmp;
  private Loop loop;

  @AfterEach
  void stop() throws Exception {
    loop.close();
  }

  @Test
  void everyServerOfTheTopologyReloadsAndConfirmsEachPush() throws Exception {
    loop = new Loop(tmp);
    int[] prom = {WebhookEndToEndTest.freePort(), WebhookEndToEndTest.freePort()};
    int port = WebhookEndToEndTest.freePort();
    String topology = """
        sites: [{name: lab, groups: [infrastructure:lab], shards: 2}]
        remote_write: [{url: "http://127.0.0.1:9/api/v1/write"}]""";
    Path repo = loop.repo(80, "http://127.0.0.1:9/hook");
    Loop.writeFleet(repo, 80, "http://127.0.0.1:9/hook", topology);
    String first = loop.commit("two shards, threshold 80");
    Path config = loop.serveConfig(port, repo.toString(), """
        prometheus:
          - {url: "http://127.0.0.1:%d"}
          - {url: "http://127.0.0.1:%d"}
        poll_interval: 1h
        retry_max: 1s
        """.formatted(prom[0], prom[1]));
    loop.serveInProcess(config);
    Path live = tmp.resolve("work/live");
    Loop.await(() -> Files.exists(live.resolve("prometheus/lab/1/prometheus.yml")), 60, "first output live");
    for (int shard = 0; shard < 2; shard++) {
      loop.prometheus(live.resolve("prometheus/lab/" + shard + "/prometheus.yml"), prom[shard], "prom-" + shard);
    }
    loop.awaitStatus(port, s -> first.equals(s.path("live_commit").asText()), 90, "first confirmed by both shards");

    Loop.writeFleet(repo, 70, "http://127.0.0.1:9/hook", topology);
    String second = loop.commit("threshold 70");
    assertEquals(202, loop.push(port));
    JsonNode s = loop.awaitStatus(port, st -> second.equals(st.path("live_commit").asText()), 60, "second confirmed by both");
    assertEquals("deployed", s.path("last_attempt").path("outcome").asText(), s.toString());
    for (int p : prom) {
      assertTrue(loop.rules(p).contains("threshold=70") && !loop.rules(p).contains("threshold=80"), "shard on " + p + " runs the push");
    }
    // file_sd is read a moment after a start: then one shard, and only one, has the host
    Loop.await(() -> scraping(prom) == 1, 30, "web-01 scraped by one shard");
    Thread.sleep(2000);
    assertEquals(1, scraping(prom), "web-01 is scraped by exactly one shard");
  }

  private int scraping(int[] prom) throws Exception {
    int n = 0;
    for (int p : prom) if (loop.get(p, "/api/v1/targets").body().contains("\"instance\":\"web-01\"")) n++;
    return n;
  }
}
