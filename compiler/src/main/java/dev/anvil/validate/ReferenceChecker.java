package dev.anvil.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.diag.Diagnostic.Note;
import dev.anvil.diag.Suggestions;
import dev.anvil.diag.Text;
import dev.anvil.diag.Diagnostics;
import dev.anvil.emit.Templates;
import dev.anvil.load.Declarations;
import dev.anvil.load.SourceRef;
import dev.anvil.model.AlertRule;
import dev.anvil.model.Alerting;
import dev.anvil.model.CheckType;
import dev.anvil.model.Dashboard;
import dev.anvil.model.Hardware;
import dev.anvil.model.Receiver;
import dev.anvil.model.Exporter;
import dev.anvil.model.Fleet;
import dev.anvil.model.Group;
import dev.anvil.model.GroupName;
import dev.anvil.model.Host;
import dev.anvil.model.Namespace;
import dev.anvil.model.Partition;
import dev.anvil.model.Policy;
import dev.anvil.model.PrometheusSettings;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Checks what a schema cannot: names are unique, every reference names something declared, and
 * values fit the things they refer to. Builds the {@link Fleet} from what passed.
 */
public final class ReferenceChecker {
  /** Target labels the emitters set themselves; user labels may not use them. */
  static final Set<String> RESERVED_LABELS = Set.of("instance", "job", "host", "provider", "accelerators", "check", "check_type",
      "item", "reason");
  /**
   * Labels Prometheus and Alertmanager give a meaning of their own: a target label of that name
   * would overwrite theirs (or be renamed exported_*) on every series, or break routing.
   */
  static final Set<String> PROMETHEUS_LABELS = Set.of("alertname", "severity", "le", "quantile", "alertstate",
      "__name__");

  /** Whether a label or namespace name is taken by Prometheus, Alertmanager or Anvil. */
  public static boolean reservedName(String name) {
    return RESERVED_LABELS.contains(name) || PROMETHEUS_LABELS.contains(name) || name.startsWith("__")
        || name.startsWith("anvil_") || name.startsWith("exported_");
  }
  /** Parameters every alert rule has besides its defaults' (remediate: docs/remediation.md). */
  static final Set<String> COMMON_ALERT_PARAMS = Set.of("enabled", "remediate");
  static final Set<String> COMMON_RECORDING_PARAMS = Set.of("enabled");

  private final Diagnostics diagnostics;
  private final Set<String> broken = new HashSet<>();

