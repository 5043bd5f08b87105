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
    SourceRef source) {

  public static PrometheusSettings defaults() {
    return new PrometheusSettings("30s", "10s", "30s", Map.of(), List.of("127.0.0.1:9093"),
        SourceRef.builtIn("<built-in prometheus settings>"));
  }
}
