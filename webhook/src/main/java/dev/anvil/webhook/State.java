package dev.anvil.webhook;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The deploy record (durable, {@link DeployState}) and how the builds went (for /status, /healthz
 * and /metrics). {@code live_commit} in /status is the confirmed commit: never one that a consumer
 * has not accepted.
 */
final class State {
  private final Path file;
  private final Metrics metrics;
  private volatile DeployState deploy;
  private volatile Map<String, Object> lastAttempt;
  private volatile String lastOutcome = "none";
  private volatile String waiting;
  private final AtomicLong builds = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  State(Path file, Metrics metrics) throws IOException {
    this.file = file;
    this.metrics = metrics;
    this.deploy = DeployState.load(file);
    showConfirmed(deploy.confirmed());
  }

  DeployState deploy() {
    return deploy;
  }

  String confirmed() {
    return deploy.confirmed();
  }

  /** Records the next state on disk (fsync) before anything acts on it; refused once cancelled. */
  synchronized void record(DeployState next, BuildQueue.Cancel cancel) throws IOException, BuildQueue.Cancelled {
    if (cancel != null) cancel.check();
    next.save(file);
    String before = deploy.confirmed();
    deploy = next;
    if (next.confirmed() != null && !next.confirmed().equals(before)) {
      showConfirmed(next.confirmed());
      metrics.lastConfirmed.set(Instant.now().getEpochSecond());
    }
  }

  private void showConfirmed(String commit) {
    // replaces the previous commit's series
    if (commit != null) metrics.confirmedCommit.setLabelValues(commit);
  }

  /** What the build saw, for /status (the outcome is counted when the build ends: {@link #finished}). */
  void attempted(String commit, String outcome, List<String> details, Instant start, BuildQueue.Cancel cancel) {
    if (cancel != null && cancel.cancelled()) return;
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("commit", commit);
    a.put("outcome", outcome);
    a.put("started", start.toString());
    a.put("duration_seconds", Duration.between(start, Instant.now()).toMillis() / 1000.0);
    a.put("diagnostics", List.copyOf(details));
    lastAttempt = a;
    waiting = outcome.equals("pending") ? String.join("; ", details) : null;
    if (commit != null) metrics.headLive.set(commit.equals(deploy.confirmed()) ? 1 : 0);
  }

  /** A build ended (on time or not). */
  void finished(String outcome, Instant start) {
    double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
    builds.incrementAndGet();
    boolean success = outcome.equals("deployed") || outcome.equals("unchanged");
    if (!success) failures.incrementAndGet();
    else metrics.lastSuccess.set(Instant.now().getEpochSecond());
    metrics.builds.labelValues(outcome).inc();
    metrics.buildDuration.observe(seconds);
    lastOutcome = outcome;
    if (outcome.equals("timeout")) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("outcome", "timeout");
      a.put("started", start.toString());
      a.put("duration_seconds", seconds);
      a.put("diagnostics", List.of("the build passed its deadline (timeouts.build) and was abandoned"));
      lastAttempt = a;
    }
    Map<String, Object> log = new LinkedHashMap<>();
    log.put("outcome", outcome);
    log.put("duration_seconds", seconds);
    if (lastAttempt != null && lastAttempt.get("commit") != null) log.put("commit", lastAttempt.get("commit"));
    Log.info("build finished", log);
  }

  String lastOutcome() {
    return lastOutcome;
  }

  Map<String, Object> status(boolean building) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("live_commit", deploy.confirmed());
    String st = building ? "building" : waiting != null ? "pending: " + waiting : "idle";
    s.put("state", st);
    s.put("last_attempt", lastAttempt);
    if (deploy.attempt() != null) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("commit", deploy.attempt().commit());
      d.put("phase", deploy.attempt().phase().name().toLowerCase(java.util.Locale.ROOT));
      d.put("at", deploy.attempt().at());
      s.put("deploy", d);
    }
    s.put("builds", builds.get());
    s.put("failures", failures.get());
    return s;
  }
}
