package dev.anvil.alerttest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.diag.Position;
import dev.anvil.emit.OutputFile;
import dev.anvil.emit.PromQl;
import dev.anvil.emit.Templates;
import dev.anvil.model.AlertRule;
import dev.anvil.model.ExporterContract;
import dev.anvil.model.Exporter;
import dev.anvil.model.Fleet;
import dev.anvil.model.PromDuration;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.Resolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * promtool unit tests generated from the compiled output and the exporter contracts
 * (docs/alert-tests.md). For every alert rule with examples, for every parameter set it was
 * rendered with and every accelerator vendor among its hosts, one host's series are written as its
 * exporter version emits them — the families and labels of the contract, the target labels of the
 * emitted file_sd file, only the families the contract says that vendor gets — and the rendered rule
 * must fire on the "fires" series and stay quiet on the "quiet" ones. For every dashboard, each
 * series selector of its queries must find data among the series the fleet's exporters emit.
 *
 * <p>Pure: from the compilation to test files; {@link PromtoolRun} runs them.
 */
public final class AlertTests {
  /**
   * One promtool test file, or the {@code problem} that kept it from being written; {@code failures}
   * says what each of its queries failing means.
   */
  public record Case(String kind, String name, Position at, String file, String yaml, Map<String, String> failures,
      String problem) {}

