package dev.anvil.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The services that read the live output: every Prometheus and Alertmanager instance. Each request
 * has a timeout; each answer is one of accepted, refused or unreachable, and only "accepted" from
 * all of them confirms a deploy.
 */
final class Consumers {
  /** One instance: its kind, where it is, and the metric that says its last reload worked. */
  record Consumer(String kind, ServiceConfig.Target target) {
    String successMetric() {
      return kind + "_config_last_reload_successful";
    }

    String name() {
      return kind + " " + target.url();
    }
  }

  enum Verdict { ACCEPTED, REFUSED, UNREACHABLE }

  record Answer(Consumer consumer, Verdict verdict, String detail) {}

  private final List<Consumer> all = new ArrayList<>();
  private final Duration timeout;
  private final Metrics metrics;
  private final HttpClient http;

  Consumers(ServiceConfig config, Metrics metrics) {
    config.prometheus().forEach(t -> all.add(new Consumer("prometheus", t)));
    config.alertmanager().forEach(t -> all.add(new Consumer("alertmanager", t)));
    this.timeout = config.timeouts().reload();
    this.metrics = metrics;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  List<Consumer> all() {
    return List.copyOf(all);
  }

  /** Whether each instance answers at all (GET /-/healthy): before a switch, so none is skipped. */
  List<Answer> probe() {
    return askEach(c -> {
      int status = send(c, "/-/healthy", false).statusCode();
      return status == 200 ? new Answer(c, Verdict.ACCEPTED, "")
          : new Answer(c, Verdict.UNREACHABLE, c.name() + " is not healthy (HTTP " + status + ")");
    });
  }

  /** Asks every instance to reload and checks that each now runs the new config. */
  List<Answer> reload() {
    return askEach(c -> {
      HttpResponse<String> r = send(c, "/-/reload", true);
      if (r.statusCode() != 200) {
        return new Answer(c, Verdict.REFUSED, c.name() + " refused the config (HTTP " + r.statusCode() + "): "
            + dev.anvil.diag.Text.shown(r.body().strip()));
      }
      // the reload answer alone can be 200 while the config is not in force
      return confirm(c);
    });
  }

  /** Whether each instance reports its last reload as successful (without reloading). */
  List<Answer> lastReload() {
    return askEach(this::confirm);
  }

  private interface Question {
    Answer ask(Consumer c) throws IOException, InterruptedException;
  }

  /** Asks every instance in turn; one that cannot be reached (or a wait interrupted) is unreachable. */
  private List<Answer> askEach(Question question) {
    List<Answer> out = new ArrayList<>();
    for (Consumer c : all) {
      try {
        out.add(question.ask(c));
      } catch (IOException e) {
        metrics.consumerUp.labelValues(c.kind(), c.target().url()).set(0);
        out.add(new Answer(c, Verdict.UNREACHABLE, c.name() + " unreachable (" + e.getClass().getSimpleName() + ")"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.add(new Answer(c, Verdict.UNREACHABLE, "interrupted"));
      }
    }
    return out;
  }

  private Answer confirm(Consumer c) throws IOException, InterruptedException {
    String body = send(c, "/metrics", false).body();
    if (body.lines().anyMatch(l -> l.startsWith(c.successMetric() + " 1"))) return new Answer(c, Verdict.ACCEPTED, "");
    return new Answer(c, Verdict.REFUSED, c.name() + " reports its last reload failed (" + c.successMetric() + ")");
  }

  private HttpResponse<String> send(Consumer c, String path, boolean post) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(c.target().url().replaceAll("/$", "") + path))
        .timeout(timeout);
    b = post ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
    ServiceConfig.Target t = c.target();
    if (t.bearerTokenFile() != null) {
      b.header("Authorization", "Bearer " + new String(Signatures.readSecret(t.bearerTokenFile()), StandardCharsets.UTF_8));
    } else if (t.username() != null && t.passwordFile() != null) {
      String pair = t.username() + ":" + new String(Signatures.readSecret(t.passwordFile()), StandardCharsets.UTF_8);
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    metrics.consumerUp.labelValues(c.kind(), t.url()).set(1);
    return r;
  }
}
