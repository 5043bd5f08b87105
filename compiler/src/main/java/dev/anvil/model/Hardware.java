package dev.anvil.model;

import java.util.List;
import java.util.Objects;

/**
 * A host's hardware. Loading keeps one instance per distinct value, looked up by hash for every
 * host: equals and hashCode are written out for the reason
 * {@link GroupName} gives, and because linking a record's generated ones costs each of these four
 * classes a few milliseconds of method-handle spinning on every run.
 */
public record Hardware(
    int cpuCores, String cpuModel, int memoryGb, List<Accelerator> accelerators, List<Nic> nics, List<Mount> mounts) {

  public static final Hardware NONE = new Hardware(0, null, 0, List.of(), List.of(), List.of());

  /** Accelerator vendors the schema knows (host.schema.json), in the order dashboards list them. */
  public static final List<String> VENDORS = List.of("nvidia", "amd", "intel-gaudi", "rebellions",
      "furiosa", "tenstorrent", "google-tpu");

  @Override
  public boolean equals(Object o) {
    return o instanceof Hardware h && cpuCores == h.cpuCores && memoryGb == h.memoryGb
        && Objects.equals(cpuModel, h.cpuModel) && accelerators.equals(h.accelerators) && nics.equals(h.nics)
        && mounts.equals(h.mounts);
  }

  @Override
  public int hashCode() {
    return ((((cpuCores * 31 + Objects.hashCode(cpuModel)) * 31 + memoryGb) * 31 + accelerators.hashCode()) * 31
        + nics.hashCode()) * 31 + mounts.hashCode();
  }

  public record Accelerator(String vendor, String model, int count, Integer memoryGb) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Accelerator a && count == a.count && Objects.equals(vendor, a.vendor)
          && Objects.equals(model, a.model) && Objects.equals(memoryGb, a.memoryGb);
    }

    @Override
    public int hashCode() {
      return ((Objects.hashCode(vendor) * 31 + Objects.hashCode(model)) * 31 + count) * 31 + Objects.hashCode(memoryGb);
    }
  }

  /** A network interface; {@code type} is ethernet, infiniband or roce. */
  public record Nic(String name, String type, Integer rateGbps) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Nic n && Objects.equals(name, n.name) && Objects.equals(type, n.type)
          && Objects.equals(rateGbps, n.rateGbps);
    }

    @Override
    public int hashCode() {
      return (Objects.hashCode(name) * 31 + Objects.hashCode(type)) * 31 + Objects.hashCode(rateGbps);
    }
  }

  public record Mount(String path, String fstype, String source) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Mount m && Objects.equals(path, m.path) && Objects.equals(fstype, m.fstype)
          && Objects.equals(source, m.source);
    }

    @Override
    public int hashCode() {
      return (Objects.hashCode(path) * 31 + Objects.hashCode(fstype)) * 31 + Objects.hashCode(source);
    }
  }
}
