package dev.anvil.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.load.SourceRef;

/** A notification receiver: its type (email, slack, webhook, pagerduty, opsgenie, msteams) and settings. */
public record Receiver(String name, String type, ObjectNode settings, SourceRef source) {
  public static final java.util.List<String> TYPES = java.util.List.of("email", "slack", "webhook", "pagerduty",
      "opsgenie", "msteams");
}
