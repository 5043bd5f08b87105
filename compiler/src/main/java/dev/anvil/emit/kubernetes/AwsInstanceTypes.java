package dev.anvil.emit.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.emit.Output;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AWS instance types with NVIDIA GPUs as Karpenter sees them (aws-gpu-instance-types.yaml, derived
 * from Karpenter's generated reference; its header names the version): what a pool's instance
 * types give its nodes.
 */
public final class AwsInstanceTypes {
  /** One instance type: its family, GPU name (h100, t4, ...), GPUs, memory per GPU, EFA interfaces. */
  public record Type(String name, String family, String gpu, int gpus, int gpuMemoryMib, int efa, int cpu, long memoryMib) {

    /** The GPU's memory in GB, as the MIG table and hosts' memory_gb count it. */
    public int gpuMemoryGb() {
      return Math.round(gpuMemoryMib / 1024f);
    }
  }

  private static final Map<String, Type> TYPES = load();

  private AwsInstanceTypes() {}

  /** Instance type name → type, in the table's order (by family, then size). */
  public static Map<String, Type> all() {
    return TYPES;
  }

  public static List<Type> ofFamily(String family) {
    return TYPES.values().stream().filter(t -> t.family().equals(family)).toList();
  }

  private static Map<String, Type> load() {
    JsonNode root = Output.yamlResource(AwsInstanceTypes.class, "aws-gpu-instance-types.yaml");
    Map<String, Type> out = new LinkedHashMap<>();
    root.get("instance_types").fields().forEachRemaining(e -> {
      JsonNode n = e.getValue();
      out.put(e.getKey(), new Type(e.getKey(), n.get("family").asText(), n.get("gpu").asText(), n.get("gpus").asInt(),
          n.get("gpu_memory_mib").asInt(), n.get("efa").asInt(), n.get("cpu").asInt(), n.get("memory_mib").asLong()));
    });
    return Collections.unmodifiableMap(out);
  }
}
