package dev.anvil.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.model.AlertRule;
import dev.anvil.model.Dashboard;
import dev.anvil.model.Alerting;
import dev.anvil.model.Receiver;
import dev.anvil.model.RoutingTest;
import dev.anvil.model.Exporter;
import dev.anvil.model.Group;
import dev.anvil.model.GroupName;
import dev.anvil.model.Hardware;
import dev.anvil.model.Host;
import dev.anvil.model.Namespace;
import dev.anvil.model.Partition;
import dev.anvil.model.Policy;
import dev.anvil.model.PrometheusSettings;
import dev.anvil.model.Selector;
import dev.anvil.model.Strategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Maps schema-valid documents to model records. Assumes the schema held: no type checks here. */
public final class ModelMapper {
  /** Policy sections, in the order they are resolved and explained. */
  public static final List<String> POLICY_SECTIONS = List.of("labels", "exporters", "alerts", "recording", "checks", "routing",
      "maintenance", "slurm", "rollout", "kubernetes", "gpu_sharing");

  private final List<Namespace> namespaces = new ArrayList<>();
  private final List<Group> groups = new ArrayList<>();
  private final List<Host> hosts = new ArrayList<>();
  private final List<Policy> policies = new ArrayList<>();
  private final List<Exporter> exporters = new ArrayList<>();
  private final List<AlertRule> alertRules = new ArrayList<>();
  private final List<PrometheusSettings> prometheus = new ArrayList<>();
  private final List<Receiver> receivers = new ArrayList<>();
  private final List<Alerting> alerting = new ArrayList<>();
  private final List<RoutingTest> routingTests = new ArrayList<>();
  private final List<Partition> partitions = new ArrayList<>();
  private final List<Dashboard> dashboards = new ArrayList<>();
  private final List<dev.anvil.model.ExporterContract> contracts = new ArrayList<>();
  private final List<dev.anvil.model.FacilityDevice> devices = new ArrayList<>();
  private final List<dev.anvil.model.Cluster> clusters = new ArrayList<>();

  public void add(Document doc) {
    JsonNode n = doc.root();
    SourceRef src = doc.ref();
    switch (doc.kind()) {
      case "Namespace" -> namespaces.add(new Namespace(text(n, "name"), n.get("priority").asInt(), src));
      case "Group" -> groups.add(group(n, src));
      case "Host" -> hosts.add(host(n, src));
      case "Policy" -> policies.add(policy(n, src));
      case "Exporter" -> exporters.add(exporter(n, src));
      case "AlertRule", "RecordingRule" -> alertRules.add(alertRule(n, src));
      case "Prometheus" -> prometheus.add(prometheus(n, src));
      case "Receiver" -> receivers.add(receiver(n, src));
      case "Alerting" -> alerting.add(alerting(n, src));
      case "RoutingTest" -> routingTests.add(routingTest(n, src));
      case "Partition" -> partitions.add(partition(n, src));
      case "Dashboard" -> dashboards.add(dashboard(n, src));
      case "ExporterContract" -> contracts.add(contract(n, src));
      case "FacilityDevice" -> devices.add(device(n, src));
      case "Cluster" -> clusters.add(cluster(n, src));
      default -> throw new IllegalArgumentException("unvalidated kind " + doc.kind());
    }
  }

  private final java.util.Map<String, java.util.Set<String>> refused = new java.util.TreeMap<>();

  /** A document the schemas refused: its kind and name, as far as they can be read. */
  public void refused(Document doc) {
    JsonNode name = doc.root().path("name");
    refused.computeIfAbsent(doc.kind(), k -> new java.util.TreeSet<>()).add(name.isTextual() ? name.asText() : "");
  }

  /** Appends what {@code other} (a later file) declared, keeping the order of files. */
  public void addAll(ModelMapper other) {
    namespaces.addAll(other.namespaces);
    groups.addAll(other.groups);
    hosts.addAll(other.hosts);
    policies.addAll(other.policies);
    exporters.addAll(other.exporters);
    alertRules.addAll(other.alertRules);
    prometheus.addAll(other.prometheus);
    receivers.addAll(other.receivers);
    alerting.addAll(other.alerting);
    routingTests.addAll(other.routingTests);
    partitions.addAll(other.partitions);
    dashboards.addAll(other.dashboards);
    contracts.addAll(other.contracts);
    devices.addAll(other.devices);
    clusters.addAll(other.clusters);
    other.refused.forEach((kind, names) -> refused.computeIfAbsent(kind, k -> new java.util.TreeSet<>()).addAll(names));
  }

