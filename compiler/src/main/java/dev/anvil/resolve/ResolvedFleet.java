package dev.anvil.resolve;

import dev.anvil.model.Fleet;
import java.util.List;

/**
 * The output of resolution and the input of every emitter. Hosts are sorted by name; node pools
 * (groups whose nodes are made on demand) by group.
 */
public record ResolvedFleet(Fleet fleet, List<ResolvedHost> hosts, List<ResolvedPool> pools) {

  public ResolvedHost host(String name) {
    for (ResolvedHost h : hosts) if (h.name().equals(name)) return h;
    return null;
  }
}