  public ReferenceChecker(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  /**
   * Reports a reference to an undeclared {@code kind} — unless a document of that kind and name was
   * declared and refused by its schema: that error is already reported, once.
   */
  void unknown(dev.anvil.diag.Position at, String kind, String name, String hint) {
    if (declarations != null && declarations.wasRefused(kind, name)) return;
    diagnostics.error(at, "unknown " + kind.toLowerCase(java.util.Locale.ROOT) + " '" + name + "'" + hint);
  }

  private Declarations declarations;

  public Fleet check(Declarations d) {
    declarations = d;
    Map<String, Namespace> namespaces = namespaces(d.namespaces());
    TreeMap<GroupName, Group> groups = groups(d.groups(), namespaces);
    Set<GroupName> known = knownGroups(groups);
    Map<String, Host> hosts = hosts(d.hosts(), known);
    TreeMap<String, Exporter> exporters = exporters(d.exporters());
    Map<String, AlertRule> rules = alertRules(d.alertRules(), exporters);
    AlertingChecker alertingChecker = new AlertingChecker(diagnostics, d);
    Alerting alerting = alertingChecker.alerting(d.alerting());
    TreeMap<String, Receiver> receivers = alertingChecker.receivers(d.receivers(), alerting);
    Set<String> intervals = alertingChecker.checkAlerting(alerting, receivers);
    List<Policy> policies = new ArrayList<>();
    for (Policy p : d.policies()) {
      boolean ok = checkPolicy(p, known, hosts, exporters, rules, namespaces);
      ok &= alertingChecker.checkPolicy(p, alerting, receivers, intervals);
      if (ok) policies.add(p);
    }
    checkRemediation(policies, rules, alerting, receivers);
    alertingChecker.checkOverlaps(policies);
    alertingChecker.checkTests(d.routingTests(), hosts, receivers, alerting);
    hosts.values().forEach(h -> checkLabels(h.labels(), h.source(), "/labels", namespaces));
    PrometheusSettings prometheus = PrometheusSettings.defaults();
    for (PrometheusSettings s : d.prometheus()) {
      if (prometheus.source().startLine() != 0) {
        diagnostics.error(s.source().at(""), "duplicate Prometheus settings",
            new Note(prometheus.source().at(""), "first declared here"));
      } else {
        prometheus = s;
      }
    }
    if (dev.anvil.model.PromDuration.millis(prometheus.scrapeTimeout())
        > dev.anvil.model.PromDuration.millis(prometheus.scrapeInterval())) {
      diagnostics.error(prometheus.source().at("/scrape_timeout"), "scrape_timeout " + prometheus.scrapeTimeout()
          + " is longer than scrape_interval " + prometheus.scrapeInterval() + "; Prometheus refuses that");
    }
    // broken declarations are left out, so that resolution can still run and report its own errors
    List<Host> hostList = broken.isEmpty() ? List.copyOf(hosts.values())
        : hosts.values().stream().filter(h -> !broken.contains(h.name())).toList();
    return new Fleet(Map.copyOf(namespaces), groups, hostList, List.copyOf(policies), exporters,
        List.copyOf(rules.values()), prometheus, receivers, alerting, List.copyOf(d.routingTests()),
        partitions(d.partitions(), known, hosts), dashboards(d.dashboards(), exporters, rules), contracts(d.contracts(), exporters),
        devices(d.devices(), known, hosts, exporters, rules), clusters(d.clusters(), policies));
  }

  /** Clusters by name; a policy's kubernetes.node.cluster must name one. */
  private java.util.SortedMap<String, dev.anvil.model.Cluster> clusters(List<dev.anvil.model.Cluster> declared,
      List<Policy> policies) {
    TreeMap<String, dev.anvil.model.Cluster> out = new TreeMap<>();
    for (dev.anvil.model.Cluster c : declared) unique(out, c.name(), c, dev.anvil.model.Cluster::source, "cluster", "/name");
    for (Policy p : policies) {
      for (Policy.Entry e : p.entries()) {
        if (!e.section().equals("kubernetes") || !e.value().has("cluster")) continue;
        if (e.name().equals("pool") && p.host() != null) {
          diagnostics.error(p.source().at(e.pointer()), "kubernetes.pool belongs on a group (a pool's nodes are made on"
              + " demand); a host joins a cluster with kubernetes.node");
        }
        String name = e.value().get("cluster").asText();
        if (!out.containsKey(name)) {
          unknown(p.source().at(e.pointer() + "/cluster"), "Cluster", name, Suggestions.didYouMean(name, out.keySet()));
        }
      }
    }
    return java.util.Collections.unmodifiableSortedMap(out);
  }

  private List<Dashboard> dashboards(List<Dashboard> declared, Map<String, Exporter> exporters,
      Map<String, AlertRule> rules) {
    Map<String, Dashboard> out = new TreeMap<>();
    for (Dashboard d : declared) {
      if (!unique(out, d.name(), d, Dashboard::source, "dashboard", "/name")) continue;
      checkRequires(d, d.requires(), "/requires", exporters, rules);
      for (int r = 0; r < d.rows().size(); r++) {
        Dashboard.Row row = d.rows().get(r);
        checkRequires(d, row.requires(), "/rows/" + r + "/requires", exporters, rules);
        for (Dashboard.Panel p : row.panels()) {
          checkRequires(d, p.requires(), p.pointer() + "/requires", exporters, rules);
          checkTemplateVariables(d, p, exporters);
        }
      }
    }
    return List.copyOf(out.values());
  }

  /** A misspelt variable would render empty and silently widen the query to every series. */
  private void checkTemplateVariables(Dashboard d, Dashboard.Panel p, Map<String, Exporter> exporters) {
    Set<String> known = new TreeSet<>(List.of("filter"));
    for (String v : Hardware.VENDORS) known.add("vendor." + v.replace('-', '_'));
    for (String e : exporters.keySet()) known.add("job." + e.replace('-', '_'));
    for (int i = 0; i < p.queries().size(); i++) {
      for (String v : Templates.variables(p.queries().get(i).expr())) {
        if (!known.contains(v)) {
          diagnostics.error(d.source().at(p.pointer() + "/queries/" + i + "/expr"), "dashboard '" + d.name()
              + "' uses unknown template variable '" + v + "'" + Suggestions.didYouMean(v, known)
              + " (known: filter, vendor.VENDOR, job.EXPORTER; dashes become underscores)");
        }
      }
    }
  }

  private void checkRequires(Dashboard d, Dashboard.Requires requires, String pointer, Map<String, Exporter> exporters,
      Map<String, AlertRule> rules) {
    for (int i = 0; i < requires.exporters().size(); i++) {
      String e = requires.exporters().get(i);
      if (!exporters.containsKey(e)) {
        unknown(d.source().at(pointer + "/exporters/" + i), "Exporter", e, Suggestions.didYouMean(e, exporters.keySet()));
      }
    }
    for (int i = 0; i < requires.rules().size(); i++) {
      String r = requires.rules().get(i);
      if (!rules.containsKey(r)) {
        diagnostics.error(d.source().at(pointer + "/rules/" + i), "dashboard '" + d.name() + "' requires rule '" + r
            + "', which no rules/ file declares" + Suggestions.didYouMean(r, rules.keySet()));
      }
    }
  }

  private Map<String, Namespace> namespaces(List<Namespace> declared) {
    Map<String, Namespace> out = new TreeMap<>();
    for (Namespace n : Namespace.defaults()) out.put(n.name(), n);
    Map<String, Namespace> seen = new HashMap<>();
    for (Namespace n : declared) {
      if (reservedName(n.name())) {
        // a namespace becomes a label on every target: it must not take over a reserved one
        diagnostics.error(n.source().at("/name"), "namespace name '" + n.name() + "' is reserved: it would become the"
            + " target label '" + n.name() + "', which Prometheus, Alertmanager or Anvil already use");
        continue;
      }
      if (unique(seen, n.name(), n, Namespace::source, "namespace", "/name")) out.put(n.name(), n);
    }
    return out;
  }

  private TreeMap<GroupName, Group> groups(List<Group> declared, Map<String, Namespace> namespaces) {
    TreeMap<GroupName, Group> out = new TreeMap<>();
    for (Group g : declared) {
      if (!namespaces.containsKey(g.name().namespace())) {
        diagnostics.error(g.source().at("/name"), "unknown namespace '" + g.name().namespace() + "' in group '"
            + g.name() + "' (known: " + String.join(", ", namespaces.keySet()) + ")");
        continue;
      }
      unique(out, g.name(), g, Group::source, "group", "/name");
      boolean infra = g.name().namespace().equals(Namespace.INFRASTRUCTURE);
      if (infra && g.select() != null) {
        diagnostics.error(g.source().keyAt("/select"), "infrastructure group '" + g.name()
            + "' cannot select members by rule: a host's infrastructure group is its primary_group");
      }
      if (!infra && g.provider() != null) {
        diagnostics.error(g.source().keyAt("/provider"), "only infrastructure groups carry provider metadata");
      }
    }
    return out;
  }

  /** Declared groups and all their ancestors: a path's prefixes exist implicitly, like directories. */
  private static Set<GroupName> knownGroups(Map<GroupName, Group> groups) {
    Set<GroupName> known = new HashSet<>();
    for (GroupName g : groups.keySet()) known.addAll(g.selfAndAncestors());
    return known;
  }

  /** The declared hosts by name, in name order; a name's second declaration and unsound hosts are reported. */
  private Map<String, Host> hosts(List<Host> declared, Set<GroupName> known) {
    // an address on its own is judged on every core; what depends on the hosts before it, in order
    List<AddressCheck> addresses = declared.parallelStream().map(h -> AddressCheck.of(h.address())).toList();
    Map<String, Host> byName = new HashMap<>(declared.size() * 2);
    List<Host> unique = new ArrayList<>(declared.size());
    Map<String, Host> byAddress = new HashMap<>();
    // a host's checks in a method of its own, not in this loop's body (docs/architecture.md, "Performance")
    for (int i = 0; i < declared.size(); i++) admit(declared.get(i), addresses.get(i), byName, unique, byAddress, known);
    // hosts mostly come sorted (files in order, hosts in order in them): one pass of the sort then
    unique.sort(Comparator.comparing(Host::name));
    Map<String, Host> out = new LinkedHashMap<>(unique.size() * 2);
    unique.forEach(h -> out.put(h.name(), h));
    return out;
  }

  /** What a host's address is worth: why it is none, or the form two spellings of it share. */
  private record AddressCheck(String problem, String canonical) {
    static AddressCheck of(String address) {
      String problem = dev.anvil.model.Address.problem(address);
      return new AddressCheck(problem, problem == null ? dev.anvil.model.Address.canonical(address) : null);
    }
  }

  /** Takes a host whose name is its own into {@code unique}, and marks it broken unless it checks out; reports what does not. */
  private void admit(Host h, AddressCheck address, Map<String, Host> byName, List<Host> unique,
      Map<String, Host> byAddress, Set<GroupName> known) {
    if (!unique(byName, h.name(), h, Host::source, "host", "/name")) return;
    unique.add(h);
    if (!checkHost(h, address, byAddress, known)) broken.add(h.name());
  }

  /** Whether a host's address and groups are sound; reports what is not. */
  private boolean checkHost(Host h, AddressCheck address, Map<String, Host> byAddress, Set<GroupName> known) {
    boolean ok = true;
    String addressProblem = address.problem();
    if (addressProblem != null) {
      diagnostics.error(h.source().at("/address"), addressProblem);
      ok = false;
    } else {
      // two hosts at one address are scraped twice and counted as two: usually a stale entry. No
      // consumer refuses it (several slurmd on one node, test fleets on loopback), so it warns.
      Host first = byAddress.putIfAbsent(address.canonical(), h);
      if (first != null) {
        diagnostics.add(dev.anvil.diag.Diagnostic.warning(h.source().at("/address"), "hosts '" + first.name()
            + "' and '" + h.name() + "' have the same address " + h.address(), new Note(first.source().at("/address"),
            "'" + first.name() + "' has it here")));
      }
    }
    GroupName primary = h.primaryGroup();
    if (!primary.namespace().equals(Namespace.INFRASTRUCTURE)) {
      diagnostics.error(h.source().at("/primary_group"), "primary_group must be an infrastructure group, not '"
          + primary + "'");
      ok = false;
    } else if (!known.contains(primary)) {
      unknown(h.source().at("/primary_group"), "Group", primary.toString(), Suggestions.didYouMean(primary, known));
      ok = false;
    }
    for (int i = 0; i < h.groups().size(); i++) {
      GroupName g = h.groups().get(i);
      if (g.namespace().equals(Namespace.INFRASTRUCTURE)) {
        diagnostics.error(h.source().at("/groups/" + i), "'" + g + "': a host belongs to one infrastructure"
            + " group, its primary_group");
        ok = false;
      } else if (!known.contains(g)) {
        unknown(h.source().at("/groups/" + i), "Group", g.toString(), Suggestions.didYouMean(g, known));
        ok = false;
      }
    }
    return ok;
  }

  private TreeMap<String, Exporter> exporters(List<Exporter> declared) {
    TreeMap<String, Exporter> out = new TreeMap<>();
    Map<String, Exporter> jobs = new HashMap<>();
    for (Exporter e : declared) {
      if (!unique(out, e.name(), e, Exporter::source, "exporter", "/name")) continue;
      Exporter sameJob = jobs.putIfAbsent(e.job(), e);
      if (sameJob != null) {
        diagnostics.error(e.source().at("/job"), "job '" + e.job() + "' is already used by exporter '"
            + sameJob.name() + "'", new Note(sameJob.source().at("/job"), "used here"));
      }
    }
    return out;
  }

  private Map<String, AlertRule> alertRules(List<AlertRule> declared, Map<String, Exporter> exporters) {
    Map<String, AlertRule> out = new LinkedHashMap<>();
    List<AlertRule> sorted = new ArrayList<>(declared);
    sorted.sort(Comparator.comparing(AlertRule::family).thenComparing(AlertRule::name));
    for (AlertRule r : sorted) {
      // alert and recording rules share one name space: both name the class label anvil_<name>
      unique(out, r.name(), r, AlertRule::source, r.what(), "/name");
      r.defaults().fieldNames().forEachRemaining(param -> {
        if (AlertRule.CONTEXT_VARIABLES.contains(param) || AlertRule.ENTRY_KEYS.contains(param)) {
          diagnostics.error(r.source().keyAt("/defaults/" + param), r.what() + " '" + r.name() + "': a parameter cannot be"
              + " called '" + param + "': Anvil sets " + (AlertRule.ENTRY_KEYS.contains(param) ? "that key of policy entries"
              : "[[" + param + "]] itself") + "; choose another name");
        }
      });
      if (!exporters.containsKey(r.exporter())) {
        unknown(r.source().at("/exporter"), "Exporter", r.exporter(), " (known: " + String.join(", ", exporters.keySet()) + ")");
      }
    }
    return out;
  }

  /** Reports problems of a policy; returns whether it is sound enough to resolve. */
  private boolean checkPolicy(Policy p, Set<GroupName> known, Map<String, Host> hosts,
      Map<String, Exporter> exporters, Map<String, AlertRule> rules, Map<String, Namespace> namespaces) {
    int before = diagnostics.errorCount();
    if ((p.group() == null) == (p.host() == null)) {
      diagnostics.error(p.source().at(""), "a policy targets exactly one of 'group' or 'host'");
    } else if (p.group() != null && !known.contains(p.group())) {
      unknown(p.source().at("/group"), "Group", p.group().toString(), Suggestions.didYouMean(p.group(), known));
    } else if (p.host() != null && !hosts.containsKey(p.host())) {
      diagnostics.error(p.source().at("/host"), "unknown host '" + p.host() + "'" + Suggestions.didYouMean(p.host(), hosts.keySet()));
    }
    // errors that do not stop resolution: the rest of the policy still counts, so later checks
    // (settings missing after merging) do not report what is only a consequence
    int harmless = 0;
    for (Policy.Entry e : p.entries()) {
      switch (e.section()) {
        case "exporters" -> {
          if (!exporters.containsKey(e.name())) {
            unknown(p.source().keyAt(e.pointer()), "Exporter", e.name(), " (known: "
                + String.join(", ", exporters.keySet()) + ")");
          }
        }
        case "alerts", "recording" -> checkRuleEntry(p, e, rules);
        case "labels" -> checkLabel(e.name(), p.source(), e.pointer(), namespaces);
        case "checks" -> harmless += checkCheckEntry(p, e);
        default -> { }
      }
    }
    return diagnostics.errorCount() - harmless == before;
  }

  /**
   * An alert marked {@code remediate: drain} needs somewhere to go: Alerting.remediation, whose
   * receiver name must be free.
   */
  private void checkRemediation(List<Policy> policies, Map<String, AlertRule> rules, Alerting alerting,
      Map<String, Receiver> receivers) {
    if (alerting != null && alerting.remediation() != null && receivers.containsKey(Alerting.REMEDIATION_RECEIVER)) {
      diagnostics.error(receivers.get(Alerting.REMEDIATION_RECEIVER).source().at("/name"), "receiver name '"
          + Alerting.REMEDIATION_RECEIVER + "' is taken by Alerting.remediation's receiver; rename this one");
    }
    if (alerting != null && alerting.remediation() != null) return;
    String why = " drains nodes (remediate: drain), but " + (alerting == null ? "there is no Alerting document"
        : "the Alerting document has no remediation") + " (url of anvil serve's drain receiver): docs/remediation.md";
    for (AlertRule r : rules.values()) {
      if (drains(r.defaults())) diagnostics.error(r.source().keyAt("/defaults/remediate"), "alert rule '" + r.name() + "'" + why);
    }
    for (Policy p : policies) {
      for (Policy.Entry e : p.entries()) {
        if (e.section().equals("alerts") && drains(e.value())) {
          diagnostics.error(p.source().keyAt(e.pointer() + "/remediate"), "alert '" + e.name() + "'" + why);
        }
      }
    }
  }

  private static boolean drains(JsonNode params) {
    return "drain".equals(params.path("remediate").asText());
  }

  /**
   * Facility devices: a name that no host or other device has (it becomes the instance label), a
   * known group, a module of its type, an exporter that reads its type, and alert parameters the
   * rules of that exporter take.
   */
  private List<dev.anvil.model.FacilityDevice> devices(List<dev.anvil.model.FacilityDevice> declared, Set<GroupName> known,
      Map<String, Host> hosts, Map<String, Exporter> exporters, Map<String, AlertRule> rules) {
    Map<String, dev.anvil.model.FacilityDevice> out = new TreeMap<>();
    for (dev.anvil.model.FacilityDevice device : declared) {
      if (!unique(out, device.name(), device, dev.anvil.model.FacilityDevice::source, "facility device", "/name")) continue;
      if (hosts.containsKey(device.name())) {
        diagnostics.error(device.source().at("/name"), "facility device '" + device.name() + "' has the name of a host: both"
            + " would be instance=\"" + device.name() + "\"", new Note(hosts.get(device.name()).source().at("/name"), "host declared here"));
      }
      String addressProblem = dev.anvil.model.Address.problem(device.address());
      if (addressProblem != null) {
        diagnostics.error(device.source().at("/address"), addressProblem.replace("(each exporter's port is added to it)",
            "(and its port as port:)"));
      }
      if (device.group() != null && !known.contains(device.group())) {
        unknown(device.source().at("/group"), "Group", device.group().toString(), Suggestions.didYouMean(device.group(), known));
      }
      if (device.host() != null && !hosts.containsKey(device.host())) {
        diagnostics.error(device.source().at("/host"), "unknown host '" + device.host() + "'" + Suggestions.didYouMean(device.host(), hosts.keySet()));
      }
      if (device.via() != null && !hosts.containsKey(device.via())) {
        diagnostics.error(device.source().at("/via"), "unknown host '" + device.via() + "'" + Suggestions.didYouMean(device.via(), hosts.keySet()));
      }
      if (device.host() != null && device.host().equals(device.via())) {
        diagnostics.error(device.source().at("/via"), "the BMC of " + device.host() + " is read through " + device.host()
            + " itself: it would go dark with the host it is there to watch (read it from a management host)");
      }
      String expected = dev.anvil.model.FacilityDevice.moduleOf(device.type());
      if (!device.module().equals(expected)) {
        diagnostics.error(device.source().at("/module"), "module " + device.module() + " does not read a " + device.type()
            + " (use " + expected + ")");
      }
      List<String> readers = exporters.values().stream().filter(e -> e.probes().contains(device.type())).map(Exporter::name).toList();
      if (readers.isEmpty()) {
        diagnostics.error(device.source().at("/type"), "no exporter reads " + device.type() + " devices (an Exporter with probes: ["
            + device.type() + "], like snmp_exporter and ipmi_exporter in the example fleet's rules/exporters.yaml)");
      }
      device.alerts().fields().forEachRemaining(e -> {
        AlertRule rule = rules.get(e.getKey());
        String at = "/alerts/" + e.getKey().replace("~", "~0").replace("/", "~1");
        if (rule == null || rule.recording()) {
          diagnostics.error(device.source().keyAt(at), "unknown alert '" + e.getKey() + "'"
              + Suggestions.didYouMean(e.getKey(), rules.keySet()));
          return;
        }
        if (!readers.contains(rule.exporter()) || !rule.deviceTypes().isEmpty() && !rule.deviceTypes().contains(device.type())) {
          diagnostics.error(device.source().keyAt(at), "alert '" + e.getKey() + "' does not read " + device.type() + " devices");
          return;
        }
        e.getValue().fieldNames().forEachRemaining(param -> {
          if (!rule.defaults().has(param) && !param.equals("enabled")) {
            diagnostics.error(device.source().keyAt(at + "/" + param), "alert '" + e.getKey() + "' has no parameter '" + param + "'");
          }
        });
      });
    }
    return List.copyOf(out.values());
  }

  /** An {@code alerts:} entry names an alert rule, a {@code recording:} entry a recording rule. */
  private void checkRuleEntry(Policy p, Policy.Entry e, Map<String, AlertRule> rules) {
    AlertRule rule = rules.get(e.name());
    boolean recording = e.section().equals("recording");
    String kind = recording ? "recording rule" : "alert";
    if (rule == null || rule.recording() != recording) {
      Set<String> names = new TreeSet<>();
      rules.values().stream().filter(r -> r.recording() == recording).forEach(r -> names.add(r.name()));
      String elsewhere = rule == null ? "" : " ('" + e.name() + "' is " + (rule.recording()
          ? "a recording rule: set it under recording:" : "an alert rule: set it under alerts:") + ")";
      String hint = Suggestions.didYouMean(e.name(), names);
      if (hint.isEmpty()) hint = names.isEmpty() ? " (none is declared)" : " (known: " + String.join(", ", names) + ")";
      diagnostics.error(p.source().keyAt(e.pointer()), "unknown " + kind + " '" + e.name() + "'"
          + (elsewhere.isEmpty() ? hint : elsewhere));
      return;
    }
    if (rule.fleetWide()) {
      diagnostics.error(p.source().keyAt(e.pointer()), kind + " '" + e.name()
          + "' is fleet-wide (scope: fleet); set its parameters in " + rule.source().file());
      return;
    }
    Set<String> common = recording ? COMMON_RECORDING_PARAMS : COMMON_ALERT_PARAMS;
    e.value().fieldNames().forEachRemaining(param -> {
      if (!rule.defaults().has(param) && !common.contains(param)) {
        Set<String> allowed = new TreeSet<>(common);
        rule.defaults().fieldNames().forEachRemaining(allowed::add);
        diagnostics.error(p.source().keyAt(e.pointer() + "/" + param), kind + " '" + e.name()
            + "' has no parameter '" + param + "' (it has: " + String.join(", ", allowed) + ")");
      }
    });
  }

  /**
   * A setting of another check type is a mistake the agent would silently ignore; a date that does
   * not exist would make it fail. Returns the number of errors reported.
   */
  private int checkCheckEntry(Policy p, Policy.Entry e) {
    CheckType type = CheckType.parse(e.value().path("type").asText());
    if (type == null) return 0; // the schema reported it
    int before = diagnostics.errorCount();
    e.value().fieldNames().forEachRemaining(setting -> {
      if (!type.accepts(setting)) {
        diagnostics.error(p.source().keyAt(e.pointer() + "/" + setting), "check '" + e.name() + "' of type "
            + type.label() + " has no setting '" + setting + "' (it has: " + String.join(", ", type.settings()) + ")");
      }
    });
    if (e.value().has("expires")) {
      try {
        LocalDate.parse(e.value().get("expires").asText());
      } catch (DateTimeParseException x) {
        diagnostics.error(p.source().at(e.pointer() + "/expires"), "check '" + e.name() + "': '"
            + e.value().get("expires").asText() + "' is not a date");
      }
    }
    return diagnostics.errorCount() - before;
  }

  private void checkLabels(Map<String, String> labels, SourceRef src, String pointer,
      Map<String, Namespace> namespaces) {
    for (String name : labels.keySet()) checkLabel(name, src, pointer + "/" + name, namespaces);
  }

  private void checkLabel(String name, SourceRef src, String pointer, Map<String, Namespace> namespaces) {
    if (reservedName(name) || namespaces.containsKey(name)) {
      diagnostics.error(src.keyAt(pointer), "label '" + name + "' is reserved: Anvil sets it on every target"
          + " (namespace labels, instance, job, host, provider, accelerators, anvil_*) or on check results (check,"
          + " check_type, item, reason), and Prometheus or Alertmanager give meaning to alertname, severity, le,"
          + " quantile, exported_* and __*");
    }
  }

  private List<Partition> partitions(List<Partition> declared, Set<GroupName> known, Map<String, Host> hosts) {
    Map<String, Partition> out = new TreeMap<>();
    Partition firstDefault = null;
    for (Partition p : declared) {
      if (!unique(out, p.name(), p, Partition::source, "partition", "/name")) continue;
      for (int i = 0; i < p.groups().size(); i++) {
        if (!known.contains(p.groups().get(i))) {
          unknown(p.source().at("/select/groups/" + i), "Group", p.groups().get(i).toString(),
              Suggestions.didYouMean(p.groups().get(i), known));
        }
      }
      for (int i = 0; i < p.hosts().size(); i++) {
        if (!hosts.containsKey(p.hosts().get(i))) {
          diagnostics.error(p.source().at("/select/hosts/" + i), "unknown host '" + p.hosts().get(i) + "'"
              + Suggestions.didYouMean(p.hosts().get(i), hosts.keySet()));
        }
      }
      for (String[] limit : new String[][] {{"MaxTime", "/max_time"}, {"DefaultTime", "/default_time"}}) {
        String value = p.options().get(limit[0]);
        if (value == null) continue;
        try {
          dev.anvil.model.SlurmTime.seconds(value);
        } catch (IllegalArgumentException e) {
          diagnostics.error(p.source().at(limit[1]), e.getMessage());
        }
      }
      if (p.isDefault()) {
        if (firstDefault != null) {
          diagnostics.error(p.source().at("/default"), "partition '" + p.name() + "' is the second default partition"
              + " (Slurm would silently keep only the last one)", new Note(firstDefault.source().at("/default"),
              "'" + firstDefault.name() + "' is the default here"));
        } else {
          firstDefault = p;
        }
      }
    }
    return List.copyOf(out.values());
  }

  /** Puts {@code item} under {@code key} unless taken; otherwise reports both places and returns false. */
  private <K, T> boolean unique(Map<K, T> into, K key, T item, Function<T, SourceRef> source, String what,
      String pointer) {
    T first = into.putIfAbsent(key, item);
    if (first == null) return true;
    diagnostics.error(source.apply(item).at(pointer), "duplicate " + what + " '" + key + "'",
        new Note(source.apply(first).at(pointer), "first declared here"));
    return false;
  }

  /** Contracts of declared exporters, one per exporter and version. */
  private List<dev.anvil.model.ExporterContract> contracts(List<dev.anvil.model.ExporterContract> all,
      Map<String, Exporter> exporters) {
    Map<String, dev.anvil.model.ExporterContract> seen = new TreeMap<>();
    List<dev.anvil.model.ExporterContract> out = new ArrayList<>();
    for (dev.anvil.model.ExporterContract c : all) {
      if (!exporters.containsKey(c.exporter())) {
        diagnostics.error(c.source().at("/exporter"), "contract for unknown exporter '" + Text.shown(c.exporter()) + "'"
            + Suggestions.didYouMean(c.exporter(), exporters.keySet()));
        continue;
      }
      try {
        com.google.re2j.Pattern.compile(c.families());
      } catch (com.google.re2j.PatternSyntaxException e) {
        diagnostics.error(c.source().at("/families"), "not a regular expression: " + Text.shown(e.getDescription()));
        continue;
      }
      dev.anvil.model.ExporterContract first = seen.putIfAbsent(c.exporter() + " " + c.version(), c);
      if (first != null) {
        diagnostics.error(c.source().at("/version"), "a second contract for " + c.exporter() + " " + c.version(),
            new Note(first.source().at("/version"), "first declared here"));
        continue;
      }
      out.add(c);
    }
    return List.copyOf(out);
  }
}
