package dev.anvil.model;

import dev.anvil.load.SourceRef;
import java.util.List;
import java.util.Map;

/** Global settings of the emitted prometheus.yml. */
public record PrometheusSettings(
    String scrapeInterval,
    String scrapeTimeout,
    String evaluationInterval,
    Map<String, String> externalLabels,
    List<String> alertmanagers,
    Grafana grafana,
    SourceRef source) {

  /** How Grafana reaches the datasources, and where the provisioned dashboards are on its host. */
  public record Grafana(String prometheusUrl, String alertmanagerUrl, String dashboardsPath) {}

  public static final String DASHBOARDS_PATH = "/var/lib/anvil/live/grafana/dashboards";

  public static PrometheusSettings defaults() {
    return new PrometheusSettings("30s", "10s", "30s", Map.of(), List.of("127.0.0.1:9093"),
        new Grafana("http://127.0.0.1:9090", "http://127.0.0.1:9093", DASHBOARDS_PATH),
        SourceRef.builtIn("<built-in prometheus settings>"));
  }
}
