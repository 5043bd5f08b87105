package dev.anvil.model;

import dev.anvil.load.SourceRef;
import java.util.List;
import java.util.Map;

/**
 * Global settings of the emitted prometheus.yml, and the label budget of every series
 * ({@code labelLimit}, 0 for none).
 */
public record PrometheusSettings(
    String scrapeInterval,
    String scrapeTimeout,
    String evaluationInterval,
    Map<String, String> externalLabels,
    List<String> alertmanagers,
    int labelLimit,
    Grafana grafana,
    SourceRef source) {

  /** How Grafana reaches the datasources, and where the provisioned dashboards are on its host. */
  public record Grafana(String prometheusUrl, String alertmanagerUrl, String dashboardsPath) {}

  /** Mimir's and Cortex's default max_label_names_per_series. */
  public static final int DEFAULT_LABEL_LIMIT = 30;

  public static final String DASHBOARDS_PATH = "/var/lib/anvil/live/grafana/dashboards";

  public static PrometheusSettings defaults() {
    return new PrometheusSettings("30s", "10s", "30s", Map.of(), List.of("127.0.0.1:9093"), DEFAULT_LABEL_LIMIT,
        new Grafana("http://127.0.0.1:9090", "http://127.0.0.1:9093", DASHBOARDS_PATH),
        SourceRef.builtIn("<built-in prometheus settings>"));
  }
}
