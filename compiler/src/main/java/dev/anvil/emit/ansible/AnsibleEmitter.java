package dev.anvil.emit.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.diag.Diagnostic.Note;
import dev.anvil.diag.Diagnostics;
import dev.anvil.emit.CheckList;
import dev.anvil.emit.DeviceReaders;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.model.Fleet;
import dev.anvil.model.GroupName;
import dev.anvil.model.Hardware;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.Resolver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code ansible/}: a YAML inventory whose groups mirror the namespaces and group paths, with each
 * host's vars inline (address, accelerators, exporters, checks, labels, provider), and a playbook
 * that installs and starts each host's exporters, one play per rollout class ({@code serial},
 * {@code max_fail_percentage}). One file for the whole fleet: 100k hosts are not 100k files.
 */
public final class AnsibleEmitter implements Emitter {
  static final String DIR = "ansible/";
  static final String ROLLOUT_GROUP = "anvil_rollout";

  /** Where the playbook installs exporters (the inventory's anvil_exporter_dir). */
  static final String EXPORTER_DIR = "/opt/anvil/exporters";

  /** Listen arguments of the exporters Anvil knows; others get node_exporter's convention. */
  private static final Map<String, String> LISTEN = Map.of(
      "node_exporter", "--web.listen-address=:{port} --collector.textfile.directory=/var/lib/node_exporter/textfile_collector",
      "dcgm-exporter", "--address=:{port}",
      "all-smi", "api --port {port}",
      "snmp_exporter", "--web.listen-address=:{port} --config.file=" + EXPORTER_DIR + "/snmp.yml",
      "ipmi_exporter", "--web.listen-address=:{port} --config.file=" + EXPORTER_DIR + "/ipmi.yml");


  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    Fleet fleet = resolved.fleet();
    Map<String, OutputFile> counters = DcgmCounters.of(fleet);
    Map<String, Map<String, String>> secrets = secretsByReader(resolved);
    GroupNames names = new GroupNames(fleet, diagnostics);
    // group name → child groups, and → hosts (hosts come sorted by name: appending keeps the order)
    Map<String, TreeSet<String>> children = new TreeMap<>();
    Map<String, List<String>> hosts = new TreeMap<>();
    Map<String, Rollout> rollouts = new TreeMap<>();
    List<ResolvedHost> all = resolved.hosts();
    HostLines lines = new HostLines(fleet, counters, secrets);
    OutputFile.Parts inventory = new OutputFile.Parts(all.size() * 7 + 2);
    // hash lookups per host; the sorted maps are filled once per group, not once per host. Per host
    // in a lambda, whose body is a method of its own (docs/architecture.md, "Performance")
    Map<GroupName, List<String>> hostsOfGroup = new java.util.HashMap<>();
    Map<JsonNode, List<String>> rolloutHostsOfSection = new java.util.IdentityHashMap<>();
    all.forEach(h -> {
      for (GroupName g : h.memberships()) {
        append(hostsOfGroup.computeIfAbsent(g, k -> new ArrayList<>()), h.name());
      }
      append(rolloutHostsOfSection.computeIfAbsent(h.section(Resolver.ROLLOUT), k -> {
        Rollout r = Rollout.of(k.get("exporters"));
        rollouts.putIfAbsent(r.group(), r);
        return hosts.computeIfAbsent(r.group(), g -> new ArrayList<>());
      }), h.name());
    });
    for (var e : new TreeMap<>(hostsOfGroup).entrySet()) {
      hosts.merge(names.of(e.getKey()), e.getValue(), AnsibleEmitter::union);
      for (GroupName c = e.getKey(); c != null; c = c.parent()) {
        String parent = c.parent() == null ? c.namespace() : names.of(c.parent());
        children.computeIfAbsent(parent, k -> new TreeSet<>()).add(names.of(c));
      }
    }
    rollouts.keySet().forEach(g -> children.computeIfAbsent(ROLLOUT_GROUP, k -> new TreeSet<>()).add(g));
    String header = "# " + Output.GENERATED + "\n# Host vars are inline, one host per line.\nall:\n  vars:\n"
        + "    anvil_exporter_dir: " + EXPORTER_DIR + "\n  hosts:\n";
    TreeSet<String> top = new TreeSet<>(fleet.namespaces().keySet());
    top.retainAll(children.keySet());
    top.add(ROLLOUT_GROUP);
    // Ansible warns and resolves patterns ambiguously when a host and a group share a name
    java.util.Set<String> groupNames = new java.util.HashSet<>(children.keySet());
    groupNames.addAll(hosts.keySet());
    groupNames.addAll(top);
    for (ResolvedHost h : resolved.hosts()) {
      if (groupNames.contains(h.name())) {
        diagnostics.error(h.host().source().at("/name"), "host '" + h.name() + "' has the name of an Ansible group"
            + " (a namespace or group path becomes one); rename the host or the namespace");
      }
    }
    StringBuilder groups = new StringBuilder("  children:\n");
    writeGroups(groups, top, children, hosts, 4);
    inventory.add(header.getBytes(StandardCharsets.UTF_8));
    for (ResolvedHost h : all) lines.add(h, inventory);
    inventory.add(groups.toString().getBytes(StandardCharsets.UTF_8));

