package dev.anvil.emit.prometheus;

import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.model.AlertRule;
import dev.anvil.emit.TargetLabels;
import dev.anvil.model.Exporter;
import dev.anvil.model.FacilityDevice;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.ResolvedSection;
import dev.anvil.resolve.Resolver;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One scrape job's file_sd targets, written host by host (hosts come sorted by name), and what the
 * job's rules need from them: for each rule and parameter set, the alert classes that have it, and
 * the target label names. Jobs are independent, so the emitter builds them in parallel.
 */
final class JobTargets {
  final Exporter exporter;
  /** The scrape job's name, which is also its target file's. */
  final String name;
  /** Every label name on this job's targets, plus job: the [[by]] of its rule templates. */
  final Set<String> labelNames = new TreeSet<>(Set.of("job"));
  /** rule → parameter set ("for=5m,...,threshold=80") → its parameters and the alert classes that have it. */
  final Map<AlertRule, SortedMap<String, AlertClasses.Rendering>> classes = new IdentityHashMap<>();
  private final AlertClasses.Naming naming = new AlertClasses.Naming();
  final OutputFile file;
  final int targets;
  /** The most labels on one target (those Prometheus keeps: not {@code __}-prefixed), and that target's name. */
  int widest;
  String widestTarget;

  // what a host's alert class depends on (hosts' jobs only; a device job works its classes out per device)
  private final List<AlertRule> rules;
  private final Map<AlertRule, Boolean> usesDevices;
  private final List<String> ruleSections;
  /** Each rule's section, as its index in {@link #ruleSections}. */
  private final int[] sectionOfRule;
  private final List<List<String>> vendorSets;
  /** A rule's parameters depend on the host's resolved entry (one per distinct value: {@link #sameValue}) and its device count. */
  private final Map<Object, Map<Integer, String>> paramValues = new IdentityHashMap<>();
  /**
   * A host's alert class depends only on which rules it meets the needs of, its device counts and the
   * rules' entries in the sections they read (equal values as one entry): worked out once per
   * distinct combination of these.
   */
  private final Map<List<Object>, Optional<String>> classOf = new HashMap<>();
  /**
   * Which rules a host has what they need for (exporter, devices, check: {@link ResolvedHost#meetsNeedsOf}),
   * by the part of its shape they read, as one array per distinct answer (at 10k hosts the node job's
   * 495 combinations of sections and device counts give a handful of answers).
   */
  private final Map<List<Object>, boolean[]> needsMet = new HashMap<>();
  private final Map<List<Boolean>, boolean[]> distinctNeedsMet = new HashMap<>();
  /**
   * For each of {@link #ruleSections}, by the host's section's identity: its entry for each rule of that
   * section (null for other sections' rules, and where the section has none). Sections that differ only
   * in entries no rule of this job reads give one array, the same instance: a class is worked out per
   * distinct array, not per section.
   */
  private final List<Map<ResolvedSection, ResolvedSection.Entry[]>> entries;
  private final Map<Identities, ResolvedSection.Entry[]> distinctEntries = new HashMap<>();
  /**
   * Each entry by the first with an equal value: a class reads an entry's value only, and groups that
   * set the same value are different entries (their provenance differs). At 10k hosts the node job's
   * 3 000 alerts sections hold ~130 distinct entries of its rules, and ~7 600 combinations of them,
   * but few distinct values. Per rule: a rule's parameter sets are recorded by its entries.
   */
  private final List<Map<ResolvedSection.Entry, ResolvedSection.Entry>> sameValue;
  private final List<Map<com.fasterxml.jackson.databind.JsonNode, ResolvedSection.Entry>> byValue;
  /** The alert class of each combination of the rules' parameter sets. */
  private final Map<List<String>, Optional<String>> classOfValues = new HashMap<>();
  /** Hosts with the same label names share one list: each list is added to the job's names once. */
  private final Set<List<String>> namesSeen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  /** The encoded class label of each alert class. */
  private final Map<String, byte[]> classLabels = new HashMap<>();