  static final String RULES_DIR = "prometheus/rules/";
  /** The fleet-wide rules of a topology of several servers, for a global evaluator. */
  static final String GLOBAL_RULES_DIR = "prometheus/global/rules/";
  /** A target file: of the one server, or of a site's shard. */
  private static final java.util.regex.Pattern TARGET_FILE = java.util.regex.Pattern.compile("prometheus/(?:[^/]+/[0-9]+/)?targets/([^/]+)\\.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern KEY = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?", Pattern.DOTALL);
  private static final Pattern EQUALS = Pattern.compile(
      "([a-zA-Z_][a-zA-Z0-9_]*)\\s*=(?![=~])\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern RANGE = Pattern.compile("\\[([0-9][0-9a-z]*)(?::[0-9a-z]*)?]");
  /** Labels that number a device: each example device gets its own value. */
  private static final Set<String> DEVICE_INDEX = Set.of("index", "gpu", "npu", "gpu_index", "npu_index");
  private static final Set<String> DEVICE_ID = Set.of("uuid", "UUID", "device", "pci_bus_id");
  /** Series Prometheus itself writes for every target: only target labels. */
  private static final Set<String> SCRAPE_SERIES = Set.of("up", "scrape_samples_scraped", "scrape_duration_seconds",
      "scrape_series_added", "scrape_samples_post_metric_relabeling");
  private static final String MINUTE = "1m";
  /** Past the for duration, at least: short windows fill, and pending alerts settle. */
  private static final long SETTLE_MINUTES = 15;

  private final ResolvedFleet resolved;
  private final Map<String, OutputFile> files = new HashMap<>();
  private final Map<String, ResolvedHost> hostsByName = new HashMap<>();
  private final List<Case> cases = new ArrayList<>();
  // each emitted file is parsed once, however many cases read it
  private final Map<String, JsonNode> parsedRules = new HashMap<>();
  private final Map<String, List<Map<String, String>>> targetsByJob = new HashMap<>();
  private Map<String, Set<Map<String, String>>> selected;

  private AlertTests(ResolvedFleet resolved, List<OutputFile> output) {
    this.resolved = resolved;
    output.forEach(f -> files.put(f.path(), f));
    resolved.hosts().forEach(h -> hostsByName.put(h.name(), h));
  }

  public static List<Case> generate(ResolvedFleet resolved, List<OutputFile> output) {
    AlertTests t = new AlertTests(resolved, output);
    for (AlertRule rule : resolved.fleet().alertRules()) t.alertCases(rule);
    t.dashboardCases();
    return t.cases;
  }

  // ---- alerts

  private void alertCases(AlertRule rule) {
    Fleet fleet = resolved.fleet();
    Exporter exporter = fleet.exporters().get(rule.exporter());
    Position at = rule.source().at(rule.examples() == null ? "/rule" : "/examples");
    String ruleFile = (rule.fleetWide() && files.containsKey(GLOBAL_RULES_DIR + rule.family() + ".yml") ? GLOBAL_RULES_DIR : RULES_DIR)
        + rule.family() + ".yml";
    if (exporter == null || !files.containsKey(ruleFile)) return;
    List<Map<String, String>> targets = targets(exporter);
    String classLabel = rule.paramsLabel();
    String head = rule.recording() ? "record" : "alert";
    String alert = dev.anvil.contract.ContractChecker.templateField(rule.template(), head);
    if (alert == null) {
      if (rule.recording()) return;  // the emitter reported it
      alert = rule.name();
    }
    // parameter set → the hosts rendered with it (fleet-wide rules: one set, every host of the job)
    Map<String, String> paramsByClass = rule.fleetWide() ? Map.of() : paramsByClass(ruleFile, head, alert, classLabel);
    Map<String, List<Map<String, String>>> byClass = new TreeMap<>();
    for (Map<String, String> t : targets) {
      String cls = rule.fleetWide() ? "" : paramsByClass.get(t.get(AlertRule.CLASS_LABEL));
      if (cls != null) byClass.computeIfAbsent(cls, k -> new ArrayList<>()).add(t);
    }
    if (byClass.isEmpty()) return;  // no host has the rule: nothing was rendered
    if (rule.recording()) {
      recordingCases(rule, ruleFile, alert, byClass);
      return;
    }
    if (rule.examples() == null) {
      cases.add(new Case("alert", alert, at, null, null, Map.of(), "alert rule '" + rule.name() + "' has no examples: nothing proves it"
          + " fires at its threshold"));
      return;
    }
    for (var cls : byClass.entrySet()) {
      Map<String, String> params = rule.fleetWide() ? defaults(rule) : parse(cls.getKey());
      String expr = renderedExpr(ruleFile, alert, rule.fleetWide() ? null : classLabel, cls.getKey());
      List<List<Map<String, String>>> hostSets = new ArrayList<>();
      if (rule.examples().allHosts()) {
        hostSets.add(cls.getValue());
      } else {
        Map<String, Map<String, String>> firstByVendor = new TreeMap<>();
        for (Map<String, String> t : cls.getValue()) firstByVendor.putIfAbsent(t.getOrDefault("accelerators", ""), t);
        firstByVendor.values().forEach(t -> hostSets.add(List.of(t)));
      }
      for (List<Map<String, String>> hosts : hostSets) {
        String who = hosts.size() == 1 ? hosts.get(0).get("instance") : hosts.size() + " hosts";
        String vendor = hosts.get(0).getOrDefault("accelerators", "");
        String what = alert + (cls.getKey().isEmpty() ? "" : " {" + cls.getKey() + "}") + " on " + who
            + (vendor.isEmpty() || hosts.size() > 1 ? "" : " (" + vendor + ")");
        String selector = "alertname=" + PromQl.string(alert)
            + (rule.fleetWide() ? "" : "," + classLabel + "=" + PromQl.string(cls.getKey()));
        alertCase(rule, at, ruleFile, expr, what + ": fires", selector, true, rule.examples().fires(), params, hosts);
        alertCase(rule, at, ruleFile, expr, what + ": quiet", selector, false, rule.examples().quiet(), params, hosts);
      }
    }
  }

  private void alertCase(AlertRule rule, Position at, String ruleFile, String expr, String name, String alertSelector,
      boolean fires, Map<String, AlertRule.Series> example, Map<String, String> params,
      List<Map<String, String>> hosts) {
    long forMinutes = minutes(PromDuration.millis(params.getOrDefault("for", "0s")));
    // evaluated once the rule's longest range window is full of samples, and its for has passed
    long evalMinutes = forMinutes + Math.max(SETTLE_MINUTES, longestRangeMinutes(expr) + 5);
    long samples = evalMinutes + 5;
    Map<String, Object> scope = new HashMap<>(params);
    scope.put("samples", String.valueOf(samples));
    List<Object> input = new ArrayList<>();
    try {
      for (Map<String, String> target : hosts) {
        Emitted host = emitted(rule.exporter(), target);
        if (!example.containsKey("up")) input.add(series("up", host.targetLabels(), "1+0x" + samples));
        for (var e : example.entrySet()) {
          input.addAll(exampleSeries(e.getKey(), e.getValue(), host, scope, samples, expr));
        }
      }
    } catch (IllegalArgumentException e) {
      cases.add(new Case("alert", name, at, null, null, Map.of(), e.getMessage()));
      return;
    }
    // firing: the alert is firing; quiet: not even pending
    String query = fires ? "count(ALERTS{" + alertSelector + ",alertstate=\"firing\"}) > bool 0 or vector(0)"
        : "count(ALERTS{" + alertSelector + "}) > bool 0 or vector(0)";
    Map<String, Object> test = new LinkedHashMap<>();
    test.put("name", name);
    test.put("interval", MINUTE);
    test.put("input_series", input);
    test.put("promql_expr_test", List.of(Map.of("expr", query, "eval_time", evalMinutes + "m",
        "exp_samples", List.of(Map.of("labels", "{}", "value", fires ? 1 : 0)))));
    addCase("alert", name, at, List.of(ruleFile), List.of(test), Map.of(query, fires
        ? "it does not fire " + evalMinutes + "m after these series start (for: " + params.getOrDefault("for", "0s") + ")"
        : "it is pending or firing " + evalMinutes + "m after these series start"));
  }

  /**
   * A recording rule needs no examples: for every parameter set it was rendered with, the series
   * one host of each vendor set emits must make it record something.
   */
  private void recordingCases(AlertRule rule, String ruleFile, String record, Map<String, List<Map<String, String>>> byClass) {
    Position at = rule.source().at("/rule");
    String classLabel = rule.paramsLabel();
    for (var cls : byClass.entrySet()) {
      String expr = renderedRule(ruleFile, "record", record, rule.fleetWide() ? null : classLabel, cls.getKey())
          .path("expr").asText();
      Set<String> families = new TreeSet<>();
      for (PromQl.Selector sel : PromQl.scan(expr).selectors()) families.add(sel.metric());
      long samples = longestRangeMinutes(expr) + SETTLE_MINUTES + 5;
      List<Object> input = new ArrayList<>();
      Set<String> represented = new java.util.HashSet<>();
      try {
        for (Map<String, String> target : cls.getValue()) {
          if (represented.add(target.getOrDefault("accelerators", ""))) {
            input.addAll(hostSeries(emitted(rule.exporter(), target), families, samples));
          }
        }
      } catch (IllegalArgumentException e) {
        cases.add(new Case("recording", record, at, null, null, Map.of(), e.getMessage()));
        continue;
      }
      String selector = rule.fleetWide() ? "" : classLabel + "=" + PromQl.string(cls.getKey());
      String query = "count(" + record + "{" + selector + "}) > bool 0 or vector(0)";
      String name = record + (cls.getKey().isEmpty() ? "" : " {" + cls.getKey() + "}") + ": records series";
      Map<String, Object> test = new LinkedHashMap<>();
      test.put("name", name);
      test.put("interval", MINUTE);
      test.put("input_series", input);
      test.put("promql_expr_test", List.of(Map.of("expr", query, "eval_time", (samples - 5) + "m",
          "exp_samples", List.of(Map.of("labels", "{}", "value", 1)))));
      addCase("recording", name, at, List.of(ruleFile), List.of(test), Map.of(query,
          "it records nothing from the series its hosts' exporters emit"));
    }
  }

  private static long minutes(long millis) {
    return Math.max(0, (millis + 59_999) / 60_000);
  }

  /** The longest range selector ([10m], [1h]) of an expression, in minutes. */
  static long longestRangeMinutes(String expr) {
    long longest = 0;
    Matcher m = RANGE.matcher(expr);
    while (m.find()) {
      try {
        longest = Math.max(longest, minutes(PromDuration.millis(m.group(1))));
      } catch (IllegalArgumentException e) {
        // not a duration Anvil reads ($__rate_interval is not in rules): promtool judges it
      }
    }
    return longest;
  }

  /** The series of one example key for one host, as its exporter version emits them. */
  private List<Object> exampleSeries(String key, AlertRule.Series example, Emitted host, Map<String, Object> scope,
      long samples, String expr) {
    Matcher k = KEY.matcher(key);
    if (!k.matches()) throw new IllegalArgumentException("example series '" + key + "' is not a family with labels");
    String family = k.group(1);
    Map<String, String> given = equalities(k.group(2) == null ? "" : k.group(2));
    String values = fill(example.values(), scope);
    int count = example.count() == null ? 1 : Arithmetic.eval(fill(example.count(), scope)).intValueExact();
    if (SCRAPE_SERIES.contains(family)) {
      return List.of(series(family, host.targetLabels(), values(values, "gauge", samples)));
    }
    ExporterContract contract = host.contract();
    if (contract == null) {
      throw new IllegalArgumentException(host.exporter() + " " + host.version() + " on " + host.name()
          + " has no contract: what it emits is unknown");
    }
    ExporterContract.Family f = contract.familyAt(family, host.version());
    if (f == null) {
      throw new IllegalArgumentException("example series '" + family + "' is not emitted by " + contract.exporter()
          + " " + host.version() + " (" + contract.source().file() + ")");
    }
    if (!emittedFor(f, host.vendors())) return List.of();  // the exporter writes no such series for this host
    Map<String, String> matched = equalitiesOf(family, expr);
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, String> labels = new TreeMap<>(host.targetLabels());
      for (String label : contract.labelsOf(family)) {
        // a label the target also has is kept as exported_<label> (honor_labels: false)
        String name = host.targetLabels().containsKey(label) ? "exported_" + label : label;
        labels.put(name, given.getOrDefault(label, matched.getOrDefault(label, placeholder(label, i, host.name()))));
      }
      given.forEach((l, v) -> labels.putIfAbsent(l, v));
      out.add(series(family, labels, values(values, f.type(), samples)));
    }
    return out;
  }

