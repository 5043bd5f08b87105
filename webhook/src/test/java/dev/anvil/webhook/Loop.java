package dev.anvil.webhook;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jgit.api.Git;

/**
 * The pieces of a deploy loop on 127.0.0.1 that the service's tests share: a one-host config
 * repository, real Prometheus and Alertmanager processes, signed pushes, polling /status.
 */
final class Loop implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SECRET = "webhook-secret";

  final Path tmp;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final List<Process> processes = new ArrayList<>();
  private final List<WebhookServer> services = new ArrayList<>();
  Git git;

  Loop(Path tmp) {
    this.tmp = tmp;
  }

  /** A git repository at tmp/repo holding a one-host fleet with CPU threshold {@code threshold}. */
  Path repo(int threshold, String receiverUrl) throws Exception {
    Path repo = tmp.resolve("repo");
    if (git == null) git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
    writeFleet(repo, threshold, receiverUrl, "");
    return repo;
  }

  /**
   * The one-host fleet of the service's tests: host web-01 on 127.0.0.1, the repository's system and
   * exporter rules, CPU threshold {@code threshold}, one webhook receiver, and {@code prometheus}
   * lines added to the Prometheus settings.
   */
  static void writeFleet(Path repo, int threshold, String receiverUrl, String prometheus) throws IOException {
    Files.createDirectories(repo.resolve("rules"));
    Files.createDirectories(repo.resolve("inventory"));
    Files.createDirectories(repo.resolve("policies"));
    for (String f : List.of("exporters.yaml", "system.yaml")) {
      Files.copy(WebhookEndToEndTest.ROOT.resolve("rules").resolve(f), repo.resolve("rules").resolve(f),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Files.writeString(repo.resolve("inventory/fleet.yaml"), dev.anvil.TestSupport.LAB_GROUP + """
        apiVersion: anvil.dev/v1
        kind: Host
        name: web-01
        address: 127.0.0.1
        primary_group: infrastructure:lab
        """);
    Files.writeString(repo.resolve("policies/policy.yaml"), """
        apiVersion: anvil.dev/v1
        kind: Policy
        group: infrastructure:lab
        alerts:
          cpu_high: {threshold: %d}
        ---
        apiVersion: anvil.dev/v1
        kind: Prometheus
        scrape_interval: 30s
        evaluation_interval: 1s
        %s
        ---
        apiVersion: anvil.dev/v1
        kind: Alerting
        receiver: hook
        ---
        apiVersion: anvil.dev/v1
        kind: Receiver
        name: hook
        webhook: {url: "%s"}
        """.formatted(threshold, prometheus, receiverUrl));
  }

  /**
   * tmp/serve.yaml: the service on {@code port} with tmp/work, building {@code repository}, the
   * webhook secret in a file, then the lines of {@code extra}.
   */
  Path serveConfig(int port, String repository, String extra) throws IOException {
    Files.writeString(tmp.resolve("github.secret"), SECRET + "\n");
    return Files.writeString(tmp.resolve("serve.yaml"), """
        listen: {host: 127.0.0.1, port: %d}
        repository: %s
        work_dir: %s
        github_secret_file: github.secret
        %s
        """.formatted(port, repository, tmp.resolve("work"), extra));
  }

  /** anvil serve in this JVM, started; {@link #close} stops it. */
  WebhookServer serveInProcess(Path config) throws Exception {
    WebhookServer service = new WebhookServer(ServiceConfig.load(config));
    services.add(service);
    service.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return service;
  }

  String commit(String message) throws Exception {
    git.add().addFilepattern(".").call();
    return git.commit().setMessage(message).setAuthor("test", "test@example.com").call().getName();
  }

  /** Prometheus reading {@code config}, listening on {@code port}. */
  Process prometheus(Path config, int port, String name, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(WebhookEndToEndTest.tool("prometheus", "prometheus"),
        "--config.file=" + config, "--storage.tsdb.path=" + tmp.resolve(name + "-data"),
        "--web.listen-address=127.0.0.1:" + port, "--web.enable-lifecycle"));
    cmd.addAll(List.of(extra));
    return start(name, cmd);
  }

  Process alertmanager(Path config, int port, String name) throws IOException {
    return start(name, List.of(WebhookEndToEndTest.tool("prometheus-alertmanager", "prometheus-alertmanager"),
        "--config.file=" + config, "--storage.path=" + tmp.resolve(name + "-data"),
        "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="));
  }

  /** {@code anvil serve} as its own process (so that it can be killed), its output in tmp/service.log. */
  Process service(Path config) throws IOException {
    return start("service", List.of("java", "-cp", System.getProperty("java.class.path"), WebhookServer.class.getName(),
        "--config", config.toString()));
  }

  private Process start(String name, List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve(name + ".log").toFile())).start();
    processes.add(p);
    return p;
  }

  void awaitReady(int port) throws Exception {
    await(() -> get(port, "/-/ready").statusCode() == 200, 30, "ready on " + port);
  }

  HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode status(int port) throws IOException, InterruptedException {
    return JSON.readTree(get(port, "/status").body());
  }

  JsonNode awaitStatus(int port, Predicate<JsonNode> condition, int seconds, String what) throws Exception {
    JsonNode[] last = {null};
    await(() -> condition.test(last[0] = status(port)), seconds, what + "; status: " + last[0]);
    return last[0];
  }

  String rules(int promPort) throws IOException, InterruptedException {
    return get(promPort, "/api/v1/rules").body();
  }

  /** A signed push event; each body is distinct (as real ones are: they name the commit). */
  int push(int port) throws Exception {
    byte[] b = body("main");
    return send(port, b, Signatures.githubHeader(b, SECRET.getBytes(StandardCharsets.UTF_8)), UUID.randomUUID().toString())
        .statusCode();
  }

  static byte[] body(String branch) {
    return ("{\"ref\":\"refs/heads/" + branch + "\",\"after\":\"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  HttpResponse<String> send(int port, byte[] body, String signature, String delivery) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/git"))
        .header("X-GitHub-Event", "push").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (delivery != null) r.header("X-GitHub-Delivery", delivery);
    if (signature != null) r.header("X-Hub-Signature-256", signature);
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  interface Check {
    boolean holds() throws Exception;
  }

  /** Polls until {@code check} holds; connection errors count as "not yet". */
  static void await(Check check, int seconds, String what) throws Exception {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (check.holds()) return;
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    fail(what + " not reached within " + seconds + " s");
  }

  @Override
  public void close() throws Exception {
    for (WebhookServer s : services) s.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (Process p : processes) p.destroy();
    for (Process p : processes) if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
    if (git != null) git.close();
  }
}
