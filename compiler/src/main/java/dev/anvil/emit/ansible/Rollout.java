package dev.anvil.emit.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A host's resolved rollout of exporter changes, as a play: all at once, rolling batches, or a
 * canary batch then the rest; stop (no failures tolerated) or continue on failure; optionally a
 * health gate, Prometheus's word that each batch's exporters are up. Default: rolling, 25 % at a
 * time, stop, no gate.
 *
 * @param gateUrl the Prometheus the gate asks, or null for no gate
 * @param gateSeconds how long the gate waits for the exporters to be up
 */
record Rollout(String strategy, String batch, String canary, boolean stopOnFailure, String gateUrl, long gateSeconds) {
  /** Seconds between the gate's queries. */
  static final int GATE_DELAY = 2;

  static Rollout of(JsonNode spec) {
    JsonNode s = spec == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : spec;
    JsonNode gate = s.path("health_gate");
    String url = gate.path("prometheus_url").asText(null);
    long seconds = dev.anvil.model.PromDuration.millis(gate.path("timeout").asText("5m")) / 1000;
    // a count may be written 2.0 (JSON Schema's integers include it): it is the count 2, in the group's name too
    JsonNode batch = s.path("batch_size");
    return new Rollout(s.path("strategy").asText("rolling"), batch.isNumber() ? String.valueOf(batch.asLong()) : batch.asText("25%"),
        s.path("canary").asText("10%"), !s.path("on_failure").asText("stop").equals("continue"),
        url == null ? null : url.replaceAll("/+$", ""), seconds);
  }

  /** The inventory group of the hosts that share this rollout. */
  String group() {
    String shape = switch (strategy) {
      case "all-at-once" -> "all_at_once";
      case "canary" -> "canary_" + canary.replace("%", "pct");
      default -> "rolling_" + batch.replace("%", "pct");
    };
    String gate = gateUrl == null ? "" : "_gated_" + Integer.toHexString((gateUrl + " " + gateSeconds).hashCode() & 0x7fffffff);
    return AnsibleEmitter.ROLLOUT_GROUP + "__" + shape + (stopOnFailure ? "_stop" : "_continue") + gate;
  }

  Map<String, Object> play() {
    Map<String, Object> play = new LinkedHashMap<>();
    play.put("name", "Exporters: " + describe());
    play.put("hosts", group());
    play.put("gather_facts", false);
    switch (strategy) {
      case "canary" -> play.put("serial", List.of(canary, "100%"));
      case "rolling" -> play.put("serial", batch.endsWith("%") ? batch : Integer.parseInt(batch));
      default -> { }
    }
    play.put("max_fail_percentage", stopOnFailure ? 0 : 100);
    if (gateUrl != null) {
      play.put("vars", Map.of("anvil_gate_url", gateUrl, "anvil_gate_delay", GATE_DELAY,
          "anvil_gate_retries", Math.max(1, (gateSeconds + GATE_DELAY - 1) / GATE_DELAY)));
    }
    play.put("tasks", List.of(Map.of("name", "Install and start the host's exporters",
        "ansible.builtin.import_tasks", "tasks/exporters.yml")));
    return play;
  }

  private String describe() {
    String how = switch (strategy) {
      case "all-at-once" -> "all hosts at once";
      case "canary" -> "canary " + canary + " first, then the rest";
      default -> "rolling, " + batch + (batch.endsWith("%") ? "" : " hosts") + " at a time";
    };
    return how + (stopOnFailure ? ", stop on the first failure" : ", continue past failures")
        + (gateUrl == null ? "" : ", each batch gated by Prometheus (" + gateSeconds + " s)");
  }
}