  private static String placeholder(String label, int device, String host) {
    if (DEVICE_INDEX.contains(label)) return String.valueOf(device);
    if (DEVICE_ID.contains(label)) return label.toLowerCase(java.util.Locale.ROOT) + "-" + device;
    if (label.equals("instance")) return host;
    return "example";
  }

  /** promtool's values: a number is held (a gauge) or grows by it every minute (a counter). */
  private static String values(String text, String type, long samples) {
    if (!Arithmetic.looksLike(text)) return text;
    BigDecimal v = Arithmetic.eval(text);
    String n = v.stripTrailingZeros().toPlainString();
    return type.equals("counter") ? "0+" + n + "x" + samples : n + "+0x" + samples;
  }

  private static String fill(String text, Map<String, Object> scope) {
    return Templates.render(Templates.compile("example", text), scope).trim();
  }

  // ---- dashboards

  private void dashboardCases() {
    for (OutputFile f : files.values().stream().sorted(java.util.Comparator.comparing(OutputFile::path)).toList()) {
      if (!f.path().startsWith("grafana/dashboards/") || !f.path().endsWith(".json")) continue;
      JsonNode board = readJson(f);
      Set<String> selectors = new TreeSet<>();
      collectQueries(board.path("panels"), selectors);
      if (selectors.isEmpty()) continue;
      String name = board.path("title").asText(f.path());
      Position at = dashboardSource(f.path());
      List<Object> input = new ArrayList<>();
      List<Object> checks = new ArrayList<>();
      Set<String> families = new TreeSet<>();
      Set<String> ruleFiles = new TreeSet<>();
      for (String s : selectors) addFamily(s.substring(0, s.indexOf('{')), families, ruleFiles);
      try {
        input.addAll(fleetSeries(families, 20));
      } catch (IllegalArgumentException e) {
        cases.add(new Case("dashboard", name, at, null, null, Map.of(), e.getMessage()));
        continue;
      }
      Map<String, String> failures = new LinkedHashMap<>();
      for (String s : selectors) {
        failures.put("count(" + s + ") > bool 0 or vector(0)", "no series of the fleet's exporters match " + s);
        checks.add(Map.of("expr", "count(" + s + ") > bool 0 or vector(0)", "eval_time", "10m",
            "exp_samples", List.of(Map.of("labels", "{}", "value", 1))));
      }
      Map<String, Object> test = new LinkedHashMap<>();
      test.put("name", name);
      test.put("interval", MINUTE);
      test.put("input_series", input);
      test.put("promql_expr_test", checks);
      addCase("dashboard", name + ": every query finds series", at, List.copyOf(ruleFiles), List.of(test), failures);
    }
  }