  private JobTargets(String dir, Exporter exporter, ResolvedFleet resolved, java.util.function.IntPredicate scrapes,
      List<HostLabels> hostLabels, List<AlertRule> rules, Map<AlertRule, Boolean> usesDevices) {
    this.exporter = exporter;
    this.name = exporter.job();
    Output.JsonLines out = new Output.JsonLines(dir + "targets/" + name + ".json");
    // JSON has no comments: the marker rides in a leading target group without targets, which Prometheus ignores
    out.add(Map.of("targets", List.of(), "labels", Map.of("__anvil_generated", Output.GENERATED)));
    for (AlertRule r : rules) classes.put(r, new TreeMap<>());
    this.rules = rules;
    this.usesDevices = usesDevices;
    this.ruleSections = rules.stream().map(AlertRule::section).distinct().toList();
    this.sectionOfRule = rules.stream().mapToInt(r -> ruleSections.indexOf(r.section())).toArray();
    this.vendorSets = rules.stream().map(AlertRule::vendors).distinct().toList();
    this.entries = ruleSections.stream()
        .<Map<ResolvedSection, ResolvedSection.Entry[]>>map(x -> new IdentityHashMap<>()).toList();
    this.sameValue = rules.stream().<Map<ResolvedSection.Entry, ResolvedSection.Entry>>map(r -> new IdentityHashMap<>()).toList();
    this.byValue = rules.stream().<Map<com.fasterxml.jackson.databind.JsonNode, ResolvedSection.Entry>>map(r -> new HashMap<>()).toList();
    int n = 0;
    for (int i = 0; i < resolved.hosts().size(); i++) {
      ResolvedHost host = resolved.hosts().get(i);
      if (!host.runs(exporter.name()) || !scrapes.test(i)) continue;
      addTarget(out, host, hostLabels.get(i));
      n++;
    }
    this.targets = n;
    this.file = out.finish();
  }

  /**
   * One host's target group. Per host in a method of its own, not in the loop's body: the loop runs
   * once per job, so the JIT would leave it interpreted (docs/architecture.md, "Performance").
   */
  private void addTarget(Output.JsonLines out, ResolvedHost host, HostLabels labels) {
    String id = classOf(host);
    if (namesSeen.add(labels.names())) labelNames.addAll(labels.names());
    if (id != null) labelNames.add(AlertRule.CLASS_LABEL);
    measure(labels.kept() + (id != null ? 1 : 0), labels.instance());
    byte[] middle = id == null ? labels.same() : classLabels.computeIfAbsent(id, JobTargets::classLabel);
    out.addParts(targetGroup(labels, middle, address(host.host().address(), host.port(exporter.name()))));
  }

  /**
   * The alert class of a host of this job (null: no rule covers it), recorded with its rules'
   * parameter sets so that the rules are rendered for it. Also for nodes this server does not
   * scrape but whose series carry the class: Kubernetes nodes scraped in their cluster.
   */
  String classOf(ResolvedHost host) {
    // first what the rules need depends on (exporters, checks, device counts), then the rules' sections
    Object[] needs = new Object[2 + vendorSets.size()];
    needs[0] = host.sections().get(Resolver.EXPORTERS);
    needs[1] = host.sections().get(Resolver.CHECKS);
    for (int i = 0; i < vendorSets.size(); i++) needs[2 + i] = host.devices(vendorSets.get(i));
    boolean[] met = needsMet.computeIfAbsent(Arrays.asList(needs), x -> metBy(host));
    Object[] shape = new Object[1 + vendorSets.size() + ruleSections.size()];
    shape[0] = met;  // one instance per distinct answer: compared by identity
    System.arraycopy(needs, 2, shape, 1, vendorSets.size());
    int entriesAt = 1 + vendorSets.size();
    for (int i = 0; i < ruleSections.size(); i++) {
      shape[entriesAt + i] = entriesOf(i, host.sections().get(ruleSections.get(i)));
    }
    return classOf.computeIfAbsent(Arrays.asList(shape), k -> {
      // each rule's parameter set for this host (null: the rule does not apply to it), in rule order
      String[] values = new String[rules.size()];
      for (int i = 0; i < values.length; i++) {
        AlertRule rule = rules.get(i);
        if (!met[i]) continue;
        int section = sectionOfRule[i];
        ResolvedSection.Entry entry = ((ResolvedSection.Entry[]) shape[entriesAt + section])[i];
        // as ResolvedHost#alertApplies: the host's settings for the rule leave it on
        if (!rule.fleetWide() && !ResolvedHost.enabled(entry == null ? null : entry.value())) continue;
        boolean devices = usesDevices.get(rule);
        Map<Integer, String> byDevices = paramValues.computeIfAbsent(entry, x -> new HashMap<>());
        // get, then put: a lambda capturing the rule and host would be one more object per rule per shape
        Integer count = devices ? host.devices(rule.vendors()) : -1;
        String value = byDevices.get(count);
        if (value == null) {
          SortedMap<String, String> params = AlertClasses.params(rule, host, devices);
          value = AlertClasses.classValue(params);
          classes.get(rule).putIfAbsent(value, new AlertClasses.Rendering(params));
          byDevices.put(count, value);
        }
        values[i] = value;
      }
      // far fewer distinct combinations than shapes: each is named once
      return classOfValues.computeIfAbsent(Arrays.asList(values), v -> {
        Map<AlertRule, String> byRule = new IdentityHashMap<>();
        for (int i = 0; i < values.length; i++) if (values[i] != null) byRule.put(rules.get(i), values[i]);
        return Optional.ofNullable(classId(rules, byRule));
      });
    }).orElse(null);
  }

