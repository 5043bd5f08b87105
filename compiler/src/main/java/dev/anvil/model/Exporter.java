package dev.anvil.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.load.SourceRef;

/**
 * An exporter kind that hosts may run: its Prometheus job name and default settings (port,
 * enabled, version), which policies override per group or host.
 *
 * @param managed whether Anvil's playbook installs and runs it; false for a service something else
 *     runs (a distribution package, {@code anvil serve} itself), which is only scraped
 * @param probes facility device types it reads (multi-target, docs/facility.md); empty: it reads the host it runs on
 * @param probePath where it reads those devices while its hosts are scraped for themselves at
 *     metricsPath; null: it reads only devices, at metricsPath
 */
public record Exporter(String name, String job, String metricsPath, boolean managed, java.util.List<String> probes,
    String probePath, ObjectNode defaults, SourceRef source) {

  /** Whether the hosts that run it are scraped for their own metrics (not only for the devices it reads). */
  public boolean readsHosts() {
    return probes.isEmpty() || probePath != null;
  }

  /** Whether it reads facility devices in a scrape job of their own, beside its hosts' ({@code JOB-devices}). */
  public boolean hasDeviceJob() {
    return !probes.isEmpty();
  }

  /** The names of its scrape jobs (and target files): its hosts', its devices', or both. */
  public java.util.List<String> scrapeJobs() {
    if (!hasDeviceJob()) return java.util.List.of(job);
    return readsHosts() ? java.util.List.of(job, deviceJob()) : java.util.List.of(deviceJob());
  }

  /** The scrape job (and target file) of the devices it reads. */
  public String deviceJob() {
    return probePath == null ? job : job + "-devices";
  }
}
