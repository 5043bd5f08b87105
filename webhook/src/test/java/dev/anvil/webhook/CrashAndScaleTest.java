package dev.anvil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as a real process on a 10k-host synthetic fleet (addresses rewritten to loopback):
 * push-to-live latency in a real Prometheus, and a SIGKILL while a new output is being written must
 * leave the live output complete and in force; the restarted service resumes from it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CrashAndScaleTest {
  static final Path ROOT = WebhookEndToEndTest.ROOT;
  static final String SECRET = "s";
  @TempDir Path tmp;
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private Process service;
  private int port;

  @AfterEach
  void stop() throws InterruptedException {
    if (service != null) processes.add(service);
    for (Process p : processes) p.destroy();
    for (Process p : processes) if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
  }

  @Test
  void aKilledBuildLeavesTheLiveOutputIntactAndTenThousandHostsGoLiveQuickly() throws Exception {
    String prometheus = WebhookEndToEndTest.tool("prometheus", "prometheus");
    Path repo = tmp.resolve("repo");
    var gen = new ProcessBuilder("java", ROOT.resolve("test/bench/GenerateFleet.java").toString(), "10000", repo.toString(),
        ROOT.toString()).inheritIO().start();
    assertEquals(0, gen.waitFor());
    loopbackOnly(repo);
    int promPort = WebhookEndToEndTest.freePort();
    Files.writeString(repo.resolve("policies/prometheus.yaml"), """
        apiVersion: anvil.dev/v1
        kind: Prometheus
        scrape_interval: 5m
        evaluation_interval: 1m
        """);
    Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
    String first = commit(git, repo, null);

    Path work = tmp.resolve("work");
    startService(serveConfig("serve.yaml", repo, work, promPort));
    awaitLiveFile(work, 120);
    startPrometheus(prometheus, work, promPort, "prom");
    awaitStatus(s -> first.equals(s.path("live_commit").asText()), 120);
    awaitRules(promPort, "anvil_cpu_high", 60);

    // push-to-live at 10k hosts: one group's CPU threshold changes
    List<Double> latencies = new ArrayList<>();
    for (int t : new int[] {71, 72, 73, 74, 76}) {  // none of the generated groups' thresholds (75, 80, ...)
      commit(git, repo, t);
      long t0 = System.nanoTime();
      assertEquals(202, push());
      awaitRules(promPort, "threshold=" + t, 120);
      latencies.add((System.nanoTime() - t0) / 1e9);
    }
    Collections.sort(latencies);
    String report = String.format("push -> live in Prometheus (10k-host fleet): median %.2f s of %s%n", latencies.get(2), latencies);
    System.out.print(report);
    Files.writeString(ROOT.resolve("webhook/target/push-to-live-latency-10k.txt"), report);
    Path liveTarget = Files.readSymbolicLink(work.resolve("live"));
    String live = liveTarget.getFileName().toString();  // the output directory is named by its commit

    // kill -9 while the next output is being written
    String next = commit(git, repo, 77);
    assertEquals(202, push());
    Path outputs = work.resolve("outputs");
    long deadline = System.currentTimeMillis() + 60_000;
    while (!writing(outputs)) {
      if (System.currentTimeMillis() > deadline) fail("never saw the output being written");
      Thread.onSpinWait();
    }
    service.destroyForcibly().waitFor();
    service = null;
    assertEquals(liveTarget, Files.readSymbolicLink(work.resolve("live")), "live still points at the old output");
    assertTrue(Files.isRegularFile(work.resolve("live/prometheus/prometheus.yml")));
    assertTrue(Files.size(work.resolve("live/prometheus/targets/node.json")) > 1_000_000, "old output complete");
    assertTrue(rules(promPort).contains("threshold=76"), "Prometheus still runs the old rules");

    startService();
    assertEquals(live, status().path("live_commit").asText(), "restart resumes from the live commit");
    // the start builds the branch head: the killed build's commit goes live without another push
    awaitStatus(s -> next.equals(s.path("live_commit").asText()), 120);
    awaitRules(promPort, "threshold=77", 60);
  }

  /** The example fleet of this repository, its addresses moved to loopback; Prometheus only (its receivers are remote). */
  @Test
  void theExampleFleetGoesLiveWithinTheMeasuredLatency() throws Exception {
    String prometheus = WebhookEndToEndTest.tool("prometheus", "prometheus");
    Path repo = tmp.resolve("example");
    for (String dir : List.of("inventory", "policies", "rules")) {
      try (Stream<Path> s = Files.walk(ROOT.resolve(dir))) {
        for (Path p : (Iterable<Path>) s::iterator) {
          Path target = repo.resolve(ROOT.relativize(p).toString());
          if (Files.isDirectory(p)) Files.createDirectories(target);
          else Files.writeString(target, Files.readString(p).replaceAll("address: [0-9.]+", "address: 127.0.0.1"));
        }
      }
    }
    int promPort = WebhookEndToEndTest.freePort();
    Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
    String first = commitAll(git);
    Path work = tmp.resolve("work-example");
    startService(serveConfig("serve-example.yaml", repo, work, promPort));
    awaitLiveFile(work, 60);
    startPrometheus(prometheus, work, promPort, "prom-example");
    awaitStatus(s -> first.equals(s.path("live_commit").asText()), 60);
    awaitRules(promPort, "threshold=70", 60);
    List<Double> latencies = new ArrayList<>();
    Path production = repo.resolve("policies/environment/production.yaml");
    for (int t : new int[] {71, 72, 73, 74, 76}) {  // 75 is another group's
      Files.writeString(production, Files.readString(production).replaceFirst("threshold: [0-9]+", "threshold: " + t));
      commitAll(git);
      long t0 = System.nanoTime();
      assertEquals(202, push());
      awaitRules(promPort, "threshold=" + t, 60);
      latencies.add((System.nanoTime() - t0) / 1e9);
    }
    Collections.sort(latencies);
    String report = String.format("push -> live in Prometheus (example fleet): median %.2f s of %s%n", latencies.get(2), latencies);
    System.out.print(report);
    Files.writeString(ROOT.resolve("webhook/target/push-to-live-latency-example.txt"), report);
  }

  private static String commitAll(Git git) throws Exception {
    git.add().addFilepattern(".").call();
    return git.commit().setMessage("change").setAuthor("t", "t@example.com").call().getName();
  }

  /** A new output is being written: OutputWriter's temporary directory exists. */
  private static boolean writing(Path outputs) throws IOException {
    if (!Files.isDirectory(outputs)) return false;
    try (Stream<Path> s = Files.list(outputs)) {
      return s.anyMatch(p -> p.getFileName().toString().contains(".new-"));
    }
  }

  /** The synthetic fleet's 10.x addresses become 127.x: nothing here may be scraped off this machine. */
  private static void loopbackOnly(Path repo) throws IOException {
    try (Stream<Path> s = Files.walk(repo.resolve("inventory"))) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        Files.writeString(p, Files.readString(p).replace("address: 10.", "address: 127."));
      }
    }
  }

  /** Commits the repo; with a threshold, first sets the first infrastructure group's CPU threshold. */
  private static String commit(Git git, Path repo, Integer threshold) throws Exception {
    if (threshold != null) {
      Path p = repo.resolve("policies/policies.yaml");
      String text = Files.readString(p);
      Files.writeString(p, text.replaceFirst("cpu_high: \\{threshold: [0-9]+\\}", "cpu_high: {threshold: " + threshold + "}"));
    }
    return commitAll(git);
  }

  private void startService() throws IOException {
    startService(tmp.resolve("serve.yaml"));
  }

  /** The service's config, on a fresh port, with Prometheus as its only reload target. */
  private Path serveConfig(String name, Path repo, Path work, int promPort) throws IOException {
    port = WebhookEndToEndTest.freePort();
    Files.writeString(tmp.resolve("secret"), SECRET);
    return Files.writeString(tmp.resolve(name), """
        listen: {host: 127.0.0.1, port: %d}
        repository: %s
        work_dir: %s
        prometheus: {url: "http://127.0.0.1:%d"}
        github_secret_file: secret
        poll_interval: 1h
        """.formatted(port, repo, work, promPort));
  }

  private void startPrometheus(String prometheus, Path work, int promPort, String name) throws IOException {
    processes.add(new ProcessBuilder(prometheus, "--config.file=" + work.resolve("live/prometheus/prometheus.yml"),
        "--storage.tsdb.path=" + tmp.resolve(name), "--web.listen-address=127.0.0.1:" + promPort, "--web.enable-lifecycle")
        .redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile()).start());
  }

  private void startService(Path config) throws IOException {
    service = new ProcessBuilder("java", "-cp", System.getProperty("java.class.path"), WebhookServer.class.getName(),
        "--config", config.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("service.log").toFile())).start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        status();
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          throw new IOException(ie);
        }
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    }
    fail("service did not start; see " + tmp.resolve("service.log"));
  }

  private void awaitLiveFile(Path work, int seconds) throws Exception {
    Loop.await(() -> Files.exists(work.resolve("live/prometheus/prometheus.yml")), seconds, "first output live");
  }

  private int push() throws Exception {
    byte[] b = Loop.body("main");
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/git"))
        .header("X-GitHub-Delivery", UUID.randomUUID().toString())
        .header("X-Hub-Signature-256", Signatures.githubHeader(b, SECRET.getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofByteArray(b)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private JsonNode status() throws IOException, InterruptedException {
    return new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
        .build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private void awaitStatus(java.util.function.Predicate<JsonNode> condition, int seconds) throws Exception {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      if (condition.test(status())) return;
      Thread.sleep(50);
    }
    fail("status never reached the condition: " + status());
  }

  private String rules(int promPort) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + promPort + "/api/v1/rules")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private void awaitRules(int promPort, String needle, int seconds) throws Exception {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (rules(promPort).contains(needle)) return;
      } catch (IOException e) {
        // Prometheus still starting
      }
      Thread.sleep(20);
    }
    fail(needle + " never reached Prometheus' rules");
  }
}
