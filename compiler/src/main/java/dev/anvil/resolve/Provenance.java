package dev.anvil.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Where an effective value came from and what it beat.
 *
 * @param shadowed the other contributions to this key, strongest first
 */
public record Provenance(JsonNode value, Contribution from, List<Shadowed> shadowed) {

  /** A value that lost to {@code from}, or that was merged into it (lists under {@code merge}). */
  public record Shadowed(JsonNode value, Contribution from, boolean merged) {}
}
