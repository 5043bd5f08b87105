package dev.anvil.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code anvil serve}: POST /hooks/git (GitHub, GitLab, Gitea/Forgejo push events), POST /hooks/reload,
 * GET /status, /healthz, /metrics. Requests are authenticated and answered at once (202); builds
 * run on one worker thread, never on the event loop.
 */
public final class WebhookServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServiceConfig config;
  private final State state;
  private final BuildQueue queue;
  private final Set<String> seenDeliveries = Collections.newSetFromMap(new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 10_000;
    }
  });
  private Vertx vertx;
  private HttpServer server;

  public WebhookServer(ServiceConfig config) throws IOException {
    this.config = config;
    this.state = new State(config.live());
    Deployer deployer = new Deployer(config, state);
    this.queue = new BuildQueue(deployer::build);
  }

  public Future<HttpServer> start() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.post("/hooks/git").handler(BodyHandler.create().setBodyLimit(config.maxBodyBytes())).handler(this::handleGit);
    router.post("/hooks/reload").handler(BodyHandler.create().setBodyLimit(4096)).handler(this::handleReload);
    router.get("/status").handler(ctx -> json(ctx, 200, state.status()));
    router.get("/healthz").handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end("ok\n"));
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("content-type", "text/plain; version=0.0.4")
        .end(state.metrics()));
    if (state.liveCommit() == null) queue.request();  // first start: deploy; a restart keeps what is live
    Log.info("starting", Map.of("listen", config.listenHost() + ":" + config.listenPort(), "branch", config.branch(),
        "live_commit", String.valueOf(state.liveCommit())));
    return vertx.createHttpServer().requestHandler(router).listen(config.listenPort(), config.listenHost())
        .onSuccess(s -> server = s);
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> stop() {
    queue.shutdown();
    return vertx.close();
  }

  private void handleGit(RoutingContext ctx) {
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    var h = ctx.request().headers();
    String verdict;
    try {
      verdict = authenticate(body, h.get("X-Hub-Signature-256"), firstNonNull(h.get("X-Gitea-Signature"),
          h.get("X-Forgejo-Signature")), h.get("X-Gitlab-Token"));
    } catch (IOException e) {
      Log.warn("cannot read a webhook secret", Map.of("error", e.getMessage()));
      json(ctx, 500, Map.of("error", "webhook secret unreadable"));
      return;
    }
    if (verdict != null) {
      Log.warn("rejected webhook", Map.of("reason", verdict, "remote", String.valueOf(ctx.request().remoteAddress())));
      json(ctx, verdict.startsWith("unsigned") ? 401 : 403, Map.of("error", verdict));
      return;
    }
    String delivery = firstNonNull(firstNonNull(h.get("X-GitHub-Delivery"), h.get("X-Gitea-Delivery")),
        firstNonNull(h.get("X-Forgejo-Delivery"), h.get("X-Gitlab-Event-UUID")));
    if (delivery != null && !seenDeliveries.add(delivery)) {
      json(ctx, 409, Map.of("error", "delivery " + delivery + " was already received (replay)"));
      return;
    }
    String ref;
    try {
      JsonNode payload = JSON.readTree(body);
      ref = payload == null ? "" : payload.path("ref").asText("");
    } catch (IOException e) {
      json(ctx, 400, Map.of("error", "body is not JSON"));
      return;
    }
    if (!ref.equals("refs/heads/" + config.branch())) {
      json(ctx, 202, Map.of("status", "ignored", "reason", "not a push to " + config.branch()));
      return;
    }
    queue.request();
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
    String auth = ctx.request().getHeader("Authorization");
    try {
      if (config.reloadTokenFile() == null) {
        json(ctx, 404, Map.of("error", "manual reload is not configured (reload_token_file)"));
        return;
      }
      byte[] token = Signatures.readSecret(config.reloadTokenFile());
      if (auth == null || !auth.startsWith("Bearer ")) {
        json(ctx, 401, Map.of("error", "bearer token required"));
        return;
      }
      if (!MessageDigest.isEqual(auth.substring(7).strip().getBytes(StandardCharsets.UTF_8), token)) {
        json(ctx, 403, Map.of("error", "wrong token"));
        return;
      }
    } catch (IOException e) {
      json(ctx, 500, Map.of("error", "reload token unreadable"));
      return;
    }
    queue.request();
    json(ctx, 202, Map.of("status", "accepted"));
  }

  private static void json(RoutingContext ctx, int status, Object body) {
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

  /** {@code anvil serve --config FILE}. */
  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !args[0].equals("--config")) {
      System.err.println("usage: anvil serve --config FILE");
      System.exit(2);
    }
    ServiceConfig config;
    try {
      config = ServiceConfig.load(Path.of(args[1]));
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("anvil serve: " + e.getMessage());
      System.exit(1);
      return;
    }
    WebhookServer s = new WebhookServer(config);
    s.start().toCompletionStage().toCompletableFuture().get();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> s.stop()));
    Thread.currentThread().join();
  }
}
