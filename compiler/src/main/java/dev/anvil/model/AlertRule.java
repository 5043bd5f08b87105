package dev.anvil.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.load.SourceRef;
import java.util.List;

/**
 * A rule template: an alerting rule ({@code kind: AlertRule}) or a recording rule ({@code kind:
 * RecordingRule}). Policies set its parameters per group or host ({@code alerts.<name>} or
 * {@code recording.<name>}); the Prometheus emitter renders {@code template} once per distinct
 * parameter set.
 *
 * @param family rule file the alert is emitted into (the template file's base name)
 * @param vendors accelerator vendors a host must have for the rule to apply; empty means any host
 * @param check custom check type a host must run for the rule to apply ("any": at least one check), or null
 * @param deviceTypes facility device types the rule reads (its exporter probes them); empty: all it probes
 * @param recording a recording rule: renders to {@code record} and {@code expr}, has no severity and no examples
 * @param fleetWide rendered once for the whole fleet with its defaults (e.g. many nodes down)
 * @param defaults parameter names and their default values
 * @param template Mustache template of one Prometheus rule, with [[ ]] delimiters
 * @param examples series that make the rule fire and series that keep it quiet, or null (docs/alert-tests.md)
 */
public record AlertRule(
    String name,
    String family,
    String exporter,
    List<String> vendors,
    String check,
    List<String> deviceTypes,
    boolean recording,
    boolean fleetWide,
    ObjectNode defaults,
    String template,
    Examples examples,
    SourceRef source) {

  /** Template variables Anvil sets for every rule besides its parameters; no parameter may take their names. */
  public static final java.util.Set<String> CONTEXT_VARIABLES = java.util.Set.of("selector", "job", "by", "devices");

  /** Keys of a policy entry that are not parameters. */
  public static final java.util.Set<String> ENTRY_KEYS = java.util.Set.of("enabled", "merge");

  /**
   * The one target label that names a target's alert class: which parameters every alert rule of
   * its job resolves to for it. Rules select the classes that share their parameters.
   */
  public static final String CLASS_LABEL = "anvil_class";

  /**
   * The label of each rendered rule (one per parameter set) that spells its parameters
   * ("for=5m,severity=warning,threshold=80"): on the rule, hence on its alerts, never on series.
   */
  public String paramsLabel() {
    return "anvil_" + name;
  }

  /** The policy section that sets this rule's parameters. */
  public String section() {
    return recording ? "recording" : "alerts";
  }

  /** What the rule is called in messages: "alert rule" or "recording rule". */
  public String what() {
    return recording ? "recording rule" : "alert rule";
  }

  /**
   * What {@code anvil test} feeds promtool to prove the rule: each map goes from a series key (a
   * family, optionally with labels in braces) to its values; {@code allHosts} puts every host of a
   * parameter set in one case instead of one host per accelerator vendor.
   */
  public record Examples(java.util.Map<String, Series> fires, java.util.Map<String, Series> quiet, boolean allHosts) {}

  /**
   * One example series: its values (a number, an arithmetic expression of [[ ]] parameters, or
   * promtool's expanding notation), and how many devices carry it (null: one; "0": none).
   */
  public record Series(String values, String count) {}
}
