package dev.anvil.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The service's edges: connections, uploads, replays, its own config and secrets, its port. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServeHardeningTest {
  @TempDir Path tmp;
  private Loop loop;
  private WebhookServer service;
  private int port;

  @BeforeEach
  void setUp() throws Exception {
    loop = new Loop(tmp);
    loop.repo(80, "http://127.0.0.1:9/hook");
    loop.commit("one host");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (service != null) service.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    loop.close();
  }

  private Path config(String extra) throws IOException {
    port = WebhookEndToEndTest.freePort();
    return loop.serveConfig(port, tmp.resolve("repo").toString(), "poll_interval: 1h\n" + extra);
  }

  private void start(String extra) throws Exception {
    service = new WebhookServer(ServiceConfig.load(config(extra)));
    service.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    loop.awaitStatus(port, s -> !s.path("live_commit").isNull(), 60, "first deploy");
  }

  @Test
  void aThousandIdleConnectionsAreClosedByTheIdleTimeout() throws Exception {
    start("timeouts: {idle: 1s, request_header: 1m}\nmax_connections: 2000");
    List<Socket> sockets = connect(1000, 15_000);
    try {
      assertEquals(1000, sockets.stream().filter(ServeHardeningTest::closedByServer).count(),
          "every idle connection was closed by the server");
    } finally {
      for (Socket s : sockets) s.close();
    }
    assertEquals(200, loop.get(port, "/healthz").statusCode(), "still serving");
  }

  @Test
  void connectionsOverTheCapAreClosedAndASilentClientIsCutOff() throws Exception {
    start("timeouts: {idle: 1m, request_header: 1s}\nmax_connections: 10");
    List<Socket> sockets = connect(20, 10_000);
    try {
      long t0 = System.nanoTime();
      for (Socket s : sockets) assertTrue(closedByServer(s));
      assertTrue((System.nanoTime() - t0) / 1e9 < 8, "closed by the header timeout, not the idle one");
    } finally {
      for (Socket s : sockets) s.close();
    }
  }

  @Test
  void aMultipartUploadLeavesNothingOnDisk() throws Exception {
    start("");
    Path cwdUploads = Path.of("file-uploads");
    List<Path> before = files(tmp);
    String boundary = "b" + UUID.randomUUID();
    byte[] part = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n" + "x".repeat(512 * 1024) + "\r\n--" + boundary + "--\r\n")
        .getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = loop.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/git"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .header("X-Hub-Signature-256", Signatures.githubHeader(part, Loop.SECRET.getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofByteArray(part)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(415, r.statusCode(), r.body());
    assertEquals(before, files(tmp), "nothing new under the work dir");
    assertFalse(Files.exists(cwdUploads), "no upload directory");
    assertTrue(loop.get(port, "/metrics").body().contains("anvil_serve_webhooks_rejected_total{reason=\"form\"} 1.0"));
  }

  @Test
  void aReplayWithAChangedDeliveryIdBuildsNothingEvenAfterARestart() throws Exception {
    start("");
    long builds = loop.status(port).path("builds").asLong();
    byte[] body = Loop.body("main");
    String sig = Signatures.githubHeader(body, Loop.SECRET.getBytes(StandardCharsets.UTF_8));
    assertEquals(202, loop.send(port, body, sig, UUID.randomUUID().toString()).statusCode());
    loop.awaitStatus(port, s -> s.path("builds").asLong() > builds, 30, "the push built");
    long after = loop.status(port).path("builds").asLong();
    assertEquals(409, loop.send(port, body, sig, UUID.randomUUID().toString()).statusCode(), "changed delivery id");
    assertEquals(409, loop.send(port, body, sig, null).statusCode(), "no delivery id");
    service.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    service = new WebhookServer(ServiceConfig.load(tmp.resolve("serve.yaml")));
    service.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(409, loop.send(port, body, sig, UUID.randomUUID().toString()).statusCode(), "after a restart");
    Thread.sleep(500);
    assertTrue(loop.get(port, "/metrics").body().contains("anvil_serve_webhooks_rejected_total{reason=\"replay\"} 1.0"));
    assertTrue(after >= builds + 1);
  }

  @Test
  void onlyTheLastConfirmedOutputsAreKeptAndACrashsLeftoversGoOnStart() throws Exception {
    start("keep_outputs: 2");
    for (int t : new int[] {70, 60, 50}) {
      loop.repo(t, "http://127.0.0.1:9/hook");
      String c = loop.commit("threshold " + t);
      assertEquals(202, loop.push(port));
      loop.awaitStatus(port, s -> c.equals(s.path("live_commit").asText()), 60, "live " + c);
    }
    Path outputs = tmp.resolve("work/outputs");
    // pruning follows the confirmation that /status already shows
    Loop.await(() -> children(outputs).size() == 2, 10, "the two newest confirmed outputs: " + children(outputs));
    assertTrue(children(outputs).contains(Files.readSymbolicLink(tmp.resolve("work/live")).getFileName().toString()));

    service.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Files.createDirectories(outputs.resolve(".abc.new-123/prometheus"));
    Files.writeString(outputs.resolve(".abc.new-123/prometheus/prometheus.yml"), "half");
    Files.createDirectories(outputs.resolve("0123456789abcdef0123456789abcdef01234567"));
    Files.createSymbolicLink(tmp.resolve("work/.live.tmp"), outputs);
    List<String> kept = children(outputs);
    kept.remove("0123456789abcdef0123456789abcdef01234567");
    kept.remove(".abc.new-123");
    service = new WebhookServer(ServiceConfig.load(tmp.resolve("serve.yaml")));
    service.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(kept, children(outputs), "half-written and unconfirmed outputs removed on start");
    assertFalse(Files.exists(tmp.resolve("work/.live.tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  private static List<String> children(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return new ArrayList<>(s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void credentialsInTheRepositoryUrlAreNeverShown() throws Exception {
    int dead = WebhookEndToEndTest.freePort();
    Path config = config("");
    Files.writeString(config, Files.readString(config).replace("repository: " + tmp.resolve("repo"),
        "repository: http://deploy:s3cr3t-token@127.0.0.1:" + dead + "/fleet.git"));
    service = new WebhookServer(ServiceConfig.load(config));
    service.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    var s = loop.awaitStatus(port, st -> "error".equals(st.path("last_attempt").path("outcome").asText()), 60, "fetch failed");
    assertTrue(s.toString().contains("127.0.0.1:" + dead), s.toString());
    assertFalse(s.toString().contains("s3cr3t-token"), s.toString());
  }

  @Test
  void anEmptySecretFileRefusesToStart() throws Exception {
    Path config = config("");
    Files.writeString(tmp.resolve("github.secret"), "\n");
    Result r = serve(config);
    assertEquals(1, r.exit, r.output);
    assertEquals(1, r.output.lines().count(), r.output);
    assertTrue(r.output.contains("github_secret_file") && r.output.contains("is empty"), r.output);
  }

  @Test
  void unknownKeysInServeYamlAreErrorsWithPositions() throws Exception {
    Path config = config("listn: {port: 1}\ntimeouts: {buil: 1s, git: soon}");
    Result r = serve(config);
    assertEquals(1, r.exit, r.output);
    assertTrue(r.output.contains(config + ":6:1: error: unknown key 'listn'"), r.output);
    assertTrue(r.output.contains(":7:12: error: unknown key 'buil'"), r.output);
    assertFalse(r.output.contains("Exception"), r.output);
    Files.writeString(config, Files.readString(config).replace("listn: {port: 1}\n", "").replace("buil: 1s, ", ""));
    Result r2 = serve(config);
    assertEquals(1, r2.exit, r2.output);
    assertTrue(r2.output.contains(":6:") && r2.output.contains("'soon' is not a duration like 30s or 1m30s"), r2.output);
  }

  @Test
  void aPortInUseIsOneLineAndExitOne() throws Exception {
    Path config = config("");
    try (ServerSocket taken = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      Result r = serve(config);
      assertEquals(1, r.exit, r.output);
      String errors = r.output.lines().filter(l -> !l.startsWith("{")).reduce("", (a, b) -> a + b + "\n");
      assertEquals("anvil serve: cannot listen on 127.0.0.1:" + port + ": address already in use\n", errors, r.output);
    }
  }

  /** {@code n} connections that send nothing, each reading with {@code timeoutMillis}. */
  private List<Socket> connect(int n, int timeoutMillis) throws IOException {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Socket s = new Socket("127.0.0.1", port);
      s.setSoTimeout(timeoutMillis);
      sockets.add(s);
    }
    return sockets;
  }

  /** Whether the server closed the connection (end of stream or reset) before the read timed out. */
  private static boolean closedByServer(Socket s) {
    try {
      return s.getInputStream().read() == -1;
    } catch (SocketException e) {
      return true;  // reset: closed too
    } catch (IOException e) {
      return false;  // timed out: still open
    }
  }

  private record Result(int exit, String output) {}

  private Result serve(Path config) throws Exception {
    Process p = new ProcessBuilder("java", "-cp", System.getProperty("java.class.path"), WebhookServer.class.getName(),
        "--config", config.toString()).redirectErrorStream(true).start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) p.destroyForcibly();
    assertTrue(ended, "the service exits instead of hanging");
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".log")).sorted().toList();
    }
  }
}
