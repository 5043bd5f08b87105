package dev.anvil.preview;

import dev.anvil.Compiler.Compilation;
import dev.anvil.model.GroupName;
import dev.anvil.resolve.ResolvedHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the pages look up, computed once per good compilation so that each page costs what it
 * shows, not the fleet's size: hosts by name, the members of each group (its descendants' members
 * included), and the output files by path.
 */
final class Index {
  final Compilation compilation;
  final Map<String, ResolvedHost> hosts = new HashMap<>();
  /** group → hosts in it or in a group below it, sorted by name. */
  final SortedMap<GroupName, List<ResolvedHost>> members = new TreeMap<>();
  final Map<String, String> files = new HashMap<>();
  /** The routing tree of the compiled alertmanager.yml; null when the fleet has none. */
  final dev.anvil.routing.AlertmanagerConfig alertmanager;
  /** namespace or parent group → the groups directly below, sorted. */
  private final Map<Object, List<GroupName>> children = new HashMap<>();

  Index(Compilation compilation) {
    this.compilation = compilation;
    compilation.fleet().fleet().groups().keySet().forEach(g -> members.put(g, new ArrayList<>()));
    for (ResolvedHost h : compilation.fleet().hosts()) {
      hosts.put(h.name(), h);
      java.util.Set<GroupName> seen = new java.util.HashSet<>();
      for (GroupName g : h.memberships()) {
        for (GroupName a : g.selfAndAncestors()) {
          if (seen.add(a)) members.computeIfAbsent(a, k -> new ArrayList<>()).add(h);
        }
      }
    }
    compilation.files().forEach(f -> files.put(f.path(), f.content()));
    for (GroupName g : members.keySet()) children.computeIfAbsent(g.parent() == null ? g.namespace() : g.parent(), k -> new ArrayList<>()).add(g);
    String yml = files.get("alertmanager/alertmanager.yml");
    try {
      alertmanager = yml == null ? null : new dev.anvil.routing.AlertmanagerConfig(
          new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yml));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The groups directly below {@code parent} (null: the top groups of {@code namespace}). */
  List<GroupName> children(String namespace, GroupName parent) {
    return children.getOrDefault(parent == null ? namespace : parent, List.of());
  }
}
