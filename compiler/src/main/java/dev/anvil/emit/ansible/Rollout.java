package dev.anvil.emit.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A host's resolved rollout of exporter changes, as a play: all at once, rolling batches, or a
 * canary batch then the rest; stop (no failures tolerated) or continue on failure. Default:
 * rolling, 25 % at a time, stop.
 */
record Rollout(String strategy, String batch, String canary, boolean stopOnFailure) {

  static Rollout of(JsonNode spec) {
    JsonNode s = spec == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : spec;
    return new Rollout(s.path("strategy").asText("rolling"), s.path("batch_size").asText("25%"),
        s.path("canary").asText("10%"), !s.path("on_failure").asText("stop").equals("continue"));
  }

  /** The inventory group of the hosts that share this rollout. */
  String group() {
    String shape = switch (strategy) {
      case "all-at-once" -> "all_at_once";
      case "canary" -> "canary_" + canary.replace("%", "pct");
      default -> "rolling_" + batch.replace("%", "pct");
    };
    return AnsibleEmitter.ROLLOUT_GROUP + "__" + shape + (stopOnFailure ? "_stop" : "_continue");
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
    return how + (stopOnFailure ? ", stop on the first failure" : ", continue past failures");
  }
}
