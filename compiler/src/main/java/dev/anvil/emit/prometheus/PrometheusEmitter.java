package dev.anvil.emit.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.github.mustachejava.Mustache;
import dev.anvil.diag.Diagnostics;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.Output;
import dev.anvil.emit.PromQl;
import dev.anvil.emit.OutputFile;
import dev.anvil.emit.TargetLabels;
import dev.anvil.emit.Templates;
import dev.anvil.model.AlertRule;
import dev.anvil.model.Exporter;
import dev.anvil.model.ExporterContract;
import dev.anvil.model.FacilityDevice;
import dev.anvil.model.Fleet;
import dev.anvil.model.PrometheusSettings;
import dev.anvil.parallel.Parallel;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code prometheus/}: prometheus.yml, one file_sd target file per exporter job, and one rule file
 * per rule template file. A host appears only in the jobs of exporters it runs, and rules select
 * only the targets of their job, so a host never gets rules for an exporter it does not run.
 */
public final class PrometheusEmitter implements Emitter {
  static final String DIR = "prometheus/";

  private static final java.util.regex.Pattern METRIC_NAME = java.util.regex.Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final ObjectMapper RULE_PARSER = new ObjectMapper(new YAMLFactory());

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    Fleet fleet = resolved.fleet();
    // keyed by identity: a rule record's hashCode would hash its whole template on every lookup
    Map<AlertRule, Boolean> usesDevices = new IdentityHashMap<>();
    Map<String, List<AlertRule>> rulesByExporter = new HashMap<>();
    for (AlertRule r : fleet.alertRules()) {
      usesDevices.put(r, checkTemplateVariables(r, diagnostics));
      if (!r.fleetWide()) rulesByExporter.computeIfAbsent(r.exporter(), k -> new ArrayList<>()).add(r);
    }
    // the labels of a host are the same in every job: computed once, in parallel
    HostLabels.Shared shared = new HostLabels.Shared();
    List<HostLabels> hostLabels = resolved.hosts().parallelStream()
        .map(h -> HostLabels.of(h, fleet, shared)).toList();
    Map<String, Map<FacilityDevice, ResolvedHost>> readers = new HashMap<>();
    for (Exporter e : fleet.exporters().values()) {
      if (!e.probes().isEmpty()) readers.put(e.name(), dev.anvil.emit.DeviceReaders.of(e, resolved, diagnostics));
    }
    Map<String, Map<String, String>> labelsByHost = new HashMap<>();
    // a BMC's targets carry its host's labels
    Set<String> bmcHosts = new java.util.HashSet<>();
    for (FacilityDevice d : fleet.devices()) if (d.host() != null) bmcHosts.add(d.host());
    for (ResolvedHost h : resolved.hosts()) if (bmcHosts.contains(h.name())) labelsByHost.put(h.name(), TargetLabels.of(h, fleet));
    Servers servers = Servers.of(fleet.prometheus(), resolved, diagnostics);
    Map<String, Integer> serverByHost = new HashMap<>();
    for (int i = 0; i < resolved.hosts().size(); i++) serverByHost.put(resolved.hosts().get(i).name(), servers.serverOf()[i]);
    // each server's jobs: the hosts it scrapes, and the devices their exporters read
    List<List<JobTargets>> jobsByServer = new ArrayList<>();
    List<Exporter> exporters = List.copyOf(fleet.exporters().values());
    for (int k = 0; k < servers.servers().size(); k++) {
      int server = k;
      String dir = servers.servers().get(k).dir();
      // one exporter's jobs at a time per thread (a job of every host takes as long as many others)
      List<List<JobTargets>> byExporter = Parallel.map(exporters, e -> {
        List<AlertRule> rules = rulesByExporter.getOrDefault(e.name(), List.of());
        List<JobTargets> jobs = new ArrayList<>(2);
        if (e.readsHosts()) {
          jobs.add(JobTargets.build(dir, e, resolved, i -> servers.serverOf()[i] == server, hostLabels, rules, usesDevices));
        }
        if (e.hasDeviceJob()) {
          jobs.add(JobTargets.devices(dir, e, fleet.devices(), via(readers.get(e.name()), e, serverByHost, server), rules,
              labelsByHost));
        }
        return jobs;
      });
      jobsByServer.add(byExporter.stream().flatMap(List::stream).filter(j -> j.targets > 0).toList());
    }
    List<JobTargets> jobs = new ArrayList<>(jobsByServer.stream().flatMap(List::stream).toList());

