package dev.anvil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code anvil serve} as a reconciler, against real Prometheus and Alertmanager processes on
 * 127.0.0.1: it converges after a SIGKILL at the worst moment, builds what it missed while down,
 * never lets an unconfirmed output stand, and never waits forever on a Git host.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReconcilerTest {
  @TempDir Path tmp;
  private Loop loop;
  private final List<AutoCloseable> closers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    loop = new Loop(tmp);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closers) c.close();
    loop.close();
  }

  private Path live(String file) {
    return tmp.resolve("work/live").resolve(file);
  }

  @Test
  void aKillBetweenSwitchAndConfirmationConvergesToWhatPrometheusRuns() throws Exception {
    int promPort = WebhookEndToEndTest.freePort();
    int port = WebhookEndToEndTest.freePort();
    HeldReloads proxy = new HeldReloads(promPort);
    closers.add(proxy);
    loop.repo(80, "http://127.0.0.1:9/hook");
    String first = loop.commit("threshold 80");
    Path config = loop.serveConfig(port, tmp.resolve("repo").toString(), """
        prometheus: {url: "http://127.0.0.1:%d"}
        poll_interval: 1h
        timeouts: {reload: 5s}
        """.formatted(proxy.port()));

    // first start, Prometheus not yet running: the verified output goes live so that it can start,
    // but it is not reported live until Prometheus has accepted it
    Process service = loop.service(config);
    Loop.await(() -> Files.exists(live("prometheus/prometheus.yml")), 60, "first output live");
    JsonNode waiting = loop.awaitStatus(port, s -> s.path("state").asText().startsWith("pending:"), 30, "pending");
    assertTrue(waiting.path("state").asText().contains("unreachable"), waiting.toString());
    assertTrue(waiting.path("live_commit").isNull(), "nothing is confirmed yet: " + waiting);
    loop.prometheus(live("prometheus/prometheus.yml"), promPort, "prom");
    loop.awaitStatus(port, s -> first.equals(s.path("live_commit").asText()), 60, "first confirmed once Prometheus is up");
    assertTrue(loop.rules(promPort).contains("threshold=80"));

    // the next push is killed while its reload is held open: live is switched, not confirmed
    proxy.hold.set(true);
    loop.repo(70, "http://127.0.0.1:9/hook");
    String second = loop.commit("threshold 70");
    assertEquals(202, loop.push(port));
    assertTrue(proxy.held.await(60, TimeUnit.SECONDS), "the reload reached the proxy");
    assertEquals(first, loop.status(port).path("live_commit").asText(), "/status names only what is confirmed");
    service.destroyForcibly().waitFor();
    assertTrue(Files.readSymbolicLink(tmp.resolve("work/live")).endsWith(second), "killed after the switch");
    assertTrue(Files.readString(tmp.resolve("work/state.json")).contains("\"SWITCHED\""));
    assertTrue(loop.rules(promPort).contains("threshold=80"), "Prometheus never got the reload");

    // restart: the unconfirmed live output is reloaded and confirmed
    proxy.hold.set(false);
    proxy.release();
    service = loop.service(config);
    loop.awaitStatus(port, s -> second.equals(s.path("live_commit").asText()), 60, "second confirmed after restart");
    assertTrue(loop.rules(promPort).contains("threshold=70"), "what /status names is what Prometheus runs");

    // a push made while the service is down is live after the restart (the start builds the branch head)
    service.destroyForcibly().waitFor();
    loop.repo(65, "http://127.0.0.1:9/hook");
    String third = loop.commit("threshold 65 while the service is down");
    long t0 = System.nanoTime();
    loop.service(config);
    loop.awaitStatus(port, s -> third.equals(s.path("live_commit").asText()), 60, "missed push live after restart");
    double converge = (System.nanoTime() - t0) / 1e9;
    assertTrue(loop.rules(promPort).contains("threshold=65"));
    String report = String.format("restart -> missed push live and confirmed: %.2f s (JVM start included)%n", converge);
    System.out.print(report);
    Files.writeString(WebhookEndToEndTest.ROOT.resolve("webhook/target/converge-after-restart.txt"), report);
  }

  @Test
  void whilePrometheusIsDownNothingUnconfirmedGoesLiveAndTheDeployWaitsForIt() throws Exception {
    int promPort = WebhookEndToEndTest.freePort();
    int port = WebhookEndToEndTest.freePort();
    loop.repo(80, "http://127.0.0.1:9/hook");
    String first = loop.commit("threshold 80");
    Path config = loop.serveConfig(port, tmp.resolve("repo").toString(), """
        prometheus: {url: "http://127.0.0.1:%d"}
        poll_interval: 1h
        retry_max: 1s
        """.formatted(promPort));
    loop.serveInProcess(config);
    Loop.await(() -> Files.exists(live("prometheus/prometheus.yml")), 60, "first output live");
    Process prometheus = loop.prometheus(live("prometheus/prometheus.yml"), promPort, "prom");
    loop.awaitStatus(port, s -> first.equals(s.path("live_commit").asText()), 60, "first confirmed");

    prometheus.destroy();
    prometheus.waitFor();
    // a commit promtool refuses (scrape timeout above the interval): never live
    Path policy = tmp.resolve("repo/policies/policy.yaml");
    Files.writeString(policy, Files.readString(policy).replace("scrape_interval: 30s", "scrape_interval: 30s\nscrape_timeout: 1m"));
    String refused = loop.commit("timeout above interval");
    assertEquals(202, loop.push(port));
    JsonNode s1 = loop.awaitStatus(port, s -> refused.equals(s.path("last_attempt").path("commit").asText()), 60, "judged");
    assertEquals("invalid", s1.path("last_attempt").path("outcome").asText(), s1.toString());
    assertTrue(Files.readSymbolicLink(tmp.resolve("work/live")).endsWith(first));

    // a valid commit waits for Prometheus, with the last confirmed output live meanwhile
    loop.repo(60, "http://127.0.0.1:9/hook");
    String next = loop.commit("threshold 60");
    assertEquals(202, loop.push(port));
    JsonNode s2 = loop.awaitStatus(port, s -> s.path("state").asText().startsWith("pending:"), 60, "pending");
    assertTrue(s2.path("state").asText().contains("prometheus http://127.0.0.1:" + promPort + " unreachable"), s2.toString());
    assertEquals(first, s2.path("live_commit").asText());
    assertTrue(Files.readSymbolicLink(tmp.resolve("work/live")).endsWith(first), "unconfirmed output never live");
    loop.prometheus(live("prometheus/prometheus.yml"), promPort, "prom2");
    loop.awaitStatus(port, s -> next.equals(s.path("live_commit").asText()), 60, "deployed once Prometheus is back");
    Loop.await(() -> loop.rules(promPort).contains("threshold=60"), 30, "threshold 60 in Prometheus");
    String metrics = loop.get(port, "/metrics").body();
    assertTrue(metrics.contains("anvil_serve_builds_total{outcome=\"pending\"}"), metrics);
    assertTrue(metrics.contains("anvil_serve_confirmed_commit_info{commit=\"" + next + "\"} 1"), metrics);
  }

  @Test
  void aGitHostThatNeverAnswersTimesOutAndTheNextPushProceeds() throws Exception {
    String git = WebhookEndToEndTest.tool("git", "git");
    Path repo = loop.repo(80, "http://127.0.0.1:9/hook");
    loop.commit("one host");
    int daemonPort = WebhookEndToEndTest.freePort();
    Process daemon = new ProcessBuilder(git, "daemon", "--export-all", "--reuseaddr", "--listen=127.0.0.1",
        "--port=" + daemonPort, "--base-path=" + tmp, tmp.toString()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("git-daemon.log").toFile()).start();
    loop.processes.add(daemon);
    Relay relay = new Relay(daemonPort);
    closers.add(relay);
    relay.hang.set(true);
    int port = WebhookEndToEndTest.freePort();
    Path config = loop.serveConfig(port, "git://127.0.0.1:" + relay.port() + "/repo", """
        poll_interval: 1h
        timeouts: {git: 4s, build: 2s}
        """);
    loop.serveInProcess(config);

    JsonNode s = loop.awaitStatus(port, st -> "timeout".equals(st.path("last_attempt").path("outcome").asText()), 30,
        "the build against a silent Git host timed out");
    assertTrue(relay.accepted.get() >= 1, "the Git host was reached and held the connection");
    HttpResponse<String> health = loop.get(port, "/healthz");
    assertEquals(503, health.statusCode(), health.body());
    assertTrue(loop.get(port, "/metrics").body().contains("anvil_serve_builds_total{outcome=\"timeout\"} 1.0"));
    assertTrue(s.path("live_commit").isNull());

    relay.hang.set(false);
    assertEquals(202, loop.push(port));
    loop.awaitStatus(port, st -> "deployed".equals(st.path("last_attempt").path("outcome").asText()), 60, "next push deployed");
    assertEquals(200, loop.get(port, "/healthz").statusCode());
    assertTrue(Files.isRegularFile(live("prometheus/prometheus.yml")));
    assertTrue(repo.toFile().isDirectory());
  }

  @Test
  void twoPrometheusAndTwoAlertmanagersOneRefusingRollsBackAll() throws Exception {
    int[] prom = {WebhookEndToEndTest.freePort(), WebhookEndToEndTest.freePort()};
    int[] am = {WebhookEndToEndTest.freePort(), WebhookEndToEndTest.freePort()};
    int port = WebhookEndToEndTest.freePort();
    loop.repo(80, "http://127.0.0.1:9/hook");
    String first = loop.commit("threshold 80");
    Path config = loop.serveConfig(port, tmp.resolve("repo").toString(), """
        prometheus:
          - {url: "http://127.0.0.1:%d"}
          - {url: "http://127.0.0.1:%d"}
        alertmanager:
          - {url: "http://127.0.0.1:%d"}
          - {url: "http://127.0.0.1:%d"}
        poll_interval: 1h
        retry_max: 1s
        """.formatted(prom[0], prom[1], am[0], am[1]));
    loop.serveInProcess(config);
    Loop.await(() -> Files.exists(live("prometheus/prometheus.yml")), 60, "first output live");

    // the second Prometheus reads the live output through its own directory, where an operator's
    // local rules directory can shadow the generated one: that is what will make it refuse
    Path b = Files.createDirectories(tmp.resolve("prom-b"));
    Files.createSymbolicLink(b.resolve("prometheus.yml"), live("prometheus/prometheus.yml"));
    Files.createSymbolicLink(b.resolve("rules"), live("prometheus/rules"));
    Files.createSymbolicLink(b.resolve("targets"), live("prometheus/targets"));
    loop.prometheus(live("prometheus/prometheus.yml"), prom[0], "prom-a");
    loop.prometheus(b.resolve("prometheus.yml"), prom[1], "prom-b");
    loop.alertmanager(live("alertmanager/alertmanager.yml"), am[0], "am-a");
    loop.alertmanager(live("alertmanager/alertmanager.yml"), am[1], "am-b");
    loop.awaitStatus(port, s -> first.equals(s.path("live_commit").asText()), 90, "first confirmed by all four");
    String hashA = configHash(am[0]);
    String hashB = configHash(am[1]);

    Files.delete(b.resolve("rules"));
    Path rules = Files.createDirectories(b.resolve("rules"));
    try (var files = Files.list(live("prometheus/rules"))) {
      for (Path f : files.toList()) Files.writeString(rules.resolve(f.getFileName()), "groups: [ {\n");
    }
    loop.repo(70, "http://127.0.0.1:10/hook");  // new rules and a new Alertmanager receiver
    String second = loop.commit("threshold 70, new receiver");
    assertEquals(202, loop.push(port));
    JsonNode s = loop.awaitStatus(port, st -> second.equals(st.path("last_attempt").path("commit").asText()), 60, "judged");
    assertEquals("refused", s.path("last_attempt").path("outcome").asText(), s.toString());
    assertTrue(s.path("last_attempt").path("diagnostics").toString().contains("127.0.0.1:" + prom[1]), s.toString());
    assertEquals(first, s.path("live_commit").asText());
    assertTrue(Files.readSymbolicLink(tmp.resolve("work/live")).endsWith(first), "rolled back");
    assertTrue(loop.rules(prom[0]).contains("threshold=80") && !loop.rules(prom[0]).contains("threshold=70"),
        "the Prometheus that accepted is back on the confirmed rules");
    assertEquals(hashA, configHash(am[0]), "Alertmanager A is back on the confirmed config");
    assertEquals(hashB, configHash(am[1]), "Alertmanager B is back on the confirmed config");
  }

  private String configHash(int amPort) throws Exception {
    return loop.get(amPort, "/metrics").body().lines().filter(l -> l.startsWith("alertmanager_config_hash "))
        .findFirst().orElseThrow();
  }

  /**
   * Forwards to a real Prometheus; while {@link #hold} is set, a POST /-/reload is held open and
   * never forwarded, which makes "killed between switch and confirmation" repeatable.
   */
  static final class HeldReloads implements AutoCloseable {
    final AtomicBoolean hold = new AtomicBoolean();
    final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final HttpServer server;
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    HeldReloads(int upstream) throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
      server.createContext("/", ex -> forward(ex, upstream));
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    void release() {
      released.countDown();
    }

    private void forward(HttpExchange ex, int upstream) throws IOException {
      try (ex) {
        if (hold.get() && ex.getRequestURI().getPath().equals("/-/reload")) {
          held.countDown();
          released.await(5, TimeUnit.MINUTES);
          ex.sendResponseHeaders(503, -1);
          return;
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + upstream + ex.getRequestURI()));
        r = ex.getRequestMethod().equals("POST") ? r.POST(HttpRequest.BodyPublishers.noBody()) : r.GET();
        HttpResponse<byte[]> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        ex.sendResponseHeaders(resp.statusCode(), resp.body().length == 0 ? -1 : resp.body().length);
        if (resp.body().length > 0) ex.getResponseBody().write(resp.body());
      } catch (IOException e) {
        ex.sendResponseHeaders(502, -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      release();
      server.stop(0);
    }
  }

  /** A TCP relay to a Git daemon; while {@link #hang} is set it accepts connections and never answers. */
  static final class Relay implements AutoCloseable {
    final AtomicBoolean hang = new AtomicBoolean();
    final AtomicInteger accepted = new AtomicInteger();
    private final ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    private final List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();

    Relay(int upstream) throws IOException {
      Thread t = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            Socket client = socket.accept();
            accepted.incrementAndGet();
            open.add(client);
            if (hang.get()) continue;  // held: nothing is ever read or written
            Socket server = new Socket("127.0.0.1", upstream);
            open.add(server);
            pipe(client.getInputStream(), server.getOutputStream());
            pipe(server.getInputStream(), client.getOutputStream());
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private static void pipe(InputStream in, OutputStream out) {
      Thread t = new Thread(() -> {
        try (in; out) {
          in.transferTo(out);
        } catch (IOException e) {
          // the other side closed
        }
      });
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : open) s.close();
    }
  }

  @Test
  void stateFileNamesNoUnconfirmedCommitAsConfirmed() throws Exception {
    // the durable record itself: confirm keeps the newest N, an attempt's phases are recorded in order
    Path file = tmp.resolve("state.json");
    DeployState s = DeployState.EMPTY.at("a", DeployState.Phase.PENDING, null, List.of());
    s.save(file);
    assertNull(DeployState.load(file).confirmed());
    s = s.confirm("a", 2).confirm("b", 2).confirm("c", 2);
    s.save(file);
    DeployState back = DeployState.load(file);
    assertEquals("c", back.confirmed());
    assertEquals(List.of("c", "b"), back.history());
    assertFalse(Files.exists(tmp.resolve(".state.json.tmp")), "no temporary file left");
  }
}
