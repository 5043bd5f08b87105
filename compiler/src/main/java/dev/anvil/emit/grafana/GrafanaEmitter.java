package dev.anvil.emit.grafana;

import com.github.mustachejava.Mustache;
import dev.anvil.diag.Diagnostics;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.emit.TargetLabels;
import dev.anvil.emit.Templates;
import dev.anvil.model.Dashboard;
import dev.anvil.model.Dashboard.Panel;
import dev.anvil.model.Dashboard.Query;
import dev.anvil.model.Dashboard.Requires;
import dev.anvil.model.Fleet;
import dev.anvil.model.GroupName;
import dev.anvil.model.Hardware;
import dev.anvil.model.Namespace;
import dev.anvil.model.PrometheusSettings;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.Resolver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code grafana/}: one dashboard per template whose requirements the fleet meets (a vendor's
 * dashboard only when some host has that vendor's accelerators), in one directory per Grafana
 * folder, and the provisioning files that load them and their datasources.
 *
 * <p>Every dashboard gets one variable per namespace, listing the namespace's groups, and an
 * instance variable. Queries filter with {@code [[filter]]}: the namespace labels on targets hold
 * comma-separated group paths, so a group matches its own hosts and those of its descendants.
 */
public final class GrafanaEmitter implements Emitter {
  static final String DIR = "grafana/";
  static final String PROMETHEUS_UID = "anvil-prometheus";
  static final String ALERTMANAGER_UID = "anvil-alertmanager";
  static final Map<String, Object> PROMETHEUS = Map.of("type", "prometheus", "uid", PROMETHEUS_UID);
  private static final int GRID_WIDTH = 24;

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    Fleet fleet = resolved.fleet();
    FleetFacts facts = FleetFacts.of(resolved);
    List<String> namespaces = namespacesWithGroups(fleet);
    Map<String, Object> scope = scope(fleet, namespaces);
    List<Object> variables = variables(fleet, namespaces);
    List<OutputFile> files = new ArrayList<>();
    for (Dashboard d : fleet.dashboards()) {
      if (!facts.meets(d.requires())) continue;
      Map<String, Object> json = dashboard(d, facts, scope, variables, diagnostics);
      files.add(Output.json(DIR + "dashboards/" + d.folder() + "/" + d.name() + ".json", json));
    }
    if (!files.isEmpty()) files.addAll(provisioning(fleet.prometheus()));
    return files;
  }

  /** What dashboards may require of the fleet. */
  record FleetFacts(Set<String> vendors, Set<String> exporters, boolean checks, Set<String> rules) {
    static FleetFacts of(ResolvedFleet resolved) {
      Set<String> vendors = new HashSet<>();
      Set<String> exporters = new HashSet<>();
      Set<String> rules = new HashSet<>();
      boolean[] checks = {false};
      // hosts share their hardware and their resolved sections: each distinct one is looked at once
      Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      // per host in a lambda, whose body is a method of its own (docs/architecture.md, "Performance")
      resolved.hosts().forEach(h -> {
        if (seen.add(h.host().hardware())) {
          for (Hardware.Accelerator a : h.host().hardware().accelerators()) vendors.add(a.vendor());
        }
        if (seen.add(h.section(Resolver.EXPORTERS))) {
          for (String e : resolved.fleet().exporters().keySet()) if (h.runs(e)) exporters.add(e);
        }
        if (seen.add(h.section(Resolver.CHECKS))) checks[0] |= h.runsCheck("any");
      });
      // only the rules some dashboard requires: each may take a pass over the hosts
      Set<String> required = new HashSet<>();
      for (var d : resolved.fleet().dashboards()) {
        required.addAll(d.requires().rules());
        for (var row : d.rows()) {
          required.addAll(row.requires().rules());
          row.panels().forEach(p -> required.addAll(p.requires().rules()));
        }
      }
      for (var rule : resolved.fleet().alertRules()) {
        if (required.contains(rule.name()) && resolved.hosts().stream().anyMatch(h -> h.alertApplies(rule))) {
          rules.add(rule.name());
        }
      }
      return new FleetFacts(vendors, exporters, checks[0], rules);
    }

    boolean meets(Requires r) {
      return (r.vendors().isEmpty() || r.vendors().stream().anyMatch(vendors::contains))
          && (r.exporters().isEmpty() || r.exporters().stream().anyMatch(exporters::contains))
          && (!r.checks() || checks)
          && (r.rules().isEmpty() || r.rules().stream().anyMatch(rules::contains));
    }
  }

  /** Namespaces that have groups, strongest first: one dashboard variable each. */
  private static List<String> namespacesWithGroups(Fleet fleet) {
    Set<String> used = new HashSet<>();
    for (GroupName g : fleet.groups().keySet()) used.add(g.namespace());
    return fleet.namespaces().values().stream()
        .filter(n -> used.contains(n.name()))
        .sorted(Comparator.comparingInt(Namespace::priority).thenComparing(Namespace::name))
        .map(Namespace::name)
        .toList();
  }

  /** A group path selected in the namespace's variable, or any of its descendants, among the label's paths. */
  static String namespaceMatcher(String namespace) {
    return namespace + "=~\"(.*,)?(${" + namespace + ":regex})(/[^,]*)?(,.*)?\"";
  }

  /** Template variables (the reference checker knows the same names): [[filter]], [[vendor.NAME]], [[job.EXPORTER]]. */
  private static Map<String, Object> scope(Fleet fleet, List<String> namespaces) {
    List<String> matchers = new ArrayList<>();
    for (String ns : namespaces) matchers.add(namespaceMatcher(ns));
    matchers.add("instance=~\"$instance\"");
    Map<String, Object> vendor = new TreeMap<>();
    for (String v : Hardware.VENDORS) {
      vendor.put(v.replace('-', '_'), TargetLabels.ACCELERATORS + "=~\"(.*,)?" + v + "(,.*)?\"");
    }
    Map<String, Object> job = new TreeMap<>();
    fleet.exporters().values().forEach(e -> job.put(e.name().replace('-', '_'), e.job()));
    Map<String, Object> scope = new TreeMap<>();
    scope.put("filter", String.join(",", matchers));
    scope.put("vendor", vendor);
    scope.put("job", job);
    return scope;
  }


  private static List<Object> variables(Fleet fleet, List<String> namespaces) {
    List<Object> out = new ArrayList<>();
    List<String> matchers = new ArrayList<>();
    for (String ns : namespaces) {
      Set<String> paths = new TreeSet<>();
      for (GroupName g : fleet.groups().keySet()) {
        if (!g.namespace().equals(ns)) continue;
        for (GroupName a : g.selfAndAncestors()) paths.add(a.path());
      }
      Map<String, Object> v = variable(ns, "custom");
      v.put("query", String.join(",", paths));
      out.add(v);
      matchers.add(namespaceMatcher(ns));
    }
    Map<String, Object> instance = variable("instance", "query");
    String query = "label_values(up{" + String.join(",", matchers) + "}, instance)";
    instance.put("datasource", PROMETHEUS);
    instance.put("definition", query);
    instance.put("query", Map.of("query", query, "refId", "PrometheusVariableQueryEditor-VariableQuery"));
    instance.put("refresh", 2);
    instance.put("sort", 1);
    out.add(instance);
    return out;
  }

  private static Map<String, Object> variable(String name, String type) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("name", name);
    v.put("label", Character.toUpperCase(name.charAt(0)) + name.substring(1));
    v.put("type", type);
    v.put("multi", true);
    v.put("includeAll", true);
    v.put("allValue", ".*");
    v.put("current", Map.of("selected", true, "text", List.of("All"), "value", List.of("$__all")));
    v.put("options", List.of());
    v.put("hide", 0);
    return v;
  }

  private static Map<String, Object> dashboard(Dashboard d, FleetFacts facts, Map<String, Object> scope,
      List<Object> variables, Diagnostics diagnostics) {
    Layout layout = new Layout();
    List<Object> panels = new ArrayList<>();
    for (Dashboard.Row row : d.rows()) {
      if (!facts.meets(row.requires())) continue;
      List<Panel> shown = row.panels().stream().filter(p -> facts.meets(p.requires())).toList();
      if (shown.isEmpty()) continue;
      panels.add(layout.row(row.title()));
      for (Panel p : shown) panels.add(panel(d, p, layout, scope, diagnostics));
    }
    Map<String, Object> json = new TreeMap<>();
    json.put("uid", "anvil-" + d.name());
    json.put("title", d.title());
    json.put("description", (d.description() == null ? "" : d.description() + " ") + "(" + Output.GENERATED + ")");
    List<String> tags = new ArrayList<>(List.of("anvil"));
    tags.addAll(d.tags());
    json.put("tags", tags);
    json.put("editable", false);
    json.put("graphTooltip", 1);
    json.put("refresh", "1m");
    json.put("schemaVersion", 39);
    json.put("version", 1);
    json.put("time", Map.of("from", "now-6h", "to", "now"));
    json.put("timezone", "browser");
    json.put("templating", Map.of("list", variables));
    json.put("annotations", Map.of("list", List.of()));
    json.put("links", List.of(Map.of("type", "dashboards", "tags", List.of("anvil"), "title", "Anvil dashboards",
        "asDropdown", true, "includeVars", true, "keepTime", true)));
    json.put("panels", panels);
    return json;
  }

  private static Map<String, Object> panel(Dashboard d, Panel p, Layout layout, Map<String, Object> scope,
      Diagnostics diagnostics) {
    Map<String, Object> json = new TreeMap<>();
    json.put("id", layout.nextId());
    json.put("type", p.type());
    json.put("title", p.title());
    if (p.description() != null) json.put("description", p.description());
    json.put("datasource", PROMETHEUS);
    json.put("gridPos", layout.place(p.width(), p.height()));
    List<Object> targets = new ArrayList<>();
    for (int i = 0; i < p.queries().size(); i++) {
      Query q = p.queries().get(i);
      String expr = render(d, p.pointer() + "/queries/" + i + "/expr", q.expr(), scope, diagnostics);
      for (String problem : dev.anvil.emit.PromQl.scan(expr).problems()) {
        diagnostics.error(d.source().at(p.pointer() + "/queries/" + i + "/expr"), "dashboard '" + d.name() + "', panel '"
            + p.title() + "': PromQL: " + problem);
      }
      Map<String, Object> t = new TreeMap<>();
      t.put("refId", String.valueOf((char) ('A' + i)));
      t.put("datasource", PROMETHEUS);
      t.put("editorMode", "code");
      t.put("expr", expr);
      t.put("legendFormat", q.legend() == null ? "__auto" : q.legend());
      t.put("instant", q.instant());
      t.put("range", !q.instant());
      if (p.type().equals("table")) t.put("format", "table");
      targets.add(t);
    }
    json.put("targets", targets);
    Map<String, Object> defaults = new TreeMap<>();
    if (p.unit() != null) defaults.put("unit", p.unit());
    if (p.min() != null) defaults.put("min", p.min());
    if (p.max() != null) defaults.put("max", p.max());
    List<Object> steps = new ArrayList<>();
    Map<String, Object> base = new TreeMap<>();
    base.put("color", "green");
    base.put("value", null);
    steps.add(base);
    List<String> colors = List.of("orange", "red");
    for (int i = 0; i < p.thresholds().size(); i++) {
      steps.add(Map.of("color", p.thresholds().size() == 1 ? "red" : colors.get(i), "value", p.thresholds().get(i)));
    }
    defaults.put("thresholds", Map.of("mode", "absolute", "steps", steps));
    defaults.put("color", Map.of("mode", p.thresholds().isEmpty() || p.type().equals("timeseries")
        ? "palette-classic" : "thresholds"));
    json.put("fieldConfig", Map.of("defaults", defaults, "overrides", List.of()));
    json.put("options", options(p.type()));
    if (p.type().equals("table")) {
      json.put("transformations", List.of(Map.of("id", "merge", "options", Map.of()),
          Map.of("id", "organize", "options", Map.of("excludeByName", Map.of("Time", true, "__name__", true)))));
    }
    return json;
  }

  private static Map<String, Object> options(String type) {
    return switch (type) {
      case "timeseries" -> Map.of("legend", Map.of("displayMode", "list", "placement", "bottom", "showLegend", true),
          "tooltip", Map.of("mode", "multi", "sort", "desc"));
      case "table" -> Map.of("showHeader", true, "cellHeight", "sm");
      default -> Map.of("reduceOptions", Map.of("calcs", List.of("lastNotNull"), "fields", "", "values", false),
          "orientation", "auto", "textMode", "auto", "colorMode", "value", "graphMode", "area");
    };
  }

  private static String render(Dashboard d, String pointer, String text, Map<String, Object> scope,
      Diagnostics diagnostics) {
    try {
      Mustache m = Templates.compile(d.source().file() + "#" + pointer, text);
      return Templates.render(m, scope).strip();
    } catch (RuntimeException e) {
      diagnostics.error(d.source().at(pointer), "dashboard '" + d.name() + "': invalid template: " + e.getMessage());
      return text;
    }
  }

  /** Places panels left to right on Grafana's 24-column grid, wrapping to a new line when full. */
  private static final class Layout {
    private int id;
    private int x;
    private int y;
    private int lineHeight;

    int nextId() {
      return ++id;
    }

    Map<String, Object> row(String title) {
      newLine();
      Map<String, Object> row = new TreeMap<>();
      row.put("id", nextId());
      row.put("type", "row");
      row.put("title", title);
      row.put("collapsed", false);
      row.put("panels", List.of());
      row.put("gridPos", Map.of("h", 1, "w", GRID_WIDTH, "x", 0, "y", y));
      y += 1;
      return row;
    }

    Map<String, Object> place(int w, int h) {
      if (x + w > GRID_WIDTH) newLine();
      Map<String, Object> pos = Map.of("h", h, "w", w, "x", x, "y", y);
      x += w;
      lineHeight = Math.max(lineHeight, h);
      return pos;
    }

    private void newLine() {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
  }

  /** A read-only datasource Grafana reaches through its own backend. */
  private static Map<String, Object> datasource(String name, String uid, String type, String url,
      Map<String, Object> jsonData) {
    Map<String, Object> ds = new TreeMap<>();
    ds.put("name", name);
    ds.put("uid", uid);
    ds.put("type", type);
    ds.put("access", "proxy");
    ds.put("url", url);
    ds.put("editable", false);
    ds.put("jsonData", jsonData);
    return ds;
  }

  private static List<OutputFile> provisioning(PrometheusSettings settings) {
    PrometheusSettings.Grafana g = settings.grafana();
    Map<String, Object> prometheus = datasource("Anvil Prometheus", PROMETHEUS_UID, "prometheus", g.prometheusUrl(),
        Map.of("timeInterval", settings.scrapeInterval(), "httpMethod", "POST"));
    prometheus.put("isDefault", true);
    Map<String, Object> alertmanager = datasource("Anvil Alertmanager", ALERTMANAGER_UID, "alertmanager",
        g.alertmanagerUrl(), Map.of("implementation", "prometheus", "handleGrafanaManagedAlerts", false));
    Map<String, Object> provider = new TreeMap<>();
    provider.put("name", "anvil");
    provider.put("type", "file");
    provider.put("disableDeletion", true);
    provider.put("allowUiUpdates", false);
    provider.put("updateIntervalSeconds", 30);
    provider.put("options", Map.of("path", g.dashboardsPath(), "foldersFromFilesStructure", true));
    return List.of(
        Output.yaml(DIR + "provisioning/datasources/anvil.yaml",
            Map.of("apiVersion", 1, "datasources", List.of(prometheus, alertmanager))),
        Output.yaml(DIR + "provisioning/dashboards/anvil.yaml", Map.of("apiVersion", 1, "providers", List.of(provider))));
  }
}