  public Declarations result() {
    return new Declarations(namespaces, groups, hosts, policies, exporters, alertRules, prometheus, receivers, alerting,
        routingTests, partitions, dashboards, contracts, devices, clusters, refused);
  }

  private static dev.anvil.model.Cluster cluster(JsonNode n, SourceRef src) {
    JsonNode operator = n.path("gpu_operator");
    JsonNode monitoring = n.path("monitoring");
    String operatorNamespace = operator.has("namespace") ? text(operator, "namespace")
        : dev.anvil.model.Cluster.GPU_OPERATOR_NAMESPACE;
    Map<String, String> labels = new TreeMap<>();
    monitoring.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return new dev.anvil.model.Cluster(text(n, "name"), text(n, "provider"), text(n, "region"), text(n, "kubernetes"),
        operator.has("version") ? text(operator, "version") : dev.anvil.model.Cluster.GPU_OPERATOR_VERSION,
        operatorNamespace, monitoring.has("namespace") ? text(monitoring, "namespace") : operatorNamespace,
        java.util.Collections.unmodifiableMap(labels), text(n.path("karpenter"), "version"),
        text(n.path("prometheus_operator"), "version"), src);
  }

  private static Group group(JsonNode n, SourceRef src) {
    Selector select = null;
    JsonNode s = n.get("select");
    if (s != null) {
      select = new Selector(strings(s.get("accelerator_vendors")), strings(s.get("accelerator_models")),
          strings(s.get("nic_types")), strings(s.get("providers")));
    }
    return new Group(GroupName.parse(text(n, "name")), text(n, "description"), objectOrNull(n.get("provider")), select, src);
  }

  /**
   * Values that many hosts of a file repeat — group names, hardware, labels — one instance each
   * instead of one per host (records and lists are immutable, equal by value): the model of 100k
   * hosts is held for the whole compilation.
   */
  private final Map<Object, Object> shared = new java.util.HashMap<>();

  @SuppressWarnings("unchecked")
  private <T> T shared(T value) {
    if (value == null) return null;
    Object known = shared.putIfAbsent(value, value);
    return known == null ? value : (T) known;
  }

  private Host host(JsonNode n, SourceRef src) {
    List<GroupName> groups = new ArrayList<>();
    if (n.has("groups")) n.get("groups").forEach(g -> groups.add(shared(GroupName.parse(g.asText()))));
    return new Host(text(n, "name"), text(n, "address"), shared(GroupName.parse(text(n, "primary_group"))),
        shared(List.copyOf(groups)), shared(labels(n.get("labels"))), objectOrNull(n.get("provider")),
        shared(hardware(n.get("hardware"))), src);
  }

  private static Hardware hardware(JsonNode h) {
    if (h == null) return Hardware.NONE;
    JsonNode cpu = h.get("cpu");
    List<Hardware.Accelerator> acc = new ArrayList<>();
    if (h.has("accelerators")) {
      for (JsonNode a : h.get("accelerators")) {
        acc.add(new Hardware.Accelerator(text(a, "vendor"), text(a, "model"), a.get("count").asInt(),
            a.has("memory_gb") ? a.get("memory_gb").asInt() : null));
      }
    }
    List<Hardware.Nic> nics = new ArrayList<>();
    if (h.has("nics")) {
      for (JsonNode x : h.get("nics")) {
        nics.add(new Hardware.Nic(text(x, "name"), text(x, "type"), x.has("rate_gbps") ? x.get("rate_gbps").asInt() : null));
      }
    }
    List<Hardware.Mount> mounts = new ArrayList<>();
    if (h.has("mounts")) {
      for (JsonNode x : h.get("mounts")) mounts.add(new Hardware.Mount(text(x, "path"), text(x, "fstype"), text(x, "source")));
    }
    return new Hardware(cpu != null && cpu.has("cores") ? cpu.get("cores").asInt() : 0,
        cpu != null ? text(cpu, "model") : null,
        h.has("memory_gb") ? h.get("memory_gb").asInt() : 0,
        List.copyOf(acc), List.copyOf(nics), List.copyOf(mounts));
  }

