package dev.anvil.webhook;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The service's own metrics, from the Prometheus Java client: the signals the config pipeline's
 * alerts are built on (rules/pipeline.yaml), plus JVM and process metrics.
 */
final class Metrics {
  static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  final Counter registrations = Counter.builder().name("anvil_serve_registrations_total")
      .help("Node registrations by outcome: registered, pending (push deferred), duplicate, unauthorized, refused, failed.")
      .labelNames("outcome").register(registry);
  final Counter builds = Counter.builder().name("anvil_serve_builds_total")
      .help("Builds by outcome: deployed, unchanged, invalid, refused, pending, error, timeout.")
      .labelNames("outcome").register(registry);
  final Histogram buildDuration = Histogram.builder().name("anvil_serve_build_duration_seconds")
      .help("Build durations: fetch, compile, verify, write, reload and confirm.")
      .classicOnly().classicUpperBounds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600).register(registry);
  final Gauge inProgress = Gauge.builder().name("anvil_serve_build_in_progress")
      .help("1 while a build runs.").register(registry);
  final Gauge buildStartedSeconds = Gauge.builder().name("anvil_serve_build_started_timestamp_seconds")
      .help("When the running build started (0 when none runs): a stuck build is time() minus this.")
      .register(registry);
  final Gauge lastSuccess = Gauge.builder().name("anvil_serve_last_success_timestamp_seconds")
      .help("When a build last ended with the branch head live (deployed or unchanged).").register(registry);
  final Gauge lastConfirmed = Gauge.builder().name("anvil_serve_last_confirmed_timestamp_seconds")
      .help("When a new output was last confirmed by every consumer.").register(registry);
  final Info confirmedCommit = Info.builder().name("anvil_serve_confirmed_commit_info")
      .help("The commit whose output every consumer runs.").labelNames("commit").register(registry);
  final Gauge headLive = Gauge.builder().name("anvil_serve_branch_head_live")
      .help("1 when the branch head last fetched is the confirmed commit; 0 is config drift.").register(registry);
  final Counter rejected = Counter.builder().name("anvil_serve_webhooks_rejected_total")
      .help("Webhook requests refused, by reason.").labelNames("reason").register(registry);
  final Gauge consumerUp = Gauge.builder().name("anvil_serve_consumer_up")
      .help("1 when the consumer answered its last request.").labelNames("consumer", "url").register(registry);

  final Counter remediations = Counter.builder().name("anvil_serve_remediations_total")
      .help("Alerts the drain receiver handled, by outcome: drained, already_drained, not_allowed, not_marked,"
          + " rate_limited, unknown_node, failed.")
      .labelNames("outcome").register(registry);

  /** Every reason WebhookServer.reject gives: each counter exists from the start, so increase() sees the first one. */
  static final java.util.List<String> REJECT_REASONS = java.util.List.of("too_large", "form", "unsigned", "forged",
      "replay", "not_json");

  Metrics() {
    JvmMetrics.builder().register(registry);
    REJECT_REASONS.forEach(r -> rejected.labelValues(r));
    java.util.List.of("registered", "pending", "duplicate", "unauthorized", "refused", "failed").forEach(o -> registrations.labelValues(o));
    DrainReceiver.OUTCOMES.forEach(o -> remediations.labelValues(o));
  }

  String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out, registry.scrape(), EscapingScheme.DEFAULT);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
