package dev.anvil.webhook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What is live and how the last attempt went, for /status and /metrics. The live commit is the
 * name of the directory the live symlink points at, so a restarted service knows it without
 * deploying again.
 */
final class State {
  private volatile String liveCommit;
  private volatile Map<String, Object> lastAttempt;
  final AtomicLong builds = new AtomicLong();
  final AtomicLong failures = new AtomicLong();
  final AtomicLong deploys = new AtomicLong();
  private volatile double lastDurationSeconds;
  private volatile double durationSecondsSum;

  State(Path live) throws IOException {
    if (Files.isSymbolicLink(live)) liveCommit = Files.readSymbolicLink(live).getFileName().toString();
  }

  String liveCommit() {
    return liveCommit;
  }

  void deployed(String commit) {
    liveCommit = commit;
    deploys.incrementAndGet();
  }

  synchronized void finish(String commit, String outcome, List<String> diagnostics, Instant start) {
    double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
    builds.incrementAndGet();
    if (!outcome.equals("deployed") && !outcome.equals("unchanged")) failures.incrementAndGet();
    lastDurationSeconds = seconds;
    durationSecondsSum += seconds;
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("commit", commit);
    a.put("outcome", outcome);
    a.put("started", start.toString());
    a.put("duration_seconds", seconds);
    a.put("diagnostics", diagnostics);
    lastAttempt = a;
    Log.info("build finished", Map.of("commit", String.valueOf(commit), "outcome", outcome,
        "duration_seconds", seconds, "diagnostics", diagnostics.size()));
  }

  Map<String, Object> status() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("live_commit", liveCommit);
    s.put("last_attempt", lastAttempt);
    s.put("builds", builds.get());
    s.put("failures", failures.get());
    return s;
  }

  /** Prometheus text format: the config pipeline watched by the monitoring it configures. */
  synchronized String metrics() {
    StringBuilder sb = new StringBuilder();
    sb.append("# HELP anvil_webhook_builds_total Builds run (fetch, compile, deploy).\n# TYPE anvil_webhook_builds_total counter\n")
        .append("anvil_webhook_builds_total ").append(builds.get()).append('\n');
    sb.append("# HELP anvil_webhook_build_failures_total Builds that did not go live (invalid, refused, error).\n")
        .append("# TYPE anvil_webhook_build_failures_total counter\n")
        .append("anvil_webhook_build_failures_total ").append(failures.get()).append('\n');
    sb.append("# HELP anvil_webhook_deploys_total Builds that went live.\n# TYPE anvil_webhook_deploys_total counter\n")
        .append("anvil_webhook_deploys_total ").append(deploys.get()).append('\n');
    sb.append("# HELP anvil_webhook_build_duration_seconds Build durations.\n# TYPE anvil_webhook_build_duration_seconds summary\n")
        .append("anvil_webhook_build_duration_seconds_sum ").append(durationSecondsSum).append('\n')
        .append("anvil_webhook_build_duration_seconds_count ").append(builds.get()).append('\n');
    sb.append("# HELP anvil_webhook_last_build_duration_seconds Duration of the last build.\n")
        .append("# TYPE anvil_webhook_last_build_duration_seconds gauge\n")
        .append("anvil_webhook_last_build_duration_seconds ").append(lastDurationSeconds).append('\n');
    sb.append("# HELP anvil_webhook_live_commit_info The commit whose output is live.\n# TYPE anvil_webhook_live_commit_info gauge\n");
    if (liveCommit != null) sb.append("anvil_webhook_live_commit_info{commit=\"").append(liveCommit).append("\"} 1\n");
    return sb.toString();
  }
}