  /**
   * A family a dashboard reads: an exporter's, or a recording rule's, whose rule file the case then
   * loads and whose own families (recorded ones too) it feeds.
   */
  private void addFamily(String family, Set<String> families, Set<String> ruleFiles) {
    if (!families.add(family)) return;
    for (String ruleFile : ruleFiles()) {
      for (JsonNode g : rules(ruleFile).path("groups")) {
        for (JsonNode rule : g.path("rules")) {
          if (!family.equals(rule.path("record").asText())) continue;
          ruleFiles.add(ruleFile);
          for (PromQl.Selector s : PromQl.scan(rule.path("expr").asText()).selectors()) addFamily(s.metric(), families, ruleFiles);
        }
      }
    }
  }

  /** The emitted rule files, by path. */
  private List<String> ruleFiles() {
    return files.keySet().stream().filter(p -> p.startsWith(RULES_DIR) || p.startsWith(GLOBAL_RULES_DIR)).sorted().toList();
  }

  /** The dashboard declaration a Grafana file was emitted from (its file is named after it). */
  private Position dashboardSource(String path) {
    String base = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.json$", "");
    return resolved.fleet().dashboards().stream().filter(d -> d.name().equals(base)).findFirst()
        .map(d -> d.source().at("")).orElse(Position.ofFile("out/" + path));
  }

