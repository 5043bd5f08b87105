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
    List<String> alertmanagerPeers,
    int labelLimit,
    List<RemoteWrite> remoteWrite,
    Retention retention,
    List<Site> sites,
    int replicas,
    Grafana grafana,
    SourceRef source) {

  /**
   * A remote_write endpoint. Secrets are paths on the Prometheus host; {@code tls} and {@code queue}
   * hold Prometheus' tls_config and queue_config keys (snake case) and their values; {@code deduplicate}
   * sends samples without the replica label, so the store sees the replicas' series as one.
   */
  public record RemoteWrite(String url, String name, boolean deduplicate, String bearerTokenFile, String username,
      String passwordFile, Map<String, Object> tls, Map<String, Object> queue) {}

  /** A site: its hosts are those in {@code groups} (or below), split between {@code shards} servers. */
  public record Site(String name, List<GroupName> groups, int shards) {}

  /** Whether the fleet is split between several Prometheus servers (or replicas) rather than scraped by one. */
  public boolean distributed() {
    return !sites.isEmpty();
  }

  /** How long ({@code time}, e.g. 15d) and how much ({@code size}, e.g. 500GB) the server keeps; either may be null. */
  public record Retention(String time, String size) {}

  /** How Grafana reaches the datasources, and where the provisioned dashboards are on its host. */
  public record Grafana(String prometheusUrl, String alertmanagerUrl, String dashboardsPath) {}

  /** Mimir's and Cortex's default max_label_names_per_series. */
  public static final int DEFAULT_LABEL_LIMIT = 30;

  public static final String DASHBOARDS_PATH = "/var/lib/anvil/live/grafana/dashboards";

  public static PrometheusSettings defaults() {
    return new PrometheusSettings("30s", "10s", "30s", Map.of(), List.of("127.0.0.1:9093"), List.of(), DEFAULT_LABEL_LIMIT, List.of(), null, List.of(), 1,
        new Grafana("http://127.0.0.1:9090", "http://127.0.0.1:9093", DASHBOARDS_PATH),
        SourceRef.builtIn("<built-in prometheus settings>"));
  }
}