    List<Object> plays = new ArrayList<>();
    rollouts.values().forEach(r -> plays.add(r.play()));
    List<OutputFile> files = new ArrayList<>(List.of(inventory.finish(DIR + "inventory.yml"),
        Output.yaml(DIR + "exporters.yml", plays),
        new OutputFile(DIR + "tasks/exporters.yml", "# " + Output.GENERATED + "\n" + Output.resource(AnsibleEmitter.class, "exporters-tasks.yml"))));
    files.addAll(counters.values());
    return files;
  }

  /** Two groups that become one Ansible name (an error reported by GroupNames): their hosts, sorted. */
  private static List<String> union(List<String> a, List<String> b) {
    return new ArrayList<>(new TreeSet<>(java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
  }

  /** Adds a host to a group's sorted, distinct list (hosts arrive in name order). */
  private static void append(List<String> group, String host) {
    if (group.isEmpty() || !group.get(group.size() - 1).equals(host)) group.add(host);
  }

  /**
   * The group tree. Every name is quoted: a host or namespace called yes, on, null or 123 is a
   * string to Anvil, and must stay one to YAML.
   */
  private static void writeGroups(StringBuilder out, Iterable<String> groups, Map<String, TreeSet<String>> children,
      Map<String, List<String>> hosts, int indent) {
    String pad = " ".repeat(indent);
    for (String g : groups) {
      out.append(pad).append(Output.flow(g)).append(":");
      if (!hosts.containsKey(g) && !children.containsKey(g)) {
        out.append(" {}\n");
        continue;
      }
      out.append('\n');
      if (children.containsKey(g)) {
        out.append(pad).append("  children:\n");
        writeGroups(out, children.get(g), children, hosts, indent + 4);
      }
      if (hosts.containsKey(g)) {
        out.append(pad).append("  hosts:\n");
        hosts.get(g).forEach(h -> out.append(pad).append("    ").append(Output.flow(h)).append(":\n"));
      }
    }
  }

  /**
   * For each host that reads facility devices with secrets in files: placeholder → file. The
   * playbook reads those files there and puts their content where the placeholders stand in the
   * exporters' configurations (snmp.yml, ipmi.yml).
   */
  private static Map<String, Map<String, String>> secretsByReader(ResolvedFleet resolved) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (var exporter : resolved.fleet().exporters().values()) {
      if (exporter.probes().isEmpty()) continue;
      DeviceReaders.of(exporter, resolved, null).forEach((device, host) -> {
        if (device.secretFile() != null) {
          out.computeIfAbsent(host.name(), k -> new TreeMap<>()).put(DeviceReaders.placeholder(device), device.secretFile());
        }
      });
    }
    return out;
  }

  /**
   * The inventory's host lines, {@code "NAME": {VARS}} with the vars in key order. Hosts with equal
   * contributions share their resolved sections (by identity), so the text of the vars drawn from a
   * section — checks, exporters, labels, provider — is made once per distinct section and shared by
   * every line that has it: the inventory is held as parts, not as 1 KB per host.
   */
  private static final class HostLines {
    private final Fleet fleet;
    private final Map<String, OutputFile> counters;
    private final Map<String, Map<String, String>> secrets;
    private final Map<Object, byte[]> checks = new java.util.IdentityHashMap<>();
    private final Map<Object, byte[]> exporters = new java.util.IdentityHashMap<>();
    private final Map<Object, byte[]> labels = new java.util.IdentityHashMap<>();
    private final Map<Object, byte[]> provider = new java.util.IdentityHashMap<>();
    private final Map<List<Hardware.Accelerator>, byte[]> accelerators = new java.util.HashMap<>();

    HostLines(Fleet fleet, Map<String, OutputFile> counters, Map<String, Map<String, String>> secrets) {
      this.fleet = fleet;
      this.counters = counters;
      this.secrets = secrets;
    }

    /** Appends the host's line to {@code parts}: its own head, then the shared parts. */
    void add(ResolvedHost h, OutputFile.Parts parts) {
      parts.add(utf8("    " + Output.flow(h.name()) + ": {" + Unsafe.entry("ansible_host", h.host().address()) + ", "));
      parts.add(accelerators.computeIfAbsent(h.host().hardware().accelerators(), k -> utf8(accelerators(k) + ", ")));
      parts.add(checks.computeIfAbsent(h.section(Resolver.CHECKS), k -> utf8(Unsafe.entry("anvil_checks", CheckList.of(h)) + ", ")));
      parts.add(exporters.computeIfAbsent(h.section(Resolver.EXPORTERS), k -> utf8(exporters(h) + ", ")));
      parts.add(labels.computeIfAbsent(h.section(Resolver.LABELS), k -> utf8(Unsafe.entry("anvil_labels", h.labels()) + ", ")));
      parts.add(provider.computeIfAbsent(h.section(Resolver.PROVIDER),
          k -> utf8(Unsafe.entry("anvil_provider", h.section(Resolver.PROVIDER)))));
      Map<String, String> own = secrets.get(h.name());
      if (own != null) parts.add(utf8(", " + Unsafe.entry("anvil_secrets", own)));  // sorts last
      parts.add(LINE_END);
    }

    private static final byte[] LINE_END = {'}', '\n'};

    private static String accelerators(List<Hardware.Accelerator> list) {
      List<Object> out = new ArrayList<>();
      for (Hardware.Accelerator a : list) {
        Map<String, Object> acc = new TreeMap<>();
        acc.put("vendor", a.vendor());
        acc.put("model", a.model());
        acc.put("count", a.count());
        if (a.memoryGb() != null) acc.put("memory_gb", a.memoryGb());
        out.add(acc);
      }
      return Unsafe.entry("anvil_accelerators", out);
    }

    /** {@code anvil_dcgm_counters} (when a counters file applies) and {@code anvil_exporters}: both from the exporters section. */
    private String exporters(ResolvedHost h) {
      Map<String, Object> exporters = new TreeMap<>();
      String dcgmCounters = null;
      for (var exporter : fleet.exporters().values()) {
        String name = exporter.name();
        if (!h.runs(name) || !exporter.managed()) continue;
        JsonNode e = h.section(Resolver.EXPORTERS).get(name);
        Map<String, Object> ex = new TreeMap<>();
        ex.put("port", e.get("port").asInt());
        ex.put("job", exporter.job());
        ex.put("version", e.path("version").asText("latest"));
        String args = LISTEN.getOrDefault(name, "--web.listen-address=:{port}").replace("{port}", e.get("port").asText());
        String version = e.path("version").asText("");
        if (name.equals(DcgmCounters.EXPORTER) && counters.containsKey(version)) {
          args += " -f " + EXPORTER_DIR + "/" + DcgmCounters.fileName(version);
          dcgmCounters = DcgmCounters.fileName(version);
        }
        ex.put("args", args);
        exporters.put(name, ex);
      }
      String entry = Unsafe.entry("anvil_exporters", exporters);
      return dcgmCounters == null ? entry : Unsafe.entry("anvil_dcgm_counters", dcgmCounters) + ", " + entry;
    }

    private static byte[] utf8(String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Ansible group names for Anvil groups: {@code logical:ml-training/gpu-workers} → {@code logical__ml_training__gpu_workers}. */
  static final class GroupNames {
    private static final java.util.regex.Pattern UNSAFE = java.util.regex.Pattern.compile("[^A-Za-z0-9_]");
    private final Map<String, GroupName> taken = new TreeMap<>();
    private final Map<GroupName, String> cache = new java.util.HashMap<>();
    private final Fleet fleet;
    private final Diagnostics diagnostics;

    GroupNames(Fleet fleet, Diagnostics diagnostics) {
      this.fleet = fleet;
      this.diagnostics = diagnostics;
    }

    String of(GroupName g) {
      String known = cache.get(g);
      if (known != null) return known;
      String name = g.namespace() + "__" + UNSAFE.matcher(g.path().replace("/", "__")).replaceAll("_");
      cache.put(g, name);
      GroupName first = taken.putIfAbsent(name, g);
      if (first != null && !first.equals(g)) {
        var a = fleet.groups().get(g);
        var b = fleet.groups().get(first);
        diagnostics.error(a != null ? a.source().at("/name") : dev.anvil.diag.Position.ofFile("inventory"),
            "groups '" + first + "' and '" + g + "' both become the Ansible group '" + name
                + "' ('-' and '.' turn into '_'); rename one",
            new Note(b != null ? b.source().at("/name") : dev.anvil.diag.Position.ofFile("inventory"), "the other group"));
      }
      return name;
    }
  }
}
