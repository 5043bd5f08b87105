package dev.anvil;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real daemons on 127.0.0.1 for a test: started with logs in a directory, stopped by {@link #close}. */
public final class Live implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private final Path logs;
  private final List<Process> processes = new ArrayList<>();
  private final java.util.Map<String, Process> byName = new java.util.HashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final List<com.sun.net.httpserver.HttpServer> servers = new ArrayList<>();

  public Live(Path logs) {
    this.logs = logs;
  }

  public void start(String name, String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile()).start();
    processes.add(p);
    byName.put(name, p);
  }

  /**
   * A real Prometheus on 127.0.0.1:{@code port} with {@code config}, its data beside the logs;
   * {@code extra} flags after those. Not waited for: {@link #awaitReady} with /-/ready.
   */
  public void startPrometheus(String binary, Path config, int port, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(binary, "--config.file=" + config,
        "--storage.tsdb.path=" + logs.resolve("prom-data-" + port), "--web.listen-address=127.0.0.1:" + port));
    cmd.addAll(List.of(extra));
    start("prom-" + port, cmd.toArray(String[]::new));
  }

  /** Stops the daemon started as {@code name} and waits until it is gone. */
  public void stop(String name) throws InterruptedException {
    Process p = byName.get(name);
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
  }

  /** Waits for a 200 from {@code path} (e.g. /-/ready, /metrics). */
  public void awaitReady(int port, String path) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    fail("not ready on port " + port + " within 20 s; the daemons' logs end:\n" + logTails());
  }

  /**
   * The last lines of every daemon's log: in the failure itself, as the logs' directory is a test's
   * temporary one, gone by the time anyone reads a CI log.
   */
  private String logTails() {
    StringBuilder out = new StringBuilder();
    for (String name : new java.util.TreeSet<>(byName.keySet())) {
      Process p = byName.get(name);
      out.append("== ").append(name).append(p.isAlive() ? " (running)" : " (exited " + p.exitValue() + ")").append('\n');
      try {
        List<String> lines = java.nio.file.Files.readAllLines(logs.resolve(name + ".log"));
        lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(l -> out.append(l).append('\n'));
      } catch (IOException e) {
        out.append("(no log: ").append(e.getMessage()).append(")\n");
      }
    }
    return out.toString();
  }

  /** Prometheus's answer to an instant query: the whole JSON, errors included. */
  public JsonNode query(int port, String promql) throws Exception {
    var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build();
    return JSON.readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
  }

  public JsonNode get(int port, String path) throws Exception {
    var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
    return JSON.readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
  }

  /** The body of GET {@code path} on 127.0.0.1:{@code port}, with {@code headers} (name, value, …). */
  public String fetch(int port, String path, String... headers) throws Exception {
    var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    for (int i = 0; i + 1 < headers.length; i += 2) req.header(headers[i], headers[i + 1]);
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /**
   * A stand-in exporter: {@code body} (Prometheus text format) at /metrics on a free loopback port,
   * which it returns; stopped by {@link #close}.
   */
  public int serveMetrics(String body) throws IOException {
    var s = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    s.createContext("/metrics", x -> {
      x.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
      x.sendResponseHeaders(200, bytes.length);
      x.getResponseBody().write(bytes);
      x.close();
    });
    s.start();
    servers.add(s);
    return s.getAddress().getPort();
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    servers.forEach(s -> s.stop(0));
    for (Process p : processes) p.destroy();
    for (Process p : processes) {
      if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }
}
