package dev.anvil.emit.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.diag.Diagnostic.Note;
import dev.anvil.diag.Diagnostics;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.model.Fleet;
import dev.anvil.model.GroupName;
import dev.anvil.model.Hardware;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.Resolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code ansible/}: a YAML inventory whose groups mirror the namespaces and group paths, host vars
 * (address, accelerators, exporters, checks), and a playbook that installs and starts each host's
 * exporters, one play per rollout class ({@code serial}, {@code max_fail_percentage}).
 */
public final class AnsibleEmitter implements Emitter {
  static final String DIR = "ansible/";
  static final String ROLLOUT_GROUP = "anvil_rollout";

  /** Listen arguments of the exporters Anvil knows; others get node_exporter's convention. */
  private static final Map<String, String> LISTEN = Map.of(
      "node_exporter", "--web.listen-address=:{port} --collector.textfile.directory=/var/lib/node_exporter/textfile_collector",
      "dcgm-exporter", "--address=:{port}",
      "all-smi", "api --port {port}");

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    Fleet fleet = resolved.fleet();
    GroupNames names = new GroupNames(fleet, diagnostics);
    // group name → (children, hosts)
    Map<String, TreeSet<String>> children = new TreeMap<>();
    Map<String, TreeSet<String>> hosts = new TreeMap<>();
    Map<String, Rollout> rollouts = new TreeMap<>();
    List<OutputFile> files = new ArrayList<>();
    for (ResolvedHost h : resolved.hosts()) {
      for (GroupName g : h.memberships()) {
        hosts.computeIfAbsent(names.of(g), k -> new TreeSet<>()).add(h.name());
        for (GroupName c = g; c != null; c = c.parent()) {
          String parent = c.parent() == null ? c.namespace() : names.of(c.parent());
          children.computeIfAbsent(parent, k -> new TreeSet<>()).add(names.of(c));
        }
      }
      Rollout r = Rollout.of(h.section(Resolver.ROLLOUT).get("exporters"));
      rollouts.putIfAbsent(r.group(), r);
      hosts.computeIfAbsent(r.group(), k -> new TreeSet<>()).add(h.name());
      children.computeIfAbsent(ROLLOUT_GROUP, k -> new TreeSet<>()).add(r.group());
      files.add(Output.yaml(DIR + "host_vars/" + h.name() + ".yml", hostVars(h, fleet)));
    }
    TreeSet<String> top = new TreeSet<>(fleet.namespaces().keySet());
    top.retainAll(children.keySet());
    top.add(ROLLOUT_GROUP);
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("children", tree(top, children, hosts));
    files.add(Output.yaml(DIR + "inventory.yml", Map.of("all", all)));
    files.add(Output.yaml(DIR + "group_vars/all.yml", Map.of("anvil_exporter_dir", "/opt/anvil/exporters")));

    List<Object> plays = new ArrayList<>();
    rollouts.values().forEach(r -> plays.add(r.play()));
    files.add(Output.yaml(DIR + "exporters.yml", plays));
    files.add(new OutputFile(DIR + "tasks/exporters.yml", "# " + Output.GENERATED + "\n" + resource("exporters-tasks.yml")));
    return files;
  }

  private static Map<String, Object> tree(Iterable<String> groups, Map<String, TreeSet<String>> children,
      Map<String, TreeSet<String>> hosts) {
    Map<String, Object> out = new TreeMap<>();
    for (String g : groups) {
      Map<String, Object> node = new TreeMap<>();
      if (hosts.containsKey(g)) {
        Map<String, Object> members = new TreeMap<>();
        hosts.get(g).forEach(h -> members.put(h, null));
        node.put("hosts", members);
      }
      if (children.containsKey(g)) node.put("children", tree(children.get(g), children, hosts));
      out.put(g, node);
    }
    return out;
  }

  private static Map<String, Object> hostVars(ResolvedHost h, Fleet fleet) {
    Map<String, Object> vars = new TreeMap<>();
    vars.put("ansible_host", h.host().address());
    List<Object> accelerators = new ArrayList<>();
    for (Hardware.Accelerator a : h.host().hardware().accelerators()) {
      Map<String, Object> acc = new TreeMap<>();
      acc.put("vendor", a.vendor());
      acc.put("model", a.model());
      acc.put("count", a.count());
      if (a.memoryGb() != null) acc.put("memory_gb", a.memoryGb());
      accelerators.add(acc);
    }
    vars.put("anvil_accelerators", accelerators);
    Map<String, Object> exporters = new TreeMap<>();
    for (String name : fleet.exporters().keySet()) {
      if (!h.runs(name)) continue;
      JsonNode e = h.section(Resolver.EXPORTERS).get(name);
      Map<String, Object> ex = new TreeMap<>();
      ex.put("port", e.get("port").asInt());
      ex.put("version", e.path("version").asText("latest"));
      ex.put("args", LISTEN.getOrDefault(name, "--web.listen-address=:{port}").replace("{port}", e.get("port").asText()));
      exporters.put(name, ex);
    }
    vars.put("anvil_exporters", exporters);
    vars.put("anvil_checks", h.section(Resolver.CHECKS));
    vars.put("anvil_labels", h.labels());
    return vars;
  }

  private static String resource(String name) {
    try (InputStream in = AnsibleEmitter.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ansible group names for Anvil groups: {@code logical:ml-training/gpu-workers} → {@code logical__ml_training__gpu_workers}. */
  static final class GroupNames {
    private final Map<String, GroupName> taken = new TreeMap<>();
    private final Fleet fleet;
    private final Diagnostics diagnostics;

    GroupNames(Fleet fleet, Diagnostics diagnostics) {
      this.fleet = fleet;
      this.diagnostics = diagnostics;
    }

    String of(GroupName g) {
      String name = g.namespace() + "__" + g.path().replace("/", "__").replaceAll("[^A-Za-z0-9_]", "_");
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