  /** The series selectors of every panel query, with Grafana's variables set to "everything". */
  private static void collectQueries(JsonNode panels, Set<String> out) {
    for (JsonNode p : panels) {
      collectQueries(p.path("panels"), out);
      for (JsonNode t : p.path("targets")) {
        String expr = t.path("expr").asText("")
            .replaceAll("\\$\\{[a-zA-Z_]+:regex}", ".*").replaceAll("\\$__(rate_)?interval|\\$__range", "5m")
            .replace("$instance", ".*");
        for (PromQl.Selector s : PromQl.scan(expr).selectors()) {
          if (!s.metric().isEmpty() && !s.metric().equals("ALERTS")) out.add(s.toString());
        }
      }
    }
  }

  /**
   * The series of {@code families} of one host per exporter release and vendor set, as the exporter
   * emits them: one per set of label values the rules and dashboards select on, since a check agent
   * family holds one series per check type.
   */
  private List<Object> fleetSeries(Set<String> families, long samples) {
    Fleet fleet = resolved.fleet();
    List<Object> out = new ArrayList<>();
    for (Exporter exporter : fleet.exporters().values()) {
      // one host per release and vendor set stands for the others: a query selects on nothing finer
      // (its namespace and instance variables are "all"), and the case stays small for any fleet size
      Set<String> represented = new java.util.HashSet<>();
      for (Map<String, String> target : targets(exporter)) {
        Emitted host = emitted(exporter.name(), target);
        if (!represented.add(host.version() + "\u0000" + target.getOrDefault("accelerators", ""))) continue;
        out.addAll(hostSeries(host, families, samples));
      }
    }
    return out;
  }

  /** The series of {@code families} one host's exporter emits, one per set of label values selected on. */
  private List<Object> hostSeries(Emitted host, Set<String> families, long samples) {
    if (selected == null) selected = selectedValues();
    List<Object> out = new ArrayList<>();
    if (families.contains("up")) out.add(series("up", host.targetLabels(), "1+0x" + samples));
    if (host.contract() == null) return out;
    for (String family : families) {
      ExporterContract.Family f = host.contract().familyAt(family, host.version());
      if (f == null || !emittedFor(f, host.vendors())) continue;
      for (Map<String, String> values : selected.getOrDefault(family, Set.of(Map.of()))) {
        Map<String, String> labels = new TreeMap<>(host.targetLabels());
        for (String label : host.contract().labelsOf(family)) {
          String name = host.targetLabels().containsKey(label) ? "exported_" + label : label;
          labels.put(name, values.getOrDefault(label, placeholder(label, 0, host.name())));
        }
        out.add(series(family, labels, values("1", f.type(), samples)));
      }
    }
    return out;
  }

