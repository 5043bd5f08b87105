package dev.anvil.model;

import dev.anvil.load.SourceRef;
import java.util.List;

/**
 * A dashboard template: rows of panels whose queries are Mustache templates ([[ ]]) over the
 * fleet's filters. The Grafana emitter renders it only when the fleet meets {@code requires}.
 *
 * @param name file name and Grafana uid suffix
 * @param folder Grafana folder it is provisioned into
 */
public record Dashboard(String name, String title, String folder, String description, List<String> tags,
    Requires requires, List<Row> rows, SourceRef source) {

  /**
   * What the fleet must have for a dashboard, row or panel to be rendered; each list means "any of".
   * An empty requirement always holds.
   */
  public record Requires(List<String> vendors, List<String> exporters, boolean checks, List<String> rules) {
    public static final Requires NONE = new Requires(List.of(), List.of(), false, List.of());
  }

  public record Row(String title, Requires requires, List<Panel> panels) {}

  /** @param pointer JSON pointer of the panel in its document, for positions */
  public record Panel(String title, String type, String description, String unit, Double min, Double max,
      List<Double> thresholds, int width, int height, Requires requires, List<Query> queries, String pointer) {}

  public record Query(String expr, String legend, boolean instant) {}
}
