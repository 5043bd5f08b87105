package dev.anvil.model;

import java.util.Set;
import java.util.TreeSet;

/**
 * The custom checks the agent ({@code agent/anvil-check-agent}) knows, and the settings each takes.
 * A policy entry may only use settings of its type; after resolution the required ones must be set.
 */
public enum CheckType {
  MOUNT(Set.of("paths"), Set.of("fstype", "writable", "timeout", "max_latency")),
  NVME(Set.of(), Set.of("devices")),
  INFINIBAND(Set.of(), Set.of("ports", "min_rate_gbps")),
  PARALLEL_FS(Set.of("paths", "max_latency"), Set.of("timeout")),
  SMART(Set.of("devices"), Set.of("timeout")),
  RAID(Set.of(), Set.of("devices", "controller", "tool", "timeout")),
  TCP_PORT(Set.of("target"), Set.of("timeout")),
  LICENCE_EXPIRY(Set.of("expires"), Set.of("warn_days")),
  COMMAND(Set.of("command"), Set.of("timeout", "expect_exit", "metrics", "user", "as_root")),
  IO_BANDWIDTH(Set.of("paths"), Set.of("size_mib", "min_mbps", "timeout"));

  /** Settings every check takes. */
  public static final Set<String> COMMON = Set.of("type", "enabled", "interval", "merge");

  private final Set<String> required;
  private final Set<String> optional;

  CheckType(Set<String> required, Set<String> optional) {
    this.required = required;
    this.optional = optional;
  }

  /** The name used in policies, e.g. {@code parallel_fs}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static CheckType parse(String label) {
    for (CheckType t : values()) if (t.label().equals(label)) return t;
    return null;
  }

  public Set<String> required() {
    return required;
  }

  public boolean accepts(String setting) {
    return COMMON.contains(setting) || required.contains(setting) || optional.contains(setting);
  }

  /** Settings of this type, sorted, for messages. */
  public Set<String> settings() {
    Set<String> all = new TreeSet<>(required);
    all.addAll(optional);
    return all;
  }
}
