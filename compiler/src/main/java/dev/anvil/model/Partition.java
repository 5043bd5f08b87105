package dev.anvil.model;

import dev.anvil.load.SourceRef;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Slurm partition: its members are the Slurm nodes in any listed group (or listed host) that
 * have the listed hardware; the other fields become PartitionName options.
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
    SourceRef source) {}