    // Kubernetes clusters scrape their GPU exporters themselves: their nodes' alert classes join the rules
    Map<String, List<ClusterMonitoring.Monitor>> monitors = new TreeMap<>();
    Set<String> inCluster = new TreeSet<>();
    Map<String, dev.anvil.emit.kubernetes.ClusterMembers> clusters = dev.anvil.emit.kubernetes.ClusterMembers.of(resolved);
    for (var members : clusters.values()) {
      if (members.isEmpty()) continue;
      List<ClusterMonitoring.Monitor> list = new ArrayList<>();
      for (ClusterMonitoring.InCluster ic : ClusterMonitoring.exporters(members.cluster())) {
        Exporter exporter = fleet.exporters().get(ic.exporter());
        if (exporter == null) continue;
        JobTargets job = jobs.stream().filter(j -> j.exporter == exporter && j.name.equals(exporter.job())).findFirst()
            .orElse(null);
        if (job == null) {
          // no host of the fleet runs it: a job without targets holds the clusters' classes
          job = JobTargets.build(DIR, exporter, resolved, i -> false, hostLabels,
              rulesByExporter.getOrDefault(exporter.name(), List.of()), usesDevices);
          jobs.add(job);
        }
        list.add(new ClusterMonitoring.Monitor(ic, exporter.job(), ClusterMonitoring.classes(fleet, members, job)));
        inCluster.add(exporter.name());
      }
      monitors.put(members.cluster().name(), list);
    }
    ClusterMonitoring.warnTwoExporters(clusters, diagnostics);

