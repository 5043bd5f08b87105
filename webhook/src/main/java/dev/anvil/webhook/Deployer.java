package dev.anvil.webhook;

import dev.anvil.Compiler;
import dev.anvil.Compiler.Compilation;
import dev.anvil.diag.Diagnostic;
import dev.anvil.write.OutputWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One build: fetch → compile (the same validation as {@code anvil check}) → write a new versioned
 * output directory → switch the live symlink atomically → reload Prometheus and Alertmanager and
 * confirm. If either refuses, the live symlink goes back to the previous output and both reload
 * again. Every output stays on disk; the live one is always complete.
 */
final class Deployer {
  private final ServiceConfig config;
  private final GitSource git;
  private final State state;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Deployer(ServiceConfig config, State state) {
    this.config = config;
    this.state = state;
    this.git = new GitSource(config.repository(), config.branch(), config.workDir().resolve("mirror.git"));
  }

  void build() {
    Instant start = Instant.now();
    String commit = null;
    try {
      GitSource.Snapshot snapshot = git.fetch();
      commit = snapshot.commit();
      if (commit.equals(state.liveCommit())) {
        state.finish(commit, "unchanged", List.of(), start);
        return;
      }
      Compilation c = Compiler.compile(snapshot.files(), snapshot.problems(), Compiler.LoadCache.NONE);
      // the consumers' own checkers judge the output before anything goes live: all of them must run
      if (c.ok()) dev.anvil.verify.Verifier.verify(c.files(), c.fleet(), dev.anvil.verify.Verifier.Mode.REQUIRED, c.diagnostics());
      if (!c.ok()) {
        state.finish(commit, "invalid", messages(c.diagnostics().all()), start);
        return;
      }
      Path version = config.workDir().resolve("outputs").resolve(commit);
      OutputWriter.write(version, c.files());
      Path previous = Files.isSymbolicLink(config.live()) ? Files.readSymbolicLink(config.live()) : null;
      swap(version);
      List<String> notes = new ArrayList<>();
      List<String> refused = reloadAll(notes);
      if (!refused.isEmpty()) {
        if (previous != null) {
          swap(previous);
          reloadAll(new ArrayList<>());
        }
        refused.addAll(notes);
        state.finish(commit, "refused", refused, start);
        return;
      }
      state.deployed(commit);
      state.finish(commit, "deployed", notes, start);
    } catch (Exception e) {
      state.finish(commit, "error", List.of(e.getClass().getSimpleName() + ": " + e.getMessage()), start);
    }
  }

  /** Points the live symlink at {@code target}: a new link renamed over the old one, atomically. */
  void swap(Path target) throws IOException {
    Files.createDirectories(config.workDir());
    Path tmp = config.workDir().resolve(".live.tmp-" + ProcessHandle.current().pid());
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, target.toAbsolutePath());
    Files.move(tmp, config.live(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Reloads both and confirms each accepted the config; returns the refusals. A service that cannot
   * be reached has refused nothing: it reads the live (validated) config when it starts; that is
   * noted, not rolled back.
   */
  private List<String> reloadAll(List<String> notes) {
    List<String> refused = new ArrayList<>();
    reload("prometheus", config.prometheus(), "prometheus_config_last_reload_successful", refused, notes);
    reload("alertmanager", config.alertmanager(), "alertmanager_config_last_reload_successful", refused, notes);
    return refused;
  }

  private void reload(String name, ServiceConfig.Target target, String successMetric, List<String> refused,
      List<String> notes) {
    if (target == null) return;
    try {
      HttpResponse<String> r = http.send(request(target, "/-/reload").POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        refused.add(name + " refused the config (HTTP " + r.statusCode() + "): " + r.body().strip());
        return;
      }
      // confirm: the reload answer alone can be 200 while the config is not in force
      String metrics = http.send(request(target, "/metrics").GET().build(), HttpResponse.BodyHandlers.ofString()).body();
      if (!metrics.lines().anyMatch(l -> l.startsWith(successMetric + " 1"))) {
        refused.add(name + " reports its last reload failed (" + successMetric + ")");
      }
    } catch (IOException e) {
      notes.add(name + " unreachable at " + target.url() + " (" + e.getClass().getSimpleName()
          + "); it loads the live config when it starts");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      refused.add(name + ": interrupted");
    }
  }

  private HttpRequest.Builder request(ServiceConfig.Target t, String path) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url().replaceAll("/$", "") + path))
        .timeout(Duration.ofSeconds(30));
    if (t.bearerTokenFile() != null) {
      b.header("Authorization", "Bearer " + new String(Signatures.readSecret(t.bearerTokenFile()), StandardCharsets.UTF_8));
    } else if (t.username() != null && t.passwordFile() != null) {
      String pair = t.username() + ":" + new String(Signatures.readSecret(t.passwordFile()), StandardCharsets.UTF_8);
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    return b;
  }

  private static List<String> messages(List<Diagnostic> ds) {
    return ds.stream().map(d -> d.position() + ": " + d.severity().label() + ": " + d.message()).toList();
  }
}