  /** family → the sets of label values its selectors in rules and dashboards ask for ("check_type=mount"). */
  private Map<String, Set<Map<String, String>>> selectedValues() {
    Map<String, Set<Map<String, String>>> out = new HashMap<>();
    List<String> exprs = new ArrayList<>();
    for (String ruleFile : ruleFiles()) {
      for (JsonNode g : rules(ruleFile).path("groups")) g.path("rules").forEach(r -> exprs.add(r.path("expr").asText()));
    }
    for (String expr : exprs) {
      for (PromQl.Selector s : PromQl.scan(expr).selectors()) {
        Map<String, String> eq = equalities(s.matchers());
        eq.keySet().removeIf(l -> l.equals("job") || l.startsWith("anvil_"));
        out.computeIfAbsent(s.metric(), k -> new java.util.LinkedHashSet<>()).add(eq);
      }
    }
    return out;
  }

  // ---- shared

  /** A host as one exporter sees it: target labels (with job), the version it runs and that version's contract. */
  private record Emitted(String name, String exporter, String version, ExporterContract contract,
      Map<String, String> targetLabels, Set<String> vendors) {}

  private Emitted emitted(String exporterName, Map<String, String> target) {
    Exporter exporter = resolved.fleet().exporters().get(exporterName);
    Map<String, String> labels = new TreeMap<>(target);
    labels.put("job", exporter.job());
    String host = target.get("instance");
    ResolvedHost h = hostsByName.get(host);
    // a facility device is no host: it is read by the exporter's default version
    String version = h == null ? exporter.defaults().path("version").asText("")
        : h.section(Resolver.EXPORTERS).path(exporterName).path("version").asText("");
    ExporterContract contract = ExporterContract.of(resolved.fleet().contracts(), exporterName, version);
    Set<String> vendors = new TreeSet<>();
    String acc = target.getOrDefault("accelerators", "");
    if (!acc.isEmpty()) vendors.addAll(List.of(acc.split(",")));
    return new Emitted(host, exporterName, version, contract, labels, vendors);
  }

  private static boolean emittedFor(ExporterContract.Family f, Set<String> vendors) {
    return f.vendors().isEmpty() || f.vendors().stream().anyMatch(vendors::contains);
  }

  /**
   * The label sets of an exporter's targets — its hosts' and the devices' it reads — in its jobs'
   * emitted file_sd files (a file's leading marker group has no targets).
   */
  private List<Map<String, String>> targets(Exporter exporter) {
    return targetsByJob.computeIfAbsent(exporter.job(), j -> {
      List<Map<String, String>> out = new ArrayList<>();
      // every server's, in path order: a topology's shards each have a part of the job
      List<String> paths = files.keySet().stream().filter(p -> TARGET_FILE.matcher(p).matches()).sorted().toList();
      for (String name : exporter.scrapeJobs()) {
        for (String p : paths) {
          Matcher m = TARGET_FILE.matcher(p);
          if (m.matches() && m.group(1).equals(name)) out.addAll(targetLabels(files.get(p)));
        }
      }
      return out;
    });
  }

  private List<Map<String, String>> targetLabels(OutputFile f) {
    List<Map<String, String>> out = new ArrayList<>();
    for (JsonNode group : readJson(f)) {
      if (group.path("targets").isEmpty()) continue;
      Map<String, String> labels = new TreeMap<>();
      // labels of the scrape request (__param_module, __anvil_exporter) are gone once Prometheus relabelled
      group.path("labels").fields().forEachRemaining(e -> {
        if (!e.getKey().startsWith("__")) labels.put(e.getKey(), e.getValue().asText());
      });
      out.add(labels);
    }
    return out;
  }