  /** Which of the rules the host meets the needs of, as the one array of that answer. */
  private boolean[] metBy(ResolvedHost host) {
    Boolean[] met = new Boolean[rules.size()];
    for (int i = 0; i < met.length; i++) met[i] = host.meetsNeedsOf(rules.get(i));
    return distinctNeedsMet.computeIfAbsent(Arrays.asList(met), m -> {
      boolean[] out = new boolean[m.size()];
      for (int i = 0; i < out.length; i++) out[i] = m.get(i);
      return out;
    });
  }

  private ResolvedSection.Entry[] entriesOf(int section, ResolvedSection resolved) {
    return entries.get(section).computeIfAbsent(resolved, s -> {
      ResolvedSection.Entry[] out = new ResolvedSection.Entry[rules.size()];
      for (int i = 0; i < out.length; i++) {
        if (s != null && sectionOfRule[i] == section) out[i] = sameValue(i, s.entry(rules.get(i).name()));
      }
      return distinctEntries.computeIfAbsent(new Identities(out), k -> out);
    });
  }

  private ResolvedSection.Entry sameValue(int rule, ResolvedSection.Entry entry) {
    if (entry == null) return null;
    return sameValue.get(rule).computeIfAbsent(entry, e -> byValue.get(rule).computeIfAbsent(e.value(), v -> e));
  }

