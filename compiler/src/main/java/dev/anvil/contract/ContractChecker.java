package dev.anvil.contract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.diag.Diagnostic.Note;
import dev.anvil.diag.Diagnostics;
import dev.anvil.diag.Position;
import dev.anvil.diag.Suggestions;
import dev.anvil.diag.Text;
import dev.anvil.emit.TargetLabels;
import dev.anvil.model.AlertRule;
import dev.anvil.model.Dashboard;
import dev.anvil.model.ExporterContract;
import dev.anvil.model.Hardware;
import dev.anvil.model.Versions;
import dev.anvil.model.Fleet;
import dev.anvil.resolve.Provenance;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.ResolvedSection;
import dev.anvil.resolve.Resolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * Rules and dashboards against what the exporter versions the hosts really run emit
 * (rules/contracts/, docs/contracts.md): every family used must be emitted by each version in use,
 * every label shown must be on those families or on the targets, and every accelerator vendor must
 * be readable by the version its host runs. Versions resolve per host like any policy value.
 */
public final class ContractChecker {
  // labels shown to people: $labels.x in alert annotations, {{x}} in Grafana legends
  private static final java.util.regex.Pattern ANNOTATION_LABEL = java.util.regex.Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");
  private static final java.util.regex.Pattern LEGEND_LABEL = java.util.regex.Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");
  // Anvil's own template variables ([[selector]], [[job.node_exporter]]) name no metric
  private static final String VARIABLE = "\\[\\[[^\\]]*\\]\\]";
  private static final java.util.regex.Pattern STRING = java.util.regex.Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final java.util.regex.Pattern MATCHER_LABEL = java.util.regex.Pattern.compile(
      "([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
  private static final java.util.regex.Pattern LABEL_LIST = java.util.regex.Pattern.compile(
      "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  /** Labels only alerts carry: series an exporter writes never have them. */
  private static final Set<String> ALERT_ONLY = Set.of("alertname", "severity");

  private final ResolvedFleet resolved;
  private final Diagnostics diagnostics;

  private ContractChecker(ResolvedFleet resolved, Diagnostics diagnostics) {
    this.resolved = resolved;
    this.diagnostics = diagnostics;
  }

  public static void check(ResolvedFleet resolved, Diagnostics diagnostics) {
    new ContractChecker(resolved, diagnostics).run();
  }

  /** One exporter version in use: its contract (null when none was read) and the hosts running it. */
  private record InUse(String exporter, String version, ExporterContract contract, List<ResolvedHost> hosts,
      Position setAt) {}

  private void run() {
    Fleet fleet = resolved.fleet();
    Map<String, List<ExporterContract>> byExporter = new TreeMap<>();
    for (ExporterContract c : fleet.contracts()) byExporter.computeIfAbsent(c.exporter(), k -> new ArrayList<>()).add(c);
    List<InUse> inUse = new ArrayList<>();
    for (var e : byExporter.entrySet()) inUse.addAll(versionsInUse(e.getKey(), e.getValue()));
    if (inUse.stream().allMatch(u -> u.contract() == null && byExporter.get(u.exporter()).stream()
        .allMatch(c -> c.vendors().isEmpty()))) {
      return;  // nothing to check against
    }
    Set<String> targetLabels = targetLabels(fleet);

    for (InUse u : inUse) {
      checkVendors(u, byExporter.get(u.exporter()));
      if (u.contract() == null) continue;
      for (AlertRule r : fleet.alertRules()) {
        // a rule is held to the versions of the hosts it applies to (a TPU rule, not to the NVIDIA hosts' version)
        if (!r.exporter().equals(u.exporter()) || u.hosts().stream().noneMatch(h -> h.alertApplies(r))) continue;
        check(u.contract(), u.version(), exprOf(r.template()), labelsIn(ANNOTATION_LABEL, r.template()), r.source().at("/rule"),
            "alert rule '" + r.name() + "'", targetLabels);
      }
      for (Dashboard d : fleet.dashboards()) {
        for (Dashboard.Row row : d.rows()) {
          for (Dashboard.Panel p : row.panels()) {
            for (int q = 0; q < p.queries().size(); q++) {
              Dashboard.Query query = p.queries().get(q);
              List<String> shown = query.legend() == null ? List.of() : labelsIn(LEGEND_LABEL, query.legend());
              check(u.contract(), u.version(), query.expr(), shown, d.source().at(p.pointer() + "/queries/" + q), "dashboard '" + d.name()
                  + "', panel '" + p.title() + "'", targetLabels);
            }
          }
        }
      }
    }
  }

  /** The distinct versions of {@code exporter} the hosts run, each with its contract if one was read. */
  private List<InUse> versionsInUse(String exporter, List<ExporterContract> contracts) {
    Map<String, List<ResolvedHost>> byVersion = new TreeMap<>();
    Map<String, Position> setAt = new LinkedHashMap<>();
    // per host in a lambda, whose body is a method of its own (docs/architecture.md, "Performance")
    resolved.hosts().forEach(h -> {
      if (!h.runs(exporter)) return;
      String version = h.section(Resolver.EXPORTERS).path(exporter).path("version").asText("");
      byVersion.computeIfAbsent(version, k -> new ArrayList<>()).add(h);
      setAt.computeIfAbsent(version, k -> versionPosition(h, exporter));
    });
    List<InUse> out = new ArrayList<>();
    byVersion.forEach((version, hosts) -> {
      ExporterContract contract = ExporterContract.of(contracts, exporter, version);
      if (contract == null) {
        diagnostics.add(dev.anvil.diag.Diagnostic.warning(setAt.get(version), exporter + " " + Text.shown(version) + " (on " + who(hosts)
            + ") has no contract: its rules and dashboards are not checked against what it emits (contracts read: "
            + String.join(", ", contracts.stream().map(ExporterContract::version).toList()) + ")"));
      }
      out.add(new InUse(exporter, version, contract, hosts, setAt.get(version)));
    });
    return out;
  }

  /** Where a host's version of the exporter is set (policy, or the exporter's default). */
  private static Position versionPosition(ResolvedHost h, String exporter) {
    ResolvedSection section = h.sections().get(Resolver.EXPORTERS);
    ResolvedSection.Entry entry = section == null ? null : section.entry(exporter);
    Provenance p = entry == null ? null : entry.provenance().get(exporter + ".version");
    return p == null ? h.host().source().at("") : p.from().positionOf("version");
  }

  /** Each accelerator vendor must be readable by the version its host runs (the newest table read says from when). */
  private void checkVendors(InUse u, List<ExporterContract> contracts) {
    ExporterContract newest = null;
    for (ExporterContract c : contracts) {
      if (!c.vendors().isEmpty() && (newest == null || Versions.compare(c.version(), newest.version()) > 0)) newest = c;
    }
    if (newest == null) return;
    Map<String, List<ResolvedHost>> unreadable = new TreeMap<>();
    ExporterContract table = newest;
    // per host in a lambda, whose body is a method of its own (docs/architecture.md, "Performance")
    u.hosts().forEach(h -> {
      Set<String> vendors = new TreeSet<>();
      for (Hardware.Accelerator a : h.host().hardware().accelerators()) vendors.add(a.vendor());
      for (String vendor : vendors) {
        String since = table.vendors().get(vendor);
        if (since == null || !Versions.isVersion(u.version()) || Versions.compare(u.version(), since) < 0) {
          unreadable.computeIfAbsent(vendor, k -> new ArrayList<>()).add(h);
        }
      }
    });
    for (var e : unreadable.entrySet()) {
      String since = newest.vendors().get(e.getKey());
      String why = since == null ? "no " + u.exporter() + " version read can report them (" + newest.source().file()
          + " lists " + String.join(", ", newest.vendors().keySet()) + ")"
          : since + " is the first version that can";
      diagnostics.error(u.setAt(), u.exporter() + " " + Text.shown(u.version()) + " cannot read " + e.getKey()
          + " devices, which " + who(e.getValue()) + " " + (e.getValue().size() == 1 ? "has" : "have") + "; " + why,
          new Note(e.getValue().get(0).host().source().at("/hardware/accelerators"), "accelerators declared here"));
    }
  }

  /**
   * The rule's PromQL expression, where its families are named (the annotations are prose: "node_exporter
   * on ..."); the whole template when it is not YAML, so that every name in it counts.
   */
  static String exprOf(String template) {
    String expr = templateField(template, "expr");
    return expr != null ? expr : template;
  }

  /**
   * A top-level text field of a rule template ({@code alert}, {@code expr}), or null. The template's
   * [[ ]] variables are read as a placeholder name, which keeps it YAML.
   */
  public static String templateField(String template, String field) {
    try {
      JsonNode rule = Yaml.MAPPER.readTree(template.replaceAll(VARIABLE, "__anvil_variable"));
      if (rule != null && rule.path(field).isTextual()) return rule.get(field).asText();
    } catch (java.io.IOException e) {
      // not YAML after all
    }
    return null;
  }

  /** Made on first use: explain reads no template for a contract, and need not set up an ObjectMapper. */
  private static final class Yaml {
    static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
        new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
  }

  private static final Map<String, Pattern> FAMILIES = new java.util.concurrent.ConcurrentHashMap<>();

  /** The names of {@code contract}'s families in a PromQL expression. */
  static Set<String> familiesIn(ExporterContract contract, String expr) {
    // RE2: the pattern is input, so its matching must stay linear; compiled once per pattern
    Pattern families = FAMILIES.computeIfAbsent(contract.families(), f -> Pattern.compile("\\b(?:" + f + ")"));
    Matcher m = families.matcher(withoutLabelNames(expr));
    Set<String> used = new TreeSet<>();
    while (m.find()) used.add(m.group());
    return used;
  }

  /** The expression as PromQL code: Anvil's [[ ]] variables and the contents of string literals blanked. */
  private static String code(String expr) {
    return STRING.matcher(expr.replaceAll(VARIABLE, " ")).replaceAll("\"\"");
  }

  private static final java.util.regex.Pattern BRACES = java.util.regex.Pattern.compile("\\{[^{}]*}");

  /**
   * The expression without what only names labels — strings, the label names of matchers, grouping
   * and joining lists — so that a label named like a family ({@code rPDU2PhaseStatusIndex}) is not
   * read as one.
   */
  static String withoutLabelNames(String expr) {
    java.util.regex.Matcher m = BRACES.matcher(code(expr));
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(MATCHER_LABEL.matcher(m.group()).replaceAll("$2")));
    }
    m.appendTail(sb);
    return LABEL_LIST.matcher(sb.toString()).replaceAll("$1 ()");
  }