  private JsonNode rules(String ruleFile) {
    return parsedRules.computeIfAbsent(ruleFile, p -> readYaml(files.get(p)));
  }

  /**
   * The expression of the rendered rule {@code alert} whose class label has {@code classValue} (a
   * fleet-wide rule, {@code classLabel} null, has none).
   */
  private String renderedExpr(String ruleFile, String alert, String classLabel, String classValue) {
    return renderedRule(ruleFile, "alert", alert, classLabel, classValue).path("expr").asText();
  }

  /**
   * Alert class (target label value) → the parameter set the rendered rules {@code name} apply to
   * it, read from the rules themselves: each selects its classes ({@code anvil_class=~"c1|c2"}) and
   * spells its parameters in {@code paramsLabel}.
   */
  private Map<String, String> paramsByClass(String ruleFile, String head, String name, String paramsLabel) {
    Map<String, String> out = new java.util.HashMap<>();
    for (JsonNode g : rules(ruleFile).path("groups")) {
      for (JsonNode r : g.path("rules")) {
        String params = r.path("labels").path(paramsLabel).asText(null);
        if (!r.path(head).asText().equals(name) || params == null) continue;
        Matcher m = CLASS_MATCHER.matcher(r.path("expr").asText());
        if (m.find()) for (String id : m.group(1).split("\\|")) out.put(id, params);
      }
    }
    return out;
  }

  private static final Pattern CLASS_MATCHER = Pattern.compile(AlertRule.CLASS_LABEL + "=~?\"([^\"]*)\"");

  /** The rendered rule whose {@code head} (alert, record) is {@code name}, of one class; a missing node if none. */
  private JsonNode renderedRule(String ruleFile, String head, String name, String classLabel, String classValue) {
    for (JsonNode g : rules(ruleFile).path("groups")) {
      for (JsonNode r : g.path("rules")) {
        if (!r.path(head).asText().equals(name)) continue;
        if (classLabel == null || classValue.equals(r.path("labels").path(classLabel).asText(null))) return r;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** The equality matchers of every selector of {@code family} in {@code expr}. */
  private static Map<String, String> equalitiesOf(String family, String expr) {
    Map<String, String> out = new TreeMap<>();
    for (PromQl.Selector s : PromQl.scan(expr).selectors()) {
      if (s.metric().equals(family)) equalities(s.matchers()).forEach(out::putIfAbsent);
    }
    return out;
  }

  private static Map<String, String> equalities(String matchers) {
    Map<String, String> out = new TreeMap<>();
    Matcher m = EQUALS.matcher(matchers);
    while (m.find()) out.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
    return out;
  }

  private static Map<String, String> defaults(AlertRule rule) {
    Map<String, String> out = new TreeMap<>();
    rule.defaults().fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** A class value ("for=5m,severity=warning,threshold=80") back into its parameters. */
  private static Map<String, String> parse(String classValue) {
    Map<String, String> out = new TreeMap<>();
    for (String kv : classValue.split(",")) {
      int eq = kv.indexOf('=');
      if (eq > 0) out.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return out;
  }

  private static Map<String, Object> series(String family, Map<String, String> labels, String values) {
    StringBuilder sb = new StringBuilder(family).append('{');
    labels.forEach((k, v) -> sb.append(sb.charAt(sb.length() - 1) == '{' ? "" : ",").append(k).append('=').append(PromQl.string(v)));
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("series", sb.append('}').toString());
    s.put("values", values);
    return s;
  }

  private void addCase(String kind, String name, Position at, List<String> ruleFiles, List<Object> tests,
      Map<String, String> failures) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("rule_files", ruleFiles.stream().map(r -> "../" + r).toList());
    root.put("evaluation_interval", MINUTE);
    root.put("tests", tests);
    String file = String.format(java.util.Locale.ROOT, "case-%04d.yml", cases.size() + 1);
    try {
      cases.add(new Case(kind, name, at, file, YAML.writeValueAsString(root), failures, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode readJson(OutputFile f) {
    try {
      return JSON.readTree(f.content());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode readYaml(OutputFile f) {
    try {
      return YAML.readTree(f.content());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