    checkLabelBudget(fleet, jobs, diagnostics);
    List<OutputFile> files = new ArrayList<>();
    jobs.forEach(j -> {
      if (j.targets > 0) files.add(j.file);
    });
    PrometheusSettings settings = fleet.prometheus();
    // per-host rules read one host's series: every server evaluates them over its own. Fleet-wide
    // rules need every host's series: with several servers, a global evaluator reads them from the store
    Map<String, List<Map<String, Object>>> rulesByFamily = renderRules(fleet, resolved, jobs, diagnostics,
        r -> !settings.distributed() || !r.fleetWide());
    rulesByFamily.forEach((family, rules) -> files.add(ruleFile(DIR + "rules/" + family + ".yml", family, rules)));
    if (settings.distributed()) {
      Map<String, List<Map<String, Object>>> global = renderRules(fleet, resolved, jobs, diagnostics, AlertRule::fleetWide);
      global.forEach((family, rules) -> files.add(ruleFile(DIR + "global/rules/" + family + ".yml", family, rules)));
      if (!global.isEmpty() && settings.remoteWrite().isEmpty()) {
        diagnostics.error(settings.source().at("/sites"), "fleet-wide rules (" + String.join(", ", global.keySet()) + ") need every"
            + " host's series, which no one of several Prometheus servers has: add remote_write to a store and evaluate"
            + " out/prometheus/global/rules there (vmalert, Thanos Ruler, Mimir ruler)");
      }
    }
    if (settings.replicas() > 1 && settings.alertmanagers().size() > 1 && settings.alertmanagerPeers().isEmpty()) {
      diagnostics.add(dev.anvil.diag.Diagnostic.warning(settings.source().at("/alertmanagers"), "the replicas send every alert"
          + " to each of " + settings.alertmanagers().size() + " Alertmanagers; unless they run as a cluster (alertmanager_peers),"
          + " each delivers it"));
    }
    for (int k = 0; k < servers.servers().size(); k++) {
      Servers.Server server = servers.servers().get(k);
      Set<String> names = jobsByServer.get(k).stream().map(j -> j.name).collect(Collectors.toSet());
      String rulesDir = settings.distributed() ? "../../rules/" : "rules/";
      for (int replica = 0; replica < settings.replicas(); replica++) {
        files.add(prometheusYml(fleet, server, settings.replicas() > 1 ? replica : -1, names, rulesDir, rulesByFamily.keySet()));
      }
    }
    java.util.TreeSet<String> families = ClusterMonitoring.families(fleet, inCluster);
    monitors.forEach((cluster, list) -> files.add(ClusterMonitoring.file(fleet.clusters().get(cluster), list,
        rulesByFamily, families)));
    checkRemoteWrite(fleet.prometheus(), diagnostics);
    PrometheusSettings.Retention retention = fleet.prometheus().retention();
    if (retention != null) files.add(environment(retention));
    return files;
  }

  /** One remote_write entry as Prometheus reads it: credentials stay files on its host. */
  private static Map<String, Object> remoteWrite(PrometheusSettings.RemoteWrite r) {
    Map<String, Object> out = new TreeMap<>();
    out.put("url", r.url());
    if (r.name() != null) out.put("name", r.name());
    if (r.bearerTokenFile() != null) out.put("authorization", Map.of("type", "Bearer", "credentials_file", r.bearerTokenFile()));
    if (r.username() != null) out.put("basic_auth", Map.of("username", r.username(), "password_file", r.passwordFile()));
    if (!r.tls().isEmpty()) out.put("tls_config", r.tls());
    if (!r.queue().isEmpty()) out.put("queue_config", r.queue());
    // external labels are added before write relabelling: the replica label can be dropped here
    if (r.deduplicate()) out.put("write_relabel_configs", List.of(Map.of("action", "labeldrop", "regex", "replica")));
    return out;
  }

  /** What Prometheus refuses in remote_write that the schema cannot say: two kinds of credentials, one name twice. */
  private static void checkRemoteWrite(PrometheusSettings s, Diagnostics diagnostics) {
    Set<String> names = new TreeSet<>();
    for (int i = 0; i < s.remoteWrite().size(); i++) {
      PrometheusSettings.RemoteWrite r = s.remoteWrite().get(i);
      if (r.bearerTokenFile() != null && r.username() != null) {
        diagnostics.error(s.source().at("/remote_write/" + i), "remote_write " + r.url() + ": bearer_token_file and basic_auth"
            + " exclude each other (Prometheus sends one kind of credentials)");
      }
      if (r.name() != null && !names.add(r.name())) {
        diagnostics.error(s.source().at("/remote_write/" + i + "/name"), "remote_write name '" + r.name() + "' is used twice;"
            + " Prometheus refuses that");
      }
    }
  }

  /**
   * prometheus.env: the server's flags that prometheus.yml cannot hold (retention), as Debian's
   * /etc/default/prometheus, which its prometheus.service reads ({@code ARGS}).
   */
  private static OutputFile environment(PrometheusSettings.Retention r) {
    List<String> flags = new ArrayList<>();
    if (r.time() != null) flags.add("--storage.tsdb.retention.time=" + r.time());
    if (r.size() != null) flags.add("--storage.tsdb.retention.size=" + r.size());
    return Output.defaultsFile(DIR + "prometheus.env", "/etc/default/prometheus",
        ": Debian's prometheus.service passes $ARGS to the server.", flags);
  }

  /**
   * The label budget: a series carries its target's labels, job, __name__ and its family's own
   * labels; the widest target of a job with the widest family its exporter's contracts describe must
   * fit {@code label_limit}, or a remote store (Mimir, Cortex: 30) refuses its series.
   */
  private static void checkLabelBudget(Fleet fleet, List<JobTargets> jobs, Diagnostics diagnostics) {
    PrometheusSettings settings = fleet.prometheus();
    int limit = settings.labelLimit();
    if (limit <= 0) return;
    // external labels join every sample on its way to a store
    Set<String> external = new TreeSet<>(settings.externalLabels().keySet());
    if (settings.distributed()) external.add("site");
    if (settings.replicas() > 1) external.add("replica");
    for (JobTargets j : jobs) {
      int own = 0;
      String family = null;
      for (ExporterContract c : fleet.contracts()) {
        if (!c.exporter().equals(j.exporter.name())) continue;
        for (String f : c.metrics().keySet()) {
          int n = c.labelsOf(f).size();
          if (n > own) {
            own = n;
            family = f + " (" + c.exporter() + " " + c.version() + ")";
          }
        }
      }
      int total = j.widest + 2 + own + external.size();
      if (total > limit) {
        diagnostics.error(j.exporter.source().at("/name"), "job '" + j.name + "': series of " + j.widestTarget + " would carry "
            + total + " labels (" + j.widest + " on its target, job, __name__" + (family == null ? "" : ", " + own + " of " + family)
            + (external.isEmpty() ? "" : ", " + external.size() + " external") + "), more than label_limit " + limit + " (kind: Prometheus; remote stores such as Mimir refuse them): give the"
            + " host fewer labels or raise label_limit to what the store accepts");
      }
    }
  }

  /** For each facility device one of {@code server}'s hosts reads: the address of the exporter reading it. */
  private static Map<FacilityDevice, String> via(Map<FacilityDevice, ResolvedHost> readers, Exporter exporter,
      Map<String, Integer> serverByHost, int server) {
    Map<FacilityDevice, String> out = new HashMap<>();
    readers.forEach((d, host) -> {
      if (serverByHost.get(host.name()) == server) out.put(d, JobTargets.address(host.host().address(), host.port(exporter.name())));
    });
    return out;
  }

  private static OutputFile ruleFile(String path, String family, List<Map<String, Object>> rules) {
    return Output.yaml(path, Map.of("groups", ruleGroups(family, rules)));
  }

  /** A family's rule groups: the rule file's, and a cluster's PrometheusRule's. */
  static List<Object> ruleGroups(String family, List<Map<String, Object>> rules) {
    return List.of(Map.of("name", "anvil-" + family, "rules", rules));
  }

  /** Reports unknown template variables; returns whether the template uses the devices fact. */
  private static boolean checkTemplateVariables(AlertRule rule, Diagnostics diagnostics) {
    Set<String> vars = Templates.variables(rule.template());
    for (String v : vars) {
      if (!AlertRule.CONTEXT_VARIABLES.contains(v) && !rule.defaults().has(v)) {
        diagnostics.error(rule.source().at("/rule"), rule.what() + " '" + rule.name() + "' uses unknown template"
            + " variable '" + v + "' (known: " + String.join(", ", known(rule)) + ")");
      }
    }
    return vars.contains("devices");
  }

  private static Set<String> known(AlertRule rule) {
    Set<String> k = new TreeSet<>(AlertRule.CONTEXT_VARIABLES);
    rule.defaults().fieldNames().forEachRemaining(k::add);
    return k;
  }

  private Map<String, List<Map<String, Object>>> renderRules(Fleet fleet, ResolvedFleet resolved, List<JobTargets> jobs,
      Diagnostics diagnostics, java.util.function.Predicate<AlertRule> which) {
    Map<AlertRule, SortedMap<String, AlertClasses.Rendering>> classes = new IdentityHashMap<>();
    Map<String, Set<String>> labelNamesByJob = new HashMap<>();
    // an exporter's host and device jobs share its job label, hence its rules: their facts merge
    for (JobTargets j : jobs) {
      j.classes.forEach((rule, values) -> {
        SortedMap<String, AlertClasses.Rendering> merged = classes.computeIfAbsent(rule, k -> new TreeMap<>());
        values.forEach((v, r) -> merged.computeIfAbsent(v, k -> new AlertClasses.Rendering(r.params())).classes().addAll(r.classes()));
      });
      labelNamesByJob.computeIfAbsent(j.exporter.job(), k -> new TreeSet<>()).addAll(j.labelNames);
    }
    Map<String, List<Map<String, Object>>> byFamily = new TreeMap<>();
    for (AlertRule rule : fleet.alertRules()) {
      Exporter exporter = fleet.exporters().get(rule.exporter());
      if (exporter == null || !which.test(rule)) continue;
      Mustache template;
      try {
        template = Templates.compile(rule.source().file() + "#" + rule.name(), rule.template());
      } catch (RuntimeException e) {
        diagnostics.error(rule.source().at("/rule"), rule.what() + " '" + rule.name() + "': invalid template: "
            + e.getMessage());
        continue;
      }
      String job = exporter.job();
      Set<String> by = labelNamesByJob.getOrDefault(job, Set.of("instance", "job"));
      String selectorJob = "job=" + PromQl.string(job);
      if (rule.fleetWide()) {
        boolean anyHost = resolved.hosts().stream().anyMatch(h -> h.alertApplies(rule));
        if (anyHost) {
          SortedMap<String, String> params = AlertClasses.params(rule, null, false);
          addRule(byFamily, rule, template, params, selectorJob, null, job, by, diagnostics);
        }
        continue;
      }
      for (var cls : classes.getOrDefault(rule, new TreeMap<>()).entrySet()) {
        java.util.SortedSet<String> ids = cls.getValue().classes();
        String selector = selectorJob + "," + AlertRule.CLASS_LABEL + (ids.size() == 1 ? "=" : "=~")
            + PromQl.string(String.join("|", ids));
        addRule(byFamily, rule, template, cls.getValue().params(), selector, cls.getKey(), job, by, diagnostics);
      }
    }
    return byFamily;
  }

  private static void addRule(Map<String, List<Map<String, Object>>> byFamily, AlertRule rule, Mustache template,
      SortedMap<String, String> params, String selector, String classValue, String job, Set<String> by,
      Diagnostics diagnostics) {
    Map<String, Object> scope = new HashMap<>(params);
    scope.put("selector", selector);
    scope.put("job", job);
    scope.put("by", String.join(", ", by));
    String text = Templates.render(template, scope);
    Map<String, Object> parsed;
    try {
      JsonNode node = RULE_PARSER.readTree(text);
      String head = rule.recording() ? "record" : "alert";
      if (node == null || !node.isObject() || !node.has(head) || !node.has("expr")
          || node.has(rule.recording() ? "alert" : "record")) {
        diagnostics.error(rule.source().at("/rule"), rule.what() + " '" + rule.name()
            + "' must render to a mapping with '" + head + "' and 'expr'");
        return;
      }
      if (rule.recording() && !METRIC_NAME.matcher(node.get("record").asText()).matches()) {
        diagnostics.error(rule.source().at("/rule"), "recording rule '" + rule.name() + "' records '"
            + dev.anvil.diag.Text.shown(node.get("record").asText()) + "', which is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
        return;
      }
      parsed = RULE_PARSER.convertValue(node, TreeMap.class);
    } catch (Exception e) {
      diagnostics.error(rule.source().at("/rule"), rule.what() + " '" + rule.name() + "' renders invalid YAML: "
          + e.getMessage().lines().findFirst().orElse(""));
      return;
    }
    if (!checkExpr(rule, String.valueOf(parsed.get("expr")), classValue == null ? null : selector, diagnostics)) return;
    @SuppressWarnings("unchecked")
    Map<String, Object> labels = new TreeMap<>((Map<String, Object>) parsed.getOrDefault("labels", Map.of()));
    // routing relies on the severity label: it always matches the resolved parameter
    if (!rule.recording()) labels.put("severity", params.get("severity"));
    // Alertmanager routes it to anvil serve's drain receiver as well (docs/remediation.md)
    if ("drain".equals(params.get("remediate"))) labels.put("remediate", "drain");
    // the parameters label keeps rules of one alert distinct (promtool rejects duplicates) and says which applied;
    // on a recording rule it keeps the series of two parameter sets apart where the expression aggregates it away
    if (classValue != null) labels.put(rule.paramsLabel(), classValue);
    if (!labels.isEmpty()) parsed.put("labels", labels);
    parsed.put("expr", Output.block(String.valueOf(parsed.get("expr"))));
    byFamily.computeIfAbsent(rule.family(), k -> new ArrayList<>()).add(parsed);
  }

  /**
   * The rendered expression must be PromQL as far as a scan can tell, and a per-host rule must
   * read only its hosts' series: every vector selector carries the rule's selector. Without it
   * the rule would fire for every host, whatever threshold applies to it.
   */
  private static boolean checkExpr(AlertRule rule, String expr, String selector, Diagnostics diagnostics) {
    PromQl.Scan scan = PromQl.scan(expr);
    for (String problem : scan.problems()) {
      diagnostics.error(rule.source().at("/rule"), rule.what() + " '" + rule.name() + "': PromQL: " + problem);
    }
    if (selector != null) {
      for (PromQl.Selector s : scan.selectors()) {
        if (!s.matchers().contains(selector)) {
          diagnostics.error(rule.source().at("/rule"), rule.what() + " '" + rule.name() + "': the selector '"
              + dev.anvil.diag.Text.shown(s.toString()) + "' lacks [[selector]], so the rule would read every host's"
              + " series, not only those of the hosts it applies to; write " + s.metric() + "{[[selector]]}");
        }
      }
    }
    return scan.problems().isEmpty();
  }

  /**
   * One server's prometheus.yml: its jobs, the rule files (relative to it), and its site and replica
   * as external labels, so that series from the servers of a topology stay apart in a store.
   *
   * @param replica the replica's number, or -1 where a shard has one server
   */
  private static OutputFile prometheusYml(Fleet fleet, Servers.Server server, int replica, Set<String> jobs, String rulesDir,
      Set<String> families) {
    PrometheusSettings s = fleet.prometheus();
    Map<String, Object> global = new TreeMap<>();
    global.put("scrape_interval", s.scrapeInterval());
    global.put("scrape_timeout", s.scrapeTimeout());
    global.put("evaluation_interval", s.evaluationInterval());
    Map<String, String> external = new TreeMap<>(s.externalLabels());
    if (server.site() != null) external.put("site", server.site());
    if (replica >= 0) external.put("replica", String.valueOf(replica));
    if (!external.isEmpty()) global.put("external_labels", external);
    List<Object> scrapeConfigs = new ArrayList<>();
    for (Exporter e : fleet.exporters().values()) {
      for (String name : e.scrapeJobs()) {
        if (!jobs.contains(name)) continue;
        boolean devices = e.hasDeviceJob() && name.equals(e.deviceJob());
        String path = devices && e.probePath() != null ? e.probePath() : e.metricsPath();
        Map<String, Object> job = new TreeMap<>();
        job.put("job_name", name);
        if (!path.equals("/metrics")) job.put("metrics_path", path);
        job.put("file_sd_configs", List.of(Map.of("files", List.of("targets/" + name + ".json"))));
        if (devices) {
          // the multi-target pattern: ask the device's exporter about the device (?target=ADDRESS&module=…)
          List<Map<String, Object>> relabel = new ArrayList<>(List.of(
              Map.of("source_labels", List.of("__address__"), "target_label", "__param_target"),
              Map.of("source_labels", List.of(JobTargets.EXPORTER_LABEL), "target_label", "__address__")));
          // beside its hosts' job, the devices' series keep the exporter's job label: its rules read both
          if (!name.equals(e.job())) relabel.add(Map.of("target_label", "job", "replacement", e.job()));
          job.put("relabel_configs", relabel);
        }
        scrapeConfigs.add(job);
      }
    }
    Map<String, Object> root = new TreeMap<>();
    root.put("global", global);
    root.put("rule_files", families.stream().map(f -> rulesDir + f + ".yml").toList());
    root.put("scrape_configs", scrapeConfigs);
    Map<String, Object> alerting = new TreeMap<>();
    alerting.put("alertmanagers", List.of(Map.of("static_configs", List.of(Map.of("targets", s.alertmanagers())))));
    // the replicas of a shard send the same alerts: without their replica label, Alertmanager sees one alert
    if (replica >= 0) alerting.put("alert_relabel_configs", List.of(Map.of("action", "labeldrop", "regex", "replica")));
    root.put("alerting", alerting);
    if (!s.remoteWrite().isEmpty()) root.put("remote_write", s.remoteWrite().stream().map(PrometheusEmitter::remoteWrite).toList());
    return Output.yaml(server.dir() + (replica >= 0 ? "prometheus-" + replica + ".yml" : "prometheus.yml"), root);
  }
}
