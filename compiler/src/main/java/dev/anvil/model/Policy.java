package dev.anvil.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.load.SourceRef;
import java.util.List;

/**
 * A policy document: entries for one target (a group, or a single host).
 *
 * @param group the target group, or null when the target is a host
 * @param host the target host name, or null when the target is a group
 */
public record Policy(String name, GroupName group, String host, List<Entry> entries, SourceRef source) {

  /**
   * One entry: {@code section.entry = value}, e.g. {@code alerts.cpu_high = {threshold: 70}}.
   *
   * @param pointer JSON pointer of the entry inside the document, for positions
   */
  public record Entry(String section, String name, JsonNode value, Strategy strategy, String pointer) {}

  public String targetLabel() {
    return group != null ? group.toString() : "host:" + host;
  }
}
