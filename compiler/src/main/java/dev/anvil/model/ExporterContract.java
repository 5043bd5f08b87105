package dev.anvil.model;

import dev.anvil.load.SourceRef;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What the releases of an exporter from {@code oldest} to {@code version} really emit, read in its
 * upstream source (docs/contracts.md).
 *
 * @param families how the exporter's metric names look, as a regular expression
 * @param oldest the oldest release the contract also covers (null: {@code version} only)
 * @param vendors accelerator vendor → first exporter version that can read its devices
 * @param labels labels of every family that lists none of its own
 * @param notEmitted families with code that nothing feeds in the releases covered → why
 */
public record ExporterContract(String exporter, String families, String version, String oldest, String tag,
    String commit, Map<String, String> vendors, List<String> labels, SortedMap<String, Family> metrics,
    Map<String, String> notEmitted, SourceRef source) {

  /**
   * One metric family: its type, its labels, the vendors whose devices get it (empty: all), for
   * exporters with a counters file whether the default file enables it (null: no such file) and its
   * help text there, and the releases that emit it ({@code since} inclusive, {@code removed}
   * exclusive; null: every release covered), with a note on why.
   */
  public record Family(String type, List<String> labels, List<String> vendors, Boolean defaultCounters, String help,
      String at, String since, String removed, String note) {

    /** Whether release {@code v} of the exporter emits it. */
    public boolean emittedAt(String v) {
      return (since == null || Versions.compare(v, since) >= 0) && (removed == null || Versions.compare(v, removed) < 0);
    }
  }

  /** Whether this contract describes release {@code v}. */
  public boolean covers(String v) {
    if (v.equals(version)) return true;
    return oldest != null && Versions.isVersion(v) && Versions.compare(v, oldest) >= 0 && Versions.compare(v, version) <= 0;
  }

  /** The family as release {@code v} emits it, or null when that release does not. */
  public Family familyAt(String family, String v) {
    Family f = metrics.get(family);
    return f != null && f.emittedAt(v) ? f : null;
  }

  /** The contract of {@code exporter} that describes release {@code v}: the one read at it, else one covering it. */
  public static ExporterContract of(List<ExporterContract> contracts, String exporter, String v) {
    ExporterContract covering = null;
    for (ExporterContract c : contracts) {
      if (!c.exporter().equals(exporter)) continue;
      if (c.version().equals(v)) return c;
      if (covering == null && c.covers(v)) covering = c;
    }
    return covering;
  }

  /** The labels of {@code family} (which must be in {@link #metrics}). */
  public List<String> labelsOf(String family) {
    Family f = metrics.get(family);
    return f.labels().isEmpty() ? labels : f.labels();
  }
}
