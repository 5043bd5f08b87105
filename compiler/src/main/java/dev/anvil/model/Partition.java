package dev.anvil.model;

import dev.anvil.load.SourceRef;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Slurm partition: its members are the Slurm nodes in any listed group (or listed host) that
 * have the listed hardware, or, for a Slinky partition, pods on Kubernetes nodes; the other fields
 * become PartitionName options.
 */
public record Partition(
    String name,
    List<GroupName> groups,
    List<String> hosts,
    Set<String> acceleratorVendors,
    Set<String> acceleratorModels,
    int minAccelerators,
    Map<String, String> options,
    Map<String, Double> billingWeights,
    boolean isDefault,
    com.fasterxml.jackson.databind.node.ObjectNode slinky,
    SourceRef source) {

  /** A Slinky partition: its nodes are Kubernetes pods, not declared hosts. */
  public boolean isDynamic() {
    return slinky != null;
  }
}
