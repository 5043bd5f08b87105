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
 */
public record Exporter(String name, String job, String metricsPath, boolean managed, java.util.List<String> probes,
    ObjectNode defaults, SourceRef source) {}