  /** An array's elements compared by identity: entries are shared, and equal ones are the same object. */
  private record Identities(Object[] elements) {
    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Identities other) || other.elements.length != elements.length) return false;
      for (int i = 0; i < elements.length; i++) if (elements[i] != other.elements[i]) return false;
      return true;
    }

    @Override
    public int hashCode() {
      int h = 1;
      for (Object e : elements) h = 31 * h + System.identityHashCode(e);
      return h;
    }
  }

  /**
   * A multi-target exporter's job: one target per facility device it reads, at the device's
   * address; the exporter that reads it rides in {@code __anvil_exporter} and the module in
   * {@code __param_module} (the scrape config's relabelling turns them into the request).
   */
  private JobTargets(String dir, Exporter exporter, List<FacilityDevice> devices, Map<FacilityDevice, String> via,
      List<AlertRule> rules, Map<String, Map<String, String>> labelsByHost) {
    this.exporter = exporter;
    this.name = exporter.deviceJob();
    this.rules = rules;
    this.usesDevices = Map.of();
    this.ruleSections = List.of();
    this.sectionOfRule = new int[0];
    this.vendorSets = List.of();
    this.entries = List.of();
    this.sameValue = List.of();
    this.byValue = List.of();
    Output.JsonLines out = new Output.JsonLines(dir + "targets/" + name + ".json");
    out.add(Map.of("targets", List.of(), "labels", Map.of("__anvil_generated", Output.GENERATED)));
    for (AlertRule r : rules) classes.put(r, new TreeMap<>());
    int n = 0;
    for (FacilityDevice device : devices) {
      if (!via.containsKey(device)) continue;  // read by another exporter, or by none (reported)
      Map<String, String> labels = new TreeMap<>(TargetLabels.of(device, labelsByHost.get(device.host())));
      Map<AlertRule, String> values = new IdentityHashMap<>();
      for (AlertRule rule : rules) {
        SortedMap<String, String> params = AlertClasses.params(rule, device);
        if (params == null) continue;
        String value = AlertClasses.classValue(params);
        classes.get(rule).computeIfAbsent(value, x -> new AlertClasses.Rendering(params));
        values.put(rule, value);
      }
      String id = classId(rules, values);
      if (id != null) labels.put(AlertRule.CLASS_LABEL, id);
      labelNames.addAll(labels.keySet());
      int kept = 0;
      for (String k : labels.keySet()) if (!k.startsWith("__")) kept++;
      measure(kept, labels.get("instance"));
      labels.put("__param_module", device.moduleName());
      labels.put(EXPORTER_LABEL, via.get(device));
      Map<String, Object> group = new TreeMap<>();
      group.put("labels", labels);
      group.put("targets", List.of(device.target()));
      out.add(group);
      n++;
    }
    this.targets = n;
    this.file = out.finish();
  }

  /**
   * The target's alert class (the parameter set of every rule that covers it; null for none), its one
   * label however many rules cover it; recorded with each of its rules' parameter sets.
   */
  private String classId(List<AlertRule> rules, Map<AlertRule, String> values) {
    if (values.isEmpty()) return null;
    String id = naming.id(rules, values);
    values.forEach((rule, value) -> classes.get(rule).get(value).classes().add(id));
    return id;
  }

  /** @param kept how many labels a target keeps (not {@code __}-prefixed) */
  private void measure(int kept, String instance) {
    if (kept > widest) {
      widest = kept;
      widestTarget = instance;
    }
  }

  /**
   * One target group as parts: the host's encoded labels with the job's class label in its place
   * (nothing copied per job), and the scrape address.
   */
  private static byte[][] targetGroup(HostLabels labels, byte[] middle, String target) {
    List<byte[]> parts = new java.util.ArrayList<>(2 * (2 + labels.after().length) + 2);
    parts.add(LABELS);
    addPiece(parts, labels.before());
    addPiece(parts, middle);
    for (byte[] piece : labels.after()) addPiece(parts, piece);
    StringBuilder end = new StringBuilder(target.length() + 20).append("},\"targets\":[");
    Output.quoted(target, end);
    parts.add(end.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    return parts.toArray(byte[][]::new);
  }

  /** Appends a piece of the labels unless it is empty, after a comma unless it is the first. */
  private static void addPiece(List<byte[]> parts, byte[] piece) {
    if (piece.length == 0) return;
    if (parts.size() > 1) parts.add(COMMA);
    parts.add(piece);
  }

  private static byte[] classLabel(String id) {
    StringBuilder sb = new StringBuilder();
    Output.quoted(AlertRule.CLASS_LABEL, sb);
    sb.append(':');
    Output.quoted(id, sb);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static final byte[] LABELS = "{\"labels\":{".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] COMMA = {','};

  /** The target label that carries the address of the exporter reading a device (dropped after relabelling). */
  static final String EXPORTER_LABEL = "__anvil_exporter";

  /**
   * @param dir where the server's files go (prometheus/, or prometheus/SITE/SHARD/)
   * @param via the address of the exporter that reads each device this server scrapes
   * @param labelsByHost the target labels of each host by name: a BMC's are its host's
   */
  static JobTargets devices(String dir, Exporter exporter, List<FacilityDevice> devices, Map<FacilityDevice, String> via,
      List<AlertRule> rules, Map<String, Map<String, String>> labelsByHost) {
    return new JobTargets(dir, exporter, devices, via, rules, labelsByHost);
  }

  /**
   * @param dir where the server's files go (prometheus/, or prometheus/SITE/SHARD/)
   * @param scrapes whether this server scrapes the host at an index of the resolved hosts
   * @param hostLabels the target labels of each host, in the order of the resolved hosts
   */
  static JobTargets build(String dir, Exporter exporter, ResolvedFleet resolved, java.util.function.IntPredicate scrapes,
      List<HostLabels> hostLabels, List<AlertRule> rules, Map<AlertRule, Boolean> usesDevices) {
    return new JobTargets(dir, exporter, resolved, scrapes, hostLabels, rules, usesDevices);
  }

  static String address(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
