package dev.anvil.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code anvil serve}: a reconciler. It builds the branch head on start and every
 * {@code poll_interval}; POST /hooks/git (GitHub, GitLab, Gitea/Forgejo push events) and POST
 * /hooks/reload only make that sooner. GET /status, /healthz, /metrics. Requests are authenticated
 * and answered at once (202); builds run off the event loop, one at a time, each under a deadline.
 */
public final class WebhookServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServiceConfig config;
  private final Metrics metrics = new Metrics();
  private final State state;
  private final Deployer deployer;
  private final BuildQueue queue;
  private final ReplayGuard replays;
  private final DrainReceiver drains;
  private final Registrar registrar;
  private final AtomicInteger connections = new AtomicInteger();
  private final Set<HttpConnection> answered = ConcurrentHashMap.newKeySet();
  private volatile Duration backoff = Duration.ZERO;
  private Vertx vertx;
  private HttpServer server;

  public WebhookServer(ServiceConfig config) throws IOException {
    this.config = config;
    Files.createDirectories(config.workDir());
    this.state = new State(config.workDir().resolve("state.json"), metrics);
    this.deployer = new Deployer(config, state, new Consumers(config, metrics));
    this.queue = new BuildQueue(deployer::build, config.timeouts().build(), this::finished);
    this.replays = new ReplayGuard(config.workDir().resolve("deliveries"));
    ServiceConfig.Remediation r = config.remediation();
    this.drains = r == null ? null : new DrainReceiver(r, new Scontrol(r.scontrol(), r.slurmConf(), r.timeout()), metrics,
        java.time.Clock.systemUTC());
    this.registrar = config.registration() == null ? null : new Registrar(config,
        new RegistrationTokens(config.registration().tokenStore(), java.time.Clock.systemUTC()), metrics, java.time.Clock.systemUTC());
  }

  public Future<HttpServer> start() {
    if (!config.secretProblems().isEmpty()) {
      return Future.failedFuture(new IllegalStateException(String.join("; ", config.secretProblems())));
    }
    try {
      deployer.recover();
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    // uploads are never written anywhere: a form or multipart body is refused before it is read
    router.post("/hooks/*").handler(this::refuseForms);
    router.post("/hooks/git").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes())).handler(this::handleGit);
    router.post("/hooks/reload").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(this::handleReload);
    router.post("/hooks/alertmanager").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
        .handler(this::handleAlerts);
    router.post("/register").handler(this::refuseForms);
    router.post("/register").handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(this::handleRegister);
    router.get("/register.sh").handler(this::registerScript);
    router.errorHandler(413, ctx -> reject(ctx, 413, "too_large", "body larger than max_body_bytes"));
    router.get("/status").handler(ctx -> json(ctx, 200, state.status(queue.runningSince() != null)));
    router.get("/healthz").handler(this::health);
    router.get("/metrics").handler(ctx -> {
      Instant since = queue.runningSince();
      metrics.inProgress.set(since == null ? 0 : 1);
      metrics.buildStartedSeconds.set(since == null ? 0 : since.getEpochSecond());
      ctx.response().putHeader("content-type", Metrics.CONTENT_TYPE).end(metrics.scrape());
    });
    // HTTP/1.1 only: without h2c detection each connection is known (capped, timed) from accept
    HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) config.timeouts().idle().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    HttpServer http = vertx.createHttpServer(options);
    http.connectionHandler(this::connected);
    http.requestHandler(req -> {
      answered.add(req.connection());
      router.handle(req);
    });
    Log.info("starting", Map.of("listen", config.listenHost() + ":" + config.listenPort(), "branch", config.branch(),
        "live_commit", String.valueOf(state.confirmed()), "poll_interval_seconds", config.pollInterval().toSeconds()));
    return http.listen(config.listenPort(), config.listenHost()).onSuccess(s -> {
      server = s;
      queue.pollEvery(config.pollInterval());  // the first build runs now: a push missed while down goes live
      if (registrar != null) {
        // registrations claimed but not pushed (a crash, an unreachable repository) are pushed now and then on every poll
        vertx.executeBlocking(() -> {
          registrar.reconcile();
          return null;
        }, false);
        vertx.setPeriodic(config.pollInterval().toMillis(), id -> vertx.executeBlocking(() -> {
          registrar.reconcile();
          return null;
        }, false));
      }
    });
  }

  /** Caps open connections, and closes one that has not sent a complete request in time. */
  private void connected(HttpConnection c) {
    if (connections.incrementAndGet() > config.maxConnections()) {
      connections.decrementAndGet();
      c.close();
      return;
    }
    long timer = vertx.setTimer(config.timeouts().requestHeader().toMillis(), id -> {
      if (!answered.contains(c)) c.close();
    });
    c.closeHandler(v -> {
      connections.decrementAndGet();
      vertx.cancelTimer(timer);
      answered.remove(c);
    });
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> stop() {
    queue.shutdown();
    return vertx == null ? Future.succeededFuture() : vertx.close();
  }

  private void finished(String outcome, Instant started) {
    state.finished(outcome, started);
    if (outcome.equals("pending")) {
      // a consumer is unreachable: retry, 1 s doubling up to retry_max
      Duration next = backoff.isZero() ? Duration.ofSeconds(1) : backoff.multipliedBy(2);
      backoff = next.compareTo(config.retryMax()) > 0 ? config.retryMax() : next;
      queue.requestIn(backoff);
    } else {
      backoff = Duration.ZERO;
    }
  }

  private void health(RoutingContext ctx) {
    String problem = queue.stuck() ? "a build is running past its deadline"
        : state.lastOutcome().equals("timeout") ? "the last build passed its deadline (timeouts.build)" : null;
    ctx.response().putHeader("content-type", "text/plain").setStatusCode(problem == null ? 200 : 503)
        .end(problem == null ? "ok\n" : problem + "\n");
  }

  private void refuseForms(RoutingContext ctx) {
    String type = String.valueOf(ctx.request().getHeader("Content-Type")).toLowerCase(Locale.ROOT);
    if (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")) {
      ctx.response().putHeader("Connection", "close");  // the unread body is never read
      reject(ctx, 415, "form", "send JSON (content type application/json)");
      return;
    }
    ctx.next();
  }

  private void handleGit(RoutingContext ctx) {
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    var h = ctx.request().headers();
    String verdict;
    try {
      verdict = authenticate(body, h.get("X-Hub-Signature-256"), firstNonNull(h.get("X-Gitea-Signature"),
          h.get("X-Forgejo-Signature")), h.get("X-Gitlab-Token"));
    } catch (IOException e) {
      Log.warn("cannot read a webhook secret", Map.of("error", e.getClass().getSimpleName()));
      json(ctx, 500, Map.of("error", "webhook secret unreadable"));
      return;
    }
    if (verdict != null) {
      reject(ctx, verdict.startsWith("unsigned") ? 401 : 403, verdict.startsWith("unsigned") ? "unsigned" : "forged", verdict);
      return;
    }
    try {
      if (!replays.firstTime(body)) {
        reject(ctx, 409, "replay", "this signed body was already received (replay)");
        return;
      }
    } catch (IOException e) {
      json(ctx, 500, Map.of("error", "cannot record the delivery"));
      return;
    }
    String ref;
    try {
      JsonNode payload = JSON.readTree(body);
      ref = payload == null ? "" : payload.path("ref").asText("");
    } catch (IOException e) {
      reject(ctx, 400, "not_json", "body is not JSON");
      return;
    }
    if (!ref.equals("refs/heads/" + config.branch())) {
      json(ctx, 202, Map.of("status", "ignored", "reason", "not a push to " + config.branch()));
      return;
    }
    queue.request(false);
    json(ctx, 202, Map.of("status", "accepted"));
  }

  /** Null when authentic; otherwise why not. Only providers with a configured secret are accepted. */
  private String authenticate(byte[] body, String github, String gitea, String gitlab) throws IOException {
    if (github != null && config.githubSecretFile() != null) {
      return Signatures.github(body, github, Signatures.readSecret(config.githubSecretFile())) ? null : "forged (GitHub signature)";
    }
    if (gitea != null && config.giteaSecretFile() != null) {
      return Signatures.gitea(body, gitea, Signatures.readSecret(config.giteaSecretFile())) ? null : "forged (Gitea signature)";
    }
    if (gitlab != null && config.gitlabTokenFile() != null) {
      return Signatures.gitlab(gitlab, Signatures.readSecret(config.gitlabTokenFile())) ? null : "forged (GitLab token)";
    }
    return "unsigned: no signature for a configured provider";
  }

  private void handleReload(RoutingContext ctx) {
    if (config.reloadTokenFile() == null) {
      json(ctx, 404, Map.of("error", "manual reload is not configured (reload_token_file)"));
      return;
    }
    if (!bearer(ctx, config.reloadTokenFile(), "reload token")) return;
    queue.request(true);
    json(ctx, 202, Map.of("status", "accepted"));
  }

  /**
   * Alertmanager's webhook (docs/remediation.md): drains nodes for allowed alerts. Answers 200 with
   * the decisions even when a limit refused a drain, since a retry would not change that.
   */
  private void handleAlerts(RoutingContext ctx) {
    if (drains == null) {
      json(ctx, 404, Map.of("error", "remediation is not configured"));
      return;
    }
    if (!bearer(ctx, config.remediation().tokenFile(), "remediation token")) return;
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    JsonNode payload;
    try {
      payload = JSON.readTree(body);
    } catch (IOException e) {
      payload = null;
    }
    if (payload == null || !payload.path("alerts").isArray()) {
      reject(ctx, 400, "not_json", "body is not an Alertmanager webhook payload");
      return;
    }
    JsonNode alerts = payload;
    // scontrol blocks: off the event loop, one payload at a time (the receiver serialises)
    vertx.<java.util.List<DrainReceiver.Decision>>executeBlocking(() -> drains.handle(alerts), true)
        .onSuccess(decisions -> json(ctx, 200, Map.of("decisions", decisions)))
        .onFailure(e -> {
          Log.warn("remediation failed", Map.of("error", e.getClass().getSimpleName()));
          json(ctx, 500, Map.of("error", "cannot record the remediation audit log"));
        });
  }

  /** A node's registration (docs/registration.md): off the event loop, since it fetches, compiles and pushes. */
  private void handleRegister(RoutingContext ctx) {
    if (registrar == null) {
      json(ctx, 404, Map.of("error", "registration is not configured (registration in serve.yaml)"));
      return;
    }
    String auth = ctx.request().getHeader("Authorization");
    String bearer = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).strip() : null;
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    vertx.executeBlocking(() -> registrar.register(bearer, body), false)
        .onSuccess(a -> json(ctx, a.status(), a.body()))
        .onFailure(e -> json(ctx, 500, Map.of("error", "registration failed")));
  }

  /** The node-side script, for {@code curl -fsS URL/register.sh | ANVIL_TOKEN=... sh -s -- --url URL}. */
  private void registerScript(RoutingContext ctx) {
    if (registrar == null) {
      json(ctx, 404, Map.of("error", "registration is not configured (registration in serve.yaml)"));
      return;
    }
    try (var in = WebhookServer.class.getResourceAsStream("anvil-register")) {
      ctx.response().putHeader("content-type", "text/x-shellscript; charset=utf-8")
          .end(io.vertx.core.buffer.Buffer.buffer(in.readAllBytes()));
    } catch (IOException | NullPointerException e) {
      json(ctx, 500, Map.of("error", "the registration script is missing from this build"));
    }
  }

  /** True when the request carries the token of {@code file}; otherwise answers 401/403/500 and returns false. */
  private boolean bearer(RoutingContext ctx, Path file, String what) {
    String auth = ctx.request().getHeader("Authorization");
    try {
      byte[] token = Signatures.readSecret(file);
      if (auth == null || !auth.startsWith("Bearer ")) {
        reject(ctx, 401, "unsigned", "bearer token required");
        return false;
      }
      if (token.length == 0 || !MessageDigest.isEqual(auth.substring(7).strip().getBytes(StandardCharsets.UTF_8), token)) {
        reject(ctx, 403, "forged", "wrong token");
        return false;
      }
      return true;
    } catch (IOException e) {
      json(ctx, 500, Map.of("error", what + " unreadable"));
      return false;
    }
  }

  private void reject(RoutingContext ctx, int status, String reason, String message) {
    metrics.rejected.labelValues(reason).inc();
    Log.warn("rejected webhook", Map.of("reason", reason, "remote", String.valueOf(ctx.request().remoteAddress())));
    json(ctx, status, Map.of("error", message));
  }

  private static void json(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended()) return;
    try {
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
          .end(JSON.writeValueAsString(body) + "\n");
    } catch (IOException e) {
      ctx.response().setStatusCode(500).end();
    }
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }

  /** {@code anvil serve --config FILE}: exit 1 with one line per problem when it cannot start. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("token")) {
      System.exit(TokenCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length != 2 || !args[0].equals("--config")) {
      System.err.println("usage: anvil serve --config FILE");
      System.exit(2);
    }
    ServiceConfig config;
    try {
      config = ServiceConfig.load(Path.of(args[1]));
    } catch (ServiceConfig.Invalid e) {
      e.errors.forEach(line -> System.err.println("anvil serve: " + line));
      System.exit(1);
      return;
    }
    var secrets = config.secretProblems();
    if (!secrets.isEmpty()) {
      secrets.forEach(p -> System.err.println("anvil serve: " + args[1] + ": error: " + p));
      System.exit(1);
    }
    WebhookServer s = new WebhookServer(config);
    try {
      s.start().toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      String why = cause instanceof java.net.BindException || String.valueOf(cause.getMessage()).contains("in use")
          ? "cannot listen on " + config.listenHost() + ":" + config.listenPort() + ": address already in use"
          : "cannot start: " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
      System.err.println("anvil serve: " + why);
      s.stop();
      System.exit(1);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
    Thread.currentThread().join();
  }
}
