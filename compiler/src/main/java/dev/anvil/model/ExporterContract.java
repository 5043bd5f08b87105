package dev.anvil.model;

import dev.anvil.load.SourceRef;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What one version of an exporter really emits, read in its upstream source (docs/contracts.md).
 *
 * @param families how the exporter's metric names look, as a regular expression
 * @param vendors accelerator vendor → first exporter version that can read its devices
 * @param labels labels of every family that lists none of its own
 * @param notEmitted families with code that nothing feeds at this version → why
 */
public record ExporterContract(String exporter, String families, String version, String tag, String commit,
    Map<String, String> vendors, List<String> labels, SortedMap<String, Family> metrics,
    Map<String, String> notEmitted, SourceRef source) {

  /**
   * One metric family: its type, its labels, the vendors whose devices get it (empty: all), and for
   * exporters with a counters file, whether the default file enables it (null: no such file) and its
   * help text there.
   */
  public record Family(String type, List<String> labels, List<String> vendors, Boolean defaultCounters, String help,
      String at) {}

  /** The labels of {@code family} (which must be in {@link #metrics}). */
  public List<String> labelsOf(String family) {
    Family f = metrics.get(family);
    return f.labels().isEmpty() ? labels : f.labels();
  }
}
