package dev.anvil.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.SortedMap;

/**
 * One section's effective entries for a set of hosts that see the same contributions.
 *
 * @param values entry name → effective value
 * @param provenance "entry.key.leaf" → where it came from
 * @param conflicts equal-rank contributions that disagree
 */
public record ResolvedSection(ObjectNode values, SortedMap<String, Provenance> provenance, List<Conflict> conflicts) {

  public JsonNode get(String entry) {
    return values.get(entry);
  }

  /** Two contributions of equal rank that set a key differently. */
  public record Conflict(Contribution a, Contribution b, String path, String subPath) {}
}
