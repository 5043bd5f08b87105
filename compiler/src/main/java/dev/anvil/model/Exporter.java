package dev.anvil.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.load.SourceRef;

/**
 * An exporter kind that hosts may run: its Prometheus job name and default settings (port,
 * enabled, version), which policies override per group or host.
 */
public record Exporter(String name, String job, String metricsPath, ObjectNode defaults, SourceRef source) {}
