package dev.anvil.preview;

import dev.anvil.model.GroupName;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The preview's HTTP side: pages rendered from the workspace's latest snapshot (blocking work off
 * the event loop), and {@code /events}, a server-sent event stream that says "model N" to every
 * open page whenever a new snapshot is published.
 */
final class PreviewServer {
  private final Workspace workspace;
  private final Set<HttpServerResponse> streams = ConcurrentHashMap.newKeySet();
  private Vertx vertx;
  private HttpServer http;

  PreviewServer(Workspace workspace) {
    this.workspace = workspace;
  }

  /** Starts listening; completes with the bound port (0 asks for a free one). */
  Future<Integer> start(String host, int port) {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/").handler(ctx -> page(ctx, () -> Pages.overview(workspace.snapshot())));
    router.get("/hosts/:name").handler(ctx -> page(ctx, () -> Pages.host(workspace.snapshot(), ctx.pathParam("name"))));
    router.get("/groups/*").handler(ctx -> page(ctx, () -> {
      GroupName g = groupOf(ctx.pathParam("*"));
      return g == null ? null : Pages.group(workspace.snapshot(), g);
    }));
    router.get("/search").handler(ctx -> page(ctx, () -> Pages.search(workspace.snapshot(), ctx.request().getParam("q"))));
    router.get("/routing").handler(ctx -> page(ctx, () -> Pages.routing(workspace.snapshot(), ctx.request().getParam("host"),
        ctx.request().getParam("labels"), ctx.request().getParam("at"), ctx.request().getParam("firing"))));
    router.get("/diff").handler(ctx -> page(ctx, () -> Pages.diff(workspace.snapshot())));
    router.get("/files/*").handler(ctx -> page(ctx, () -> Pages.file(workspace.snapshot(), decode(ctx.pathParam("*")))));
    router.get("/events").handler(this::events);
    workspace.onChange(s -> vertx.runOnContext(v -> broadcast(s.generation())));
    // keeps proxies and browsers from closing an idle stream
    vertx.setPeriodic(15_000, id -> streams.forEach(r -> r.write(": keep-alive\n\n")));
    http = vertx.createHttpServer().requestHandler(router);
    return http.listen(port, host).map(HttpServer::actualPort);
  }

  /** Renders off the event loop; null from the renderer is a 404. */
  private void page(RoutingContext ctx, Supplier<String> render) {
    vertx.<String>executeBlocking(render::get, false).onComplete(r -> {
      HttpServerResponse res = ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline';"
              + " connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'")
          .putHeader("X-Content-Type-Options", "nosniff");
      if (r.failed()) {
        res.setStatusCode(500).end(dev.anvil.html.Html.page("error", "<h1>Error</h1><pre>"
            + dev.anvil.html.Html.escape(String.valueOf(r.cause())) + "</pre>"));
      } else if (r.result() == null) {
        res.setStatusCode(404).end(Pages.notFound(workspace.snapshot(), ctx.request().path()));
      } else {
        res.setStatusCode(200).end(r.result());
      }
    });
  }

  private void events(RoutingContext ctx) {
    HttpServerResponse res = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-store");
    streams.add(res);
    res.closeHandler(v -> streams.remove(res));
    res.write("retry: 1000\n\n");
    Workspace.Snapshot s = workspace.snapshot();
    if (s != null) res.write("event: model\ndata: " + s.generation() + "\n\n");
  }

  private void broadcast(long generation) {
    String message = "event: model\ndata: " + generation + "\n\n";
    streams.forEach(r -> r.write(message));
  }

  /** {@code infrastructure/onprem/dc-1} → infrastructure:onprem/dc-1. */
  private static GroupName groupOf(String rest) {
    String decoded = decode(rest);
    int slash = decoded.indexOf('/');
    if (slash <= 0 || slash == decoded.length() - 1) return null;
    try {
      return GroupName.parse(decoded.substring(0, slash) + ":" + decoded.substring(slash + 1));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String decode(String s) {
    return s == null ? "" : URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  Future<Void> close() {
    return vertx == null ? Future.succeededFuture() : vertx.close();
  }
}
