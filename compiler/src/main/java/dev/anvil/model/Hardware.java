package dev.anvil.model;

import java.util.List;

public record Hardware(
    int cpuCores, String cpuModel, int memoryGb, List<Accelerator> accelerators, List<Nic> nics, List<Mount> mounts) {

  public static final Hardware NONE = new Hardware(0, null, 0, List.of(), List.of(), List.of());

  /** Accelerator vendors the schema knows (host.schema.json), in the order dashboards list them. */
  public static final List<String> VENDORS = List.of("nvidia", "amd", "intel-gaudi", "rebellions",
      "furiosa", "tenstorrent", "google-tpu");

  public record Accelerator(String vendor, String model, int count, Integer memoryGb) {}

  /** A network interface; {@code type} is ethernet, infiniband or roce. */
  public record Nic(String name, String type, Integer rateGbps) {}

  public record Mount(String path, String fstype, String source) {}
}
