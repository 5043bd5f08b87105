package dev.anvil.emit.alertmanager;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.model.Receiver;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Receiver configs. A secret is a file path or an environment variable; either way the config names
 * a file ({@code *_file}): variables are written into {@code secrets_dir} by the deployment.
 */
final class Receivers {
  private static final String TITLE = "{{ template \"anvil.title\" . }}";
  private static final String TEXT = "{{ template \"anvil.text\" . }}";

  /** Our field → Alertmanager's, per type; a field ending in _file is a secret. */
  private static final Map<String, Map<String, String>> FIELDS = Map.of(
      "email", Map.of("to", "to", "from", "from", "smarthost", "smarthost", "auth_username", "auth_username",
          "auth_password", "auth_password_file", "require_tls", "require_tls"),
      "slack", Map.of("channel", "channel", "api_url", "api_url_file", "title", "title", "text", "text"),
      "webhook", Map.of("url", "url", "max_alerts", "max_alerts"),
      "pagerduty", Map.of("routing_key", "routing_key_file", "severity", "severity"),
      "opsgenie", Map.of("api_key", "api_key_file", "priority", "priority", "responders", "responders"),
      "msteams", Map.of("webhook_url", "webhook_url_file", "title", "title"));

  private Receivers() {}

  /** anvil serve's drain receiver: firing alerts only (resolving never resumes a node), with its bearer token. */
  static Map<String, Object> remediation(dev.anvil.model.Alerting.Remediation r) {
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("url", r.url());
    cfg.put("send_resolved", false);
    cfg.put("http_config", Map.of("authorization", Map.of("type", "Bearer", "credentials_file", r.credentialsFile())));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", dev.anvil.model.Alerting.REMEDIATION_RECEIVER);
    out.put("webhook_configs", List.of(cfg));
    return out;
  }

  static Map<String, Object> emit(Receiver r, String secretsDir) {
    Map<String, Object> cfg = new LinkedHashMap<>();
    Map<String, String> fields = FIELDS.get(r.type());
    r.settings().fields().forEachRemaining(e -> {
      String key = e.getKey();
      JsonNode v = e.getValue();
      if (key.equals("send_resolved")) {
        cfg.put(key, v.asBoolean());
      } else if (v.isObject()) {
        String target = fields.get(key).endsWith("_file") ? fields.get(key) : fields.get(key) + "_file";
        cfg.put(target, v.has("file") ? v.get("file").asText() : secretsDir + "/" + v.get("env").asText());
      } else if (key.equals("responders")) {
        cfg.put(key, AlertmanagerEmitter.strings(v).stream().map(name -> Map.of("name", name, "type", "team")).toList());
      } else {
        cfg.put(fields.get(key), dev.anvil.model.Scalar.valueOf(v));
      }
    });
    switch (r.type()) {
      case "slack" -> {
        cfg.putIfAbsent("title", TITLE);
        cfg.putIfAbsent("text", TEXT);
      }
      case "email" -> cfg.putIfAbsent("headers", Map.of("Subject", TITLE));
      case "pagerduty" -> cfg.putIfAbsent("description", TITLE);
      case "opsgenie" -> cfg.putIfAbsent("message", TITLE);
      case "msteams" -> cfg.putIfAbsent("title", TITLE);
      default -> { }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", r.name());
    out.put(r.type() + "_configs", List.of(cfg));
    return out;
  }
}