  /** The families of {@code contract} that the fleet's alert rules (for its exporter) and dashboards use. */
  public static Set<String> familiesUsed(Fleet fleet, ExporterContract contract) {
    Set<String> used = new TreeSet<>();
    for (AlertRule r : fleet.alertRules()) {
      if (r.exporter().equals(contract.exporter())) used.addAll(familiesIn(contract, exprOf(r.template())));
    }
    for (Dashboard d : fleet.dashboards()) {
      for (Dashboard.Row row : d.rows()) {
        for (Dashboard.Panel p : row.panels()) p.queries().forEach(q -> used.addAll(familiesIn(contract, q.expr())));
      }
    }
    return used;
  }

  private static List<String> labelsIn(java.util.regex.Pattern pattern, String text) {
    List<String> out = new ArrayList<>();
    java.util.regex.Matcher m = pattern.matcher(text);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  /** The families of {@code contract} that {@code expr} uses, and the labels {@code shown} to people. */
  private void check(ExporterContract contract, String version, String expr, List<String> shown, Position at,
      String what, Set<String> targetLabels) {
    Set<String> used = familiesIn(contract, expr);
    Set<String> labels = new TreeSet<>(targetLabels);
    boolean unknown = false;
    for (String family : used) {
      ExporterContract.Family f = contract.metrics().get(family);
      if (f != null && f.type().equals("label")) {
        unknown = true;
        diagnostics.error(at, what + ": " + family + " is a label " + contract.exporter() + " adds to every series,"
            + " not a metric");
        continue;
      }
      if (f != null && f.emittedAt(version)) {
        labels.addAll(contract.labelsOf(family));
        continue;
      }
      unknown = true;
      String read = contract.tag() + " (" + contract.commit().substring(0, 12) + ")";
      if (f != null) {
        String when = f.since() != null && Versions.compare(version, f.since()) < 0 ? "added in " + f.since()
            : "removed in " + f.removed();
        diagnostics.error(at, what + ": " + contract.exporter() + " " + Text.shown(version) + " does not emit " + Text.shown(family)
            + " (" + when + (f.note() == null ? "" : ": " + f.note()) + ")",
            new Note(contract.source().at("/metrics/" + family.replace("~", "~0").replace("/", "~1")), "read at " + read));
        continue;
      }
      String why = contract.notEmitted().get(family);
      diagnostics.error(at, what + ": " + contract.exporter() + " " + Text.shown(version) + " does not emit "
          + Text.shown(family) + (why != null ? " (" + why + ")" : Suggestions.didYouMean(family, contract.metrics().keySet())),
          why != null ? new Note(contract.source().at("/not_emitted/" + family.replace("~", "~0").replace("/", "~1")),
              "read at " + read)
              : new Note(contract.source().at("/metrics"), "what it emits, read at " + read));
    }
    if (used.isEmpty() || unknown) return;
    // a label the exporter writes that the target also has is kept as exported_<label> (honor_labels: false)
    for (String family : used) {
      for (String l : contract.labelsOf(family)) if (targetLabels.contains(l)) labels.add("exported_" + l);
    }
    Set<String> reported = new TreeSet<>();
    String code = code(expr);
    // selected on: a selector's labels must be on the families used or the target
    Set<String> onSeries = new TreeSet<>(labels);
    onSeries.removeAll(ALERT_ONLY);
    for (dev.anvil.emit.PromQl.Selector s : dev.anvil.emit.PromQl.scan(code).selectors()) {
      if (!used.contains(s.metric())) continue;
      java.util.regex.Matcher m = MATCHER_LABEL.matcher(s.matchers());
      while (m.find()) {
        String label = m.group(1);
        if (onSeries.contains(label) || label.startsWith("__") || label.startsWith("anvil_") || !reported.add(label)) continue;
        diagnostics.error(at, what + ": " + s.metric() + " has no label '" + Text.shown(label) + "' ("
            + contract.exporter() + " " + Text.shown(version) + ": " + String.join(", ", contract.labelsOf(s.metric()))
            + "), so this matcher " + (m.group(2).startsWith("!") ? "excludes nothing" : "selects nothing")
            + Suggestions.didYouMean(label, onSeries));
      }
    }
    // grouped and joined on (by, without, on, ignoring), or shown to people (annotations, legends)
    List<String> named = new ArrayList<>();
    java.util.regex.Matcher lists = LABEL_LIST.matcher(code);
    while (lists.find()) {
      for (String l : lists.group(2).split(",")) if (!l.isBlank()) named.add(l.strip());
    }
    named.addAll(shown);
    for (String label : named) {
      if (labels.contains(label) || label.startsWith("__") || label.startsWith("anvil_") || !reported.add(label)) continue;
      diagnostics.error(at, what + ": label '" + Text.shown(label) + "' is on neither " + String.join(", ", used)
          + " (" + contract.exporter() + " " + Text.shown(version) + ") nor the targets"
          + Suggestions.didYouMean(label, labels));
    }
  }

  /** Every label a target can carry, plus those Prometheus and the alert rules add. */
  private Set<String> targetLabels(Fleet fleet) {
    Set<String> labels = new TreeSet<>(Set.of("job", "instance", "alertname", "severity", "provider",
        TargetLabels.ACCELERATORS, TargetLabels.ROUTING, TargetLabels.DEVICE_TYPE));
    labels.addAll(fleet.namespaces().keySet());
    // hosts with the same resolved labels share one map: each distinct one is read once
    Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    // per host in a lambda, whose body is a method of its own (docs/architecture.md, "Performance")
    resolved.hosts().forEach(h -> {
      Object section = h.sections().get(Resolver.LABELS);
      if (section == null || seen.add(section)) labels.addAll(h.labels().keySet());
    });
    return labels;
  }

  private static String who(List<ResolvedHost> hosts) {
    String first = hosts.get(0).name();
    return hosts.size() == 1 ? first : first + " and " + (hosts.size() - 1) + " more host" + (hosts.size() == 2 ? "" : "s");
  }
}