  private static Policy policy(JsonNode n, SourceRef src) {
    Strategy defaultStrategy = Strategy.parse(text(n, "merge"));
    List<Policy.Entry> entries = new ArrayList<>();
    for (String section : POLICY_SECTIONS) {
      JsonNode s = n.get(section);
      if (s == null) continue;
      s.fields().forEachRemaining(e -> {
        JsonNode value = e.getValue();
        Strategy strategy = defaultStrategy;
        if (value.isObject() && value.has("merge")) {
          strategy = Strategy.parse(value.get("merge").asText());
          value = ((ObjectNode) value).deepCopy().without("merge");
        }
        entries.add(new Policy.Entry(section, e.getKey(), value, strategy,
            "/" + section + "/" + e.getKey().replace("~", "~0").replace("/", "~1")));
      });
    }
    String group = text(n, "group");
    return new Policy(text(n, "name"), group == null ? null : GroupName.parse(group), text(n, "host"),
        List.copyOf(entries), src);
  }

  private static Exporter exporter(JsonNode n, SourceRef src) {
    ObjectNode defaults = JsonNodeFactory.instance.objectNode();
    defaults.put("enabled", !n.has("enabled") || n.get("enabled").asBoolean());
    defaults.put("port", n.get("port").asInt());
    if (n.has("version")) defaults.put("version", n.get("version").asText());
    String path = text(n, "metrics_path");
    boolean managed = !n.has("managed") || n.get("managed").asBoolean();
    return new Exporter(text(n, "name"), text(n, "job"), path == null ? "/metrics" : path, managed,
        List.copyOf(strings(n.get("probes"))), text(n, "probe_path"), defaults, src);
  }

  /**
   * A PDU reads through apc_rpdu2 and a UPS through the standard UPS-MIB unless the document says
   * otherwise; a BMC logs in over IPMI 2.0 (LAN_2_0) at user privilege unless it says otherwise.
   */
  private static dev.anvil.model.FacilityDevice device(JsonNode n, SourceRef src) {
    String type = text(n, "type");
    String module = n.has("module") ? text(n, "module") : dev.anvil.model.FacilityDevice.moduleOf(type);
    String group = text(n, "group");
    JsonNode secret = n.has("community") ? n.get("community") : n.get("password");
    dev.anvil.model.FacilityDevice.Login login = !dev.anvil.model.FacilityDevice.BMC.equals(type) ? null
        : new dev.anvil.model.FacilityDevice.Login(text(n, "user"), n.has("driver") ? text(n, "driver") : "LAN_2_0",
            n.has("privilege") ? text(n, "privilege") : "user");
    return new dev.anvil.model.FacilityDevice(text(n, "name"), type, text(n, "address"),
        n.has("port") ? n.get("port").asInt() : dev.anvil.model.FacilityDevice.defaultPort(type),
        group == null ? null : GroupName.parse(group), text(n, "host"), module,
        secret == null ? null : text(secret, "file"), login, text(n, "via"),
        n.has("alerts") ? (ObjectNode) n.get("alerts") : JsonNodeFactory.instance.objectNode(), src);
  }

  private static AlertRule alertRule(JsonNode n, SourceRef src) {
    String file = src.file();
    String base = file.substring(file.lastIndexOf('/') + 1).replaceFirst("\\.ya?ml$", "");
    return new AlertRule(text(n, "name"), base, text(n, "exporter"), List.copyOf(strings(n.get("vendors"))),
        text(n, "check"), List.copyOf(strings(n.get("device_types"))), "RecordingRule".equals(text(n, "kind")), "fleet".equals(text(n, "scope")), n.has("defaults") ? (ObjectNode) n.get("defaults") : JsonNodeFactory.instance.objectNode(), text(n, "rule"),
        examples(n.get("examples")), src);
  }

