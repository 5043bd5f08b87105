package dev.anvil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on 127.0.0.1: a real git repository (made here), the service, and real Prometheus
 * and Alertmanager (Debian packages prometheus, prometheus-alertmanager) reading the live output.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WebhookEndToEndTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path ROOT = Path.of(System.getProperty("anvil.repoRoot", "..")).toAbsolutePath().normalize();
  static final String SECRET = "webhook-secret";

  @TempDir Path tmp;
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private WebhookServer service;
  private Git git;
  private int promPort;
  private int amPort;

  @AfterEach
  void stop() throws Exception {
    if (service != null) service.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (Process p : processes) p.destroy();
    for (Process p : processes) if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
    if (git != null) git.close();
  }

  @Test
  void pushesGoLiveBadOnesDoNotBurstsCoalesceAndForgeriesChangeNothing() throws Exception {
    String prometheus = tool("prometheus", "prometheus");
    String alertmanager = tool("prometheus-alertmanager", "prometheus-alertmanager");
    promPort = freePort();
    amPort = freePort();
    Path repo = tmp.resolve("repo");
    git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
    writeRepo(repo, 80, "10s");
    String first = commit("initial fleet");

    startService();
    Path work = tmp.resolve("work");
    // nothing is confirmed until the consumers accept it, but the first verified output goes live so that they can start
    long until = System.currentTimeMillis() + 60_000;
    while (!Files.exists(work.resolve("live/prometheus/prometheus.yml")) && System.currentTimeMillis() < until) Thread.sleep(50);
    start(prometheus, "--config.file=" + work.resolve("live/prometheus/prometheus.yml"),
        "--storage.tsdb.path=" + tmp.resolve("prom-data"), "--web.listen-address=127.0.0.1:" + promPort,
        "--web.enable-lifecycle");
    start(alertmanager, "--config.file=" + work.resolve("live/alertmanager/alertmanager.yml"),
        "--storage.path=" + tmp.resolve("am-data"), "--web.listen-address=127.0.0.1:" + amPort,
        "--cluster.listen-address=");
    awaitReady(promPort);
    awaitReady(amPort);
    awaitStatus(s -> first.equals(s.path("live_commit").asText()), "first deploy confirmed by both");
    assertTrue(rules().contains("threshold=80"));

    // a signed push of a threshold change is live in Prometheus; three times, five times, for the latency
    List<Double> latencies = new ArrayList<>();
    for (int threshold : new int[] {70, 68, 65, 62, 60}) {
      writeRepo(repo, threshold, "10s");
      String c = commit("threshold " + threshold);
      long t0 = System.nanoTime();
      assertEquals(202, push(SECRET).statusCode());
      awaitRules("threshold=" + threshold);
      latencies.add((System.nanoTime() - t0) / 1e9);
      awaitStatus(s -> c.equals(s.path("live_commit").asText()), "live commit " + c);
    }
    Collections.sort(latencies);
    String report = String.format("push -> live in Prometheus (example-size repo): median %.2f s of %s%n",
        latencies.get(2), latencies);
    System.out.print(report);
    Files.writeString(ROOT.resolve("webhook/target/push-to-live-latency.txt"), report);
    String live = status().path("live_commit").asText();

    // a push that fails `anvil check`: nothing changes, /status says why
    Files.writeString(repo.resolve("policies/policy.yaml"), "apiVersion: anvil.dev/v1\nkind: Policy\ngroup: [\n");
    String invalid = commit("broken YAML");
    push(SECRET);
    JsonNode s1 = awaitStatus(s -> invalid.equals(s.path("last_attempt").path("commit").asText()), "invalid attempt");
    assertEquals("invalid", s1.path("last_attempt").path("outcome").asText());
    assertTrue(s1.path("last_attempt").path("diagnostics").get(0).asText().contains("policies/policy.yaml:"), s1.toString());
    assertEquals(live, s1.path("live_commit").asText());

    // a push Prometheus would refuse (scrape timeout above the interval) never goes live: anvil check
    // knows the rule, and promtool judges every output before the switch
    writeRepo(repo, 55, "1m");
    String refused = commit("timeout above interval");
    push(SECRET);
    JsonNode s2 = awaitStatus(s -> refused.equals(s.path("last_attempt").path("commit").asText()), "refused attempt");
    assertEquals("invalid", s2.path("last_attempt").path("outcome").asText(), s2.toString());
    assertTrue(s2.path("last_attempt").path("diagnostics").get(0).asText().contains("scrape_timeout 1m is longer than"
        + " scrape_interval"), s2.toString());
    assertEquals(live, s2.path("live_commit").asText());
    assertTrue(Files.readSymbolicLink(work.resolve("live")).endsWith(live), "the live symlink never moved");
    assertTrue(rules().contains("threshold=60") && !rules().contains("threshold=55"));
    assertTrue(metricsOf(promPort).contains("prometheus_config_last_reload_successful 1"), "Prometheus never saw it");

    // a forged push changes nothing; nor do unsigned, replayed, oversized or other-branch ones
    writeRepo(repo, 50, "10s");
    commit("would be threshold 50");
    long builds = status().path("builds").asLong();
    assertEquals(403, push("not-the-secret").statusCode());
    assertEquals(401, send(body("main"), null, UUID.randomUUID().toString()).statusCode());
    String delivery = UUID.randomUUID().toString();
    byte[] otherBranch = body("feature");
    assertEquals(202, send(otherBranch, Signatures.githubHeader(otherBranch, SECRET.getBytes()), delivery).statusCode());
    assertEquals(409, send(otherBranch, Signatures.githubHeader(otherBranch, SECRET.getBytes()), delivery).statusCode());
    byte[] huge = new byte[2 << 20];
    assertEquals(413, send(huge, Signatures.githubHeader(huge, SECRET.getBytes()), UUID.randomUUID().toString()).statusCode());
    Thread.sleep(1500);
    assertEquals(builds, status().path("builds").asLong(), "no build ran");
    assertEquals(live, status().path("live_commit").asText());

    // a burst of 20 pushes (deliveries arriving together, as after a series of merges): at most two
    // builds, ending on the newest commit
    String newest = null;
    for (int i = 0; i < 20; i++) {
      writeRepo(repo, 40 + i, "10s");
      newest = commit("burst " + i);
    }
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] b = body("main");
      burst.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/hooks/git"))
          .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", UUID.randomUUID().toString())
          .header("X-Hub-Signature-256", Signatures.githubHeader(b, SECRET.getBytes(StandardCharsets.UTF_8)))
          .POST(HttpRequest.BodyPublishers.ofByteArray(b)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (var f : burst) assertEquals(202, f.get().statusCode());
    String last = newest;
    JsonNode s3 = awaitStatus(s -> last.equals(s.path("live_commit").asText()), "burst ends on the newest commit");
    Thread.sleep(1000);
    long burstBuilds = status().path("builds").asLong() - builds;
    assertTrue(burstBuilds >= 1 && burstBuilds <= 2, "builds for a burst of 20: " + burstBuilds);
    awaitRules("threshold=59");
    assertNotEquals(live, s3.path("live_commit").asText());

    // the manual rebuild needs its token
    assertEquals(401, reload(null));
    assertEquals(403, reload("wrong"));
    long before = status().path("builds").asLong();
    assertEquals(202, reload("reload-me"));
    awaitStatus(s -> s.path("builds").asLong() > before, "manual rebuild");
    assertEquals("unchanged", status().path("last_attempt").path("outcome").asText());

    // a restart resumes from the live commit without deploying again
    service.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    service = null;
    startService();
    JsonNode s4 = status();
    assertEquals(last, s4.path("live_commit").asText());
    // the start reconciles: it fetches the branch head, finds it live and confirmed, and changes nothing
    JsonNode s5 = awaitStatus(s -> s.path("builds").asLong() >= 1, "the reconciling build on start");
    assertEquals("unchanged", s5.path("last_attempt").path("outcome").asText(), s5.toString());
    assertEquals(last, s5.path("live_commit").asText());
  }

  private void writeRepo(Path repo, int threshold, String scrapeTimeout) throws IOException {
    Loop.writeFleet(repo, threshold, "http://127.0.0.1:9/alerts",
        "scrape_timeout: " + scrapeTimeout + "\nalertmanagers: [\"127.0.0.1:" + amPort + "\"]");
  }

  private String commit(String message) throws Exception {
    git.add().addFilepattern(".").call();
    return git.commit().setMessage(message).setAuthor("test", "test@example.com").call().getName();
  }

  private void startService() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    Files.writeString(tmp.resolve("github.secret"), SECRET + "\n");
    int port = freePort();
    Files.writeString(tmp.resolve("serve.yaml"), """
        listen: {host: 127.0.0.1, port: %d}
        repository: %s
        branch: main
        work_dir: %s
        prometheus: {url: "http://127.0.0.1:%d"}
        alertmanager: {url: "http://127.0.0.1:%d"}
        github_secret_file: github.secret
        reload_token_file: reload.token
        poll_interval: 1h
        """.formatted(port, tmp.resolve("repo"), work, promPort, amPort));
    Files.writeString(tmp.resolve("reload.token"), "reload-me\n");
    service = new WebhookServer(ServiceConfig.load(tmp.resolve("serve.yaml")));
    service.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static byte[] body(String branch) {
    return Loop.body(branch);
  }

  private HttpResponse<String> push(String secret) throws Exception {
    byte[] b = body("main");
    return send(b, Signatures.githubHeader(b, secret.getBytes(StandardCharsets.UTF_8)), UUID.randomUUID().toString());
  }

  private HttpResponse<String> send(byte[] body, String signature, String delivery) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/hooks/git"))
        .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) r.header("X-Hub-Signature-256", signature);
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private int reload(String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/hooks/reload"))
        .POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) r.header("Authorization", "Bearer " + token);
    return http.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private JsonNode status() throws Exception {
    return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/status"))
        .build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private JsonNode awaitStatus(Predicate<JsonNode> condition, String what) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    JsonNode s = null;
    while (System.currentTimeMillis() < deadline) {
      s = status();
      if (condition.test(s)) return s;
      Thread.sleep(50);
    }
    fail(what + " not reached; status: " + s);
    return null;
  }

  private String rules() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + promPort + "/api/v1/rules")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private void awaitRules(String needle) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (rules().contains(needle)) return;
      Thread.sleep(20);
    }
    fail(needle + " never reached Prometheus' rules");
  }

  private String metricsOf(int port) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private void start(String... command) throws IOException {
    processes.add(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(tmp.resolve(Path.of(command[0]).getFileName() + ".log").toFile()).start());
  }

  private void awaitReady(int port) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not yet listening
      }
      Thread.sleep(100);
    }
    fail("not ready: " + port);
  }

  static String tool(String name, String pkg) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
    }
    fail("'" + name + "' is not installed: install the Debian package '" + pkg + "'");
    return null;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