  private static AlertRule.Examples examples(JsonNode n) {
    if (n == null) return null;
    return new AlertRule.Examples(exampleSeries(n.get("fires")), exampleSeries(n.get("quiet")),
        "all".equals(text(n, "hosts")));
  }

  private static Map<String, AlertRule.Series> exampleSeries(JsonNode n) {
    Map<String, AlertRule.Series> out = new java.util.LinkedHashMap<>();
    if (n == null) return out;
    n.fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      out.put(e.getKey(), v.isObject()
          ? new AlertRule.Series(v.path("values").asText(), v.has("count") ? v.get("count").asText() : null)
          : new AlertRule.Series(v.asText(), null));
    });
    return java.util.Collections.unmodifiableMap(out);
  }

  /** Prometheus's own default: the scrape interval when that is shorter than 10s. */
  private static String defaultTimeout(JsonNode n, PrometheusSettings d) {
    if (!n.has("scrape_interval")) return d.scrapeTimeout();
    try {
      String interval = text(n, "scrape_interval");
      return dev.anvil.model.PromDuration.millis(interval) < dev.anvil.model.PromDuration.millis(d.scrapeTimeout())
          ? interval : d.scrapeTimeout();
    } catch (IllegalArgumentException e) {
      return d.scrapeTimeout();
    }
  }

  private static PrometheusSettings prometheus(JsonNode n, SourceRef src) {
    PrometheusSettings d = PrometheusSettings.defaults();
    List<String> ams = n.has("alertmanagers") ? List.copyOf(strings(n.get("alertmanagers"))) : d.alertmanagers();
    return new PrometheusSettings(
        n.has("scrape_interval") ? text(n, "scrape_interval") : d.scrapeInterval(),
        n.has("scrape_timeout") ? text(n, "scrape_timeout") : defaultTimeout(n, d),
        n.has("evaluation_interval") ? text(n, "evaluation_interval") : d.evaluationInterval(),
        labels(n.get("external_labels")), ams,
        n.has("alertmanager_peers") ? List.copyOf(strings(n.get("alertmanager_peers"))) : List.of(), n.has("label_limit") ? n.get("label_limit").asInt() : d.labelLimit(),
        remoteWrite(n.path("remote_write")), n.has("retention")
            ? new PrometheusSettings.Retention(text(n.get("retention"), "time"), text(n.get("retention"), "size")) : null,
        sites(n.path("sites")), n.path("replicas").asInt(1),
        grafana(n.path("grafana"), ams, d.grafana()), src);
  }

  private static List<PrometheusSettings.Site> sites(JsonNode list) {
    List<PrometheusSettings.Site> out = new ArrayList<>();
    for (JsonNode site : list) {
      List<dev.anvil.model.GroupName> groups = new ArrayList<>();
      site.path("groups").forEach(g -> groups.add(dev.anvil.model.GroupName.parse(g.asText())));
      out.add(new PrometheusSettings.Site(text(site, "name"), List.copyOf(groups), site.path("shards").asInt(1)));
    }
    return List.copyOf(out);
  }

  private static List<PrometheusSettings.RemoteWrite> remoteWrite(JsonNode list) {
    List<PrometheusSettings.RemoteWrite> out = new ArrayList<>();
    for (JsonNode r : list) {
      JsonNode auth = r.path("basic_auth");
      out.add(new PrometheusSettings.RemoteWrite(text(r, "url"), text(r, "name"), r.path("deduplicate").asBoolean(false),
          text(r, "bearer_token_file"),
          text(auth, "username"), text(auth, "password_file"), scalars(r.path("tls")), scalars(r.path("queue"))));
    }
    return List.copyOf(out);
  }

  /** A mapping of scalars (strings, numbers, booleans) as Java values ({@link dev.anvil.model.Scalar}), in key order. */
  private static Map<String, Object> scalars(JsonNode n) {
    Map<String, Object> out = new java.util.TreeMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), dev.anvil.model.Scalar.valueOf(e.getValue())));
    return java.util.Collections.unmodifiableMap(out);
  }

  private static PrometheusSettings.Grafana grafana(JsonNode n, List<String> alertmanagers,
      PrometheusSettings.Grafana d) {
    String am = alertmanagers.isEmpty() ? d.alertmanagerUrl() : "http://" + alertmanagers.get(0);
    return new PrometheusSettings.Grafana(
        n.has("prometheus_url") ? text(n, "prometheus_url") : d.prometheusUrl(),
        n.has("alertmanager_url") ? text(n, "alertmanager_url") : am,
        n.has("dashboards_path") ? text(n, "dashboards_path") : d.dashboardsPath());
  }

  private static Dashboard dashboard(JsonNode n, SourceRef src) {
    List<Dashboard.Row> rows = new ArrayList<>();
    JsonNode rowNodes = n.get("rows");
    for (int r = 0; r < rowNodes.size(); r++) {
      JsonNode row = rowNodes.get(r);
      List<Dashboard.Panel> panels = new ArrayList<>();
      JsonNode panelNodes = row.get("panels");
      for (int p = 0; p < panelNodes.size(); p++) {
        JsonNode panel = panelNodes.get(p);
        String type = panel.has("type") ? text(panel, "type") : "timeseries";
        boolean small = type.equals("stat") || type.equals("gauge");
        List<Dashboard.Query> queries = new ArrayList<>();
        panel.get("queries").forEach(q -> queries.add(new Dashboard.Query(text(q, "expr"), text(q, "legend"),
            q.path("instant").asBoolean(type.equals("table")))));
        List<Double> thresholds = new ArrayList<>();
        panel.path("thresholds").forEach(t -> thresholds.add(t.asDouble()));
        panels.add(new Dashboard.Panel(text(panel, "title"), type, text(panel, "description"), text(panel, "unit"),
            panel.has("min") ? panel.get("min").asDouble() : null, panel.has("max") ? panel.get("max").asDouble() : null,
            List.copyOf(thresholds), panel.path("width").asInt(small ? 6 : 12), panel.path("height").asInt(small ? 4 : 8),
            requires(panel.get("requires")), List.copyOf(queries), "/rows/" + r + "/panels/" + p));
      }
      rows.add(new Dashboard.Row(text(row, "title"), requires(row.get("requires")), List.copyOf(panels)));
    }
    return new Dashboard(text(n, "name"), text(n, "title"), text(n, "folder"), text(n, "description"),
        List.copyOf(strings(n.get("tags"))), requires(n.get("requires")), List.copyOf(rows), src);
  }

  private static Dashboard.Requires requires(JsonNode n) {
    if (n == null) return Dashboard.Requires.NONE;
    return new Dashboard.Requires(List.copyOf(strings(n.get("vendors"))), List.copyOf(strings(n.get("exporters"))),
        n.path("checks").asBoolean(false), List.copyOf(strings(n.get("rules"))));
  }

  /** The receiver's type is its one type-named property; the checker reports zero or several. */
  private static Receiver receiver(JsonNode n, SourceRef src) {
    String type = null;
    for (String t : Receiver.TYPES) if (n.has(t)) type = type == null ? t : type + "," + t;
    return new Receiver(text(n, "name"), type, type == null || type.contains(",") ? null : (ObjectNode) n.get(type), src);
  }

  private static Alerting alerting(JsonNode n, SourceRef src) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<String> groupBy = n.has("group_by") ? List.copyOf(strings(n.get("group_by"))) : List.of("instance");
    return new Alerting(Alerting.AlertmanagerVersion.parse(n.has("alertmanager_version")
            ? text(n, "alertmanager_version") : "0.25"),
        n.has("secrets_dir") ? text(n, "secrets_dir") : "/run/anvil/secrets",
        text(n, "receiver"), groupBy,
        n.has("group_wait") ? text(n, "group_wait") : "30s",
        n.has("group_interval") ? text(n, "group_interval") : "5m",
        n.has("repeat_interval") ? text(n, "repeat_interval") : "4h",
        n.has("time_intervals") ? (ObjectNode) n.get("time_intervals") : f.objectNode(),
        n.has("default_routes") ? (ObjectNode) n.get("default_routes") : f.objectNode(),
        n.has("inhibit_rules") ? (ObjectNode) n.get("inhibit_rules") : f.objectNode(),
        n.has("remediation") ? new Alerting.Remediation(text(n.get("remediation"), "url"),
            text(n.get("remediation"), "credentials_file")) : null, src);
  }

  /** Partition options keep Slurm's spelling: max_time → MaxTime. */
  private static Partition partition(JsonNode n, SourceRef src) {
    JsonNode sel = n.has("select") ? n.get("select") : JsonNodeFactory.instance.objectNode();
    List<GroupName> groups = new ArrayList<>();
    if (sel.has("groups")) sel.get("groups").forEach(g -> groups.add(GroupName.parse(g.asText())));
    Map<String, String> options = new java.util.LinkedHashMap<>();
    for (String[] o : new String[][] {{"max_time", "MaxTime"}, {"default_time", "DefaultTime"},
        {"priority_tier", "PriorityTier"}, {"state", "State"}, {"over_subscribe", "OverSubscribe"}}) {
      if (n.has(o[0])) options.put(o[1], n.get(o[0]).asText());
    }
    if (n.has("allow_groups")) options.put("AllowGroups", String.join(",", strings(n.get("allow_groups"))));
    Map<String, Double> weights = new TreeMap<>();
    if (n.has("tres_billing_weights")) {
      n.get("tres_billing_weights").fields().forEachRemaining(e -> weights.put(e.getKey(), e.getValue().asDouble()));
    }
    return new Partition(text(n, "name"), List.copyOf(groups), List.copyOf(strings(sel.get("hosts"))),
        strings(sel.get("accelerator_vendors")), strings(sel.get("accelerator_models")),
        sel.has("min_accelerators") ? sel.get("min_accelerators").asInt() : 0, options, weights,
        n.path("default").asBoolean(false), n.has("slinky") ? (ObjectNode) n.get("slinky") : null, src);
  }

  private static RoutingTest routingTest(JsonNode n, SourceRef src) {
    List<Map<String, String>> firing = new ArrayList<>();
    if (n.has("firing")) n.get("firing").forEach(a -> firing.add(labels(a)));
    return new RoutingTest(text(n, "name"), text(n, "host"), labels(n.get("labels")), text(n, "at"), List.copyOf(firing),
        n.get("expect"), src);
  }

  private static dev.anvil.model.ExporterContract contract(JsonNode n, SourceRef src) {
    java.util.Map<String, String> vendors = new java.util.TreeMap<>();
    n.path("vendors").fields().forEachRemaining(e -> vendors.put(e.getKey(), e.getValue().asText()));
    java.util.SortedMap<String, dev.anvil.model.ExporterContract.Family> metrics = new java.util.TreeMap<>();
    n.path("metrics").fields().forEachRemaining(e -> {
      JsonNode f = e.getValue();
      List<String> familyVendors = f.path("vendors").isArray() ? List.copyOf(strings(f.get("vendors"))) : List.of();
      metrics.put(e.getKey(), new dev.anvil.model.ExporterContract.Family(text(f, "type"),
          List.copyOf(strings(f.path("labels"))), familyVendors,
          f.has("default_counters") ? f.get("default_counters").asBoolean() : null, text(f, "help"), text(f, "at"),
          text(f, "since"), text(f, "removed"), text(f, "note")));
    });
    java.util.Map<String, String> notEmitted = new java.util.TreeMap<>();
    n.path("not_emitted").fields().forEachRemaining(e -> notEmitted.put(e.getKey(), e.getValue().asText()));
    return new dev.anvil.model.ExporterContract(text(n, "exporter"), text(n, "families"), text(n, "version"),
        text(n, "oldest"), text(n, "tag"), text(n, "commit"), vendors, List.copyOf(strings(n.path("labels"))), metrics, notEmitted, src);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Map<String, String> labels(JsonNode n) {
    if (n == null) return Map.of();
    Map<String, String> out = new TreeMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return Collections.unmodifiableMap(out);
  }

  private static Set<String> strings(JsonNode n) {
    if (n == null) return Set.of();
    Set<String> out = new LinkedHashSet<>();
    n.forEach(v -> out.add(v.asText()));
    return Collections.unmodifiableSet(out);
  }

  private static ObjectNode objectOrNull(JsonNode n) {
    return n instanceof ObjectNode o ? o : null;
  }
}
