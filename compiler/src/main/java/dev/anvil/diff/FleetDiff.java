package dev.anvil.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.Compiler.Compilation;
import dev.anvil.emit.OutputFile;
import dev.anvil.model.GroupName;
import dev.anvil.resolve.Provenance;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.ResolvedSection;
import dev.anvil.resolve.Resolver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/**
 * What a change does to the fleet: hosts added, removed or moved; effective values changed (per key,
 * with host counts); alert rules, receivers, routes and Slurm partitions changed; and the unified
 * diff of every output file that changed. A "terraform plan" for monitoring.
 */
public final class FleetDiff {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One effective value changing on some hosts. */
  public record ValueChange(String key, String before, String after, int hosts, List<String> examples) {}

  /** The whole report; every list sorted. */
  public record Report(
      List<String> hostsAdded,
      List<String> hostsRemoved,
      SortedMap<String, List<String>> hostsMoved,
      List<ValueChange> values,
      List<String> groupsAdded,
      List<String> groupsRemoved,
      List<String> rulesAdded,
      List<String> rulesRemoved,
      List<String> rulesChanged,
      List<String> receiversChanged,
      List<String> routesAdded,
      List<String> routesRemoved,
      SortedMap<String, List<String>> partitions,
      SortedMap<String, String> files) {

    public boolean isEmpty() {
      return files.isEmpty() && hostsAdded.isEmpty() && hostsRemoved.isEmpty() && hostsMoved.isEmpty() && values.isEmpty();
    }
  }

  private FleetDiff() {}

  public static Report between(Compilation base, Compilation head) {
    Map<String, ResolvedHost> before = new TreeMap<>();
    base.fleet().hosts().forEach(h -> before.put(h.name(), h));
    Map<String, ResolvedHost> after = new TreeMap<>();
    head.fleet().hosts().forEach(h -> after.put(h.name(), h));

    List<String> added = new ArrayList<>(after.keySet());
    added.removeAll(before.keySet());
    List<String> removed = new ArrayList<>(before.keySet());
    removed.removeAll(after.keySet());
    SortedMap<String, List<String>> moved = new TreeMap<>();
    Map<SectionPair, List<List<String>>> pairs = new java.util.HashMap<>();
    Map<List<String>, TreeSet<String>> valueHosts = new TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
    for (var e : after.entrySet()) {
      ResolvedHost old = before.get(e.getKey());
      if (old == null) continue;
      List<String> groupChanges = new ArrayList<>();
      for (GroupName g : old.memberships()) if (!e.getValue().memberships().contains(g)) groupChanges.add("-" + g);
      for (GroupName g : e.getValue().memberships()) if (!old.memberships().contains(g)) groupChanges.add("+" + g);
      if (!groupChanges.isEmpty()) moved.put(e.getKey(), groupChanges);
      for (String section : Resolver.SECTIONS) {
        ResolvedSection sa = old.sections().get(section);
        ResolvedSection sb = e.getValue().sections().get(section);
        // hosts share resolved sections: compare each distinct pair once
        List<List<String>> changes = pairs.computeIfAbsent(new SectionPair(sa, sb), k -> changes(section, sa, sb));
        for (List<String> c : changes) valueHosts.computeIfAbsent(c, x -> new TreeSet<>()).add(e.getKey());
      }
    }
    List<ValueChange> values = new ArrayList<>();
    valueHosts.forEach((k, hosts) -> values.add(new ValueChange(k.get(0), k.get(1), k.get(2), hosts.size(),
        new ArrayList<>(hosts).subList(0, Math.min(3, hosts.size())))));

    Map<String, String> a = files(base);
    Map<String, String> b = files(head);
    SortedMap<String, String> diffs = new TreeMap<>();
    TreeSet<String> paths = new TreeSet<>(a.keySet());
    paths.addAll(b.keySet());
    for (String p : paths) {
      String x = a.getOrDefault(p, "");
      String y = b.getOrDefault(p, "");
      if (!x.equals(y)) diffs.put(p, unified(p, a.containsKey(p) ? x : null, b.containsKey(p) ? y : null));
    }

    Map<String, String> rulesA = rules(a);
    Map<String, String> rulesB = rules(b);
    List<String> rulesChanged = new ArrayList<>();
    rulesB.forEach((k, v) -> {
      if (rulesA.containsKey(k) && !rulesA.get(k).equals(v)) rulesChanged.add(k);
    });
    TreeSet<String> routesA = routes(a);
    TreeSet<String> routesB = routes(b);
    TreeSet<String> groupsA = new TreeSet<>();
    base.fleet().fleet().groups().keySet().forEach(g -> groupsA.add(g.toString()));
    TreeSet<String> groupsB = new TreeSet<>();
    head.fleet().fleet().groups().keySet().forEach(g -> groupsB.add(g.toString()));
    return new Report(added, removed, moved, values, minus(groupsB, groupsA), minus(groupsA, groupsB),
        minus(new TreeSet<>(rulesB.keySet()), new TreeSet<>(rulesA.keySet())),
        minus(new TreeSet<>(rulesA.keySet()), new TreeSet<>(rulesB.keySet())), rulesChanged,
        receivers(a, b), minus(routesB, routesA), minus(routesA, routesB), partitions(a, b), diffs);
  }

  /** Two resolved sections, compared by identity (ResolvedSection does not override equals). */
  private record SectionPair(ResolvedSection before, ResolvedSection after) {}

  /** [key, before, after] for every leaf whose value differs between two sections. */
  private static List<List<String>> changes(String section, ResolvedSection sa, ResolvedSection sb) {
    TreeSet<String> entries = new TreeSet<>();
    sa.values().fieldNames().forEachRemaining(entries::add);
    sb.values().fieldNames().forEachRemaining(entries::add);
    List<List<String>> out = new ArrayList<>();
    for (String entry : entries) {
      if (Objects.equals(sa.get(entry), sb.get(entry))) continue;  // most entries: equal values, nothing to expand
      SortedMap<String, Provenance> pa = sa.entry(entry) == null ? new TreeMap<>() : sa.entry(entry).provenance();
      SortedMap<String, Provenance> pb = sb.entry(entry) == null ? new TreeMap<>() : sb.entry(entry).provenance();
      TreeSet<String> keys = new TreeSet<>(pa.keySet());
      keys.addAll(pb.keySet());
      for (String k : keys) {
        String va = show(pa.get(k));
        String vb = show(pb.get(k));
        if (!Objects.equals(va, vb)) out.add(List.of(section + "." + k, va, vb));
      }
    }
    return out;
  }

  private static String show(Provenance p) {
    return p == null ? "(unset)" : p.value().isTextual() ? p.value().asText() : p.value().toString();
  }

  private static Map<String, String> files(Compilation c) {
    Map<String, String> out = new TreeMap<>();
    for (OutputFile f : c.files()) out.put(f.path(), f.content());
    return out;
  }

  private static List<String> minus(TreeSet<String> a, TreeSet<String> b) {
    TreeSet<String> out = new TreeSet<>(a);
    out.removeAll(b);
    return new ArrayList<>(out);
  }

  /** Alert rules as "Alert{class}" (the class label spells the parameters) → the rule's full text. */
  private static Map<String, String> rules(Map<String, String> files) {
    Map<String, String> out = new TreeMap<>();
    files.forEach((path, text) -> {
      if (!path.startsWith("prometheus/rules/")) return;
      for (JsonNode g : tree(text).path("groups")) {
        for (JsonNode r : g.path("rules")) {
          StringBuilder cls = new StringBuilder();
          r.path("labels").fields().forEachRemaining(l -> {
            if (l.getKey().startsWith("anvil_")) cls.append(l.getValue().asText());
          });
          out.put(r.path("alert").asText() + (cls.length() > 0 ? "{" + cls + "}" : ""), r.toString());
        }
      }
    });
    return out;
  }

  /** Routes flattened to "matchers → receiver" lines. */
  private static TreeSet<String> routes(Map<String, String> files) {
    TreeSet<String> out = new TreeSet<>();
    String am = files.get("alertmanager/alertmanager.yml");
    if (am != null) flatten(tree(am).path("route"), "", out);
    return out;
  }

  private static void flatten(JsonNode route, String prefix, TreeSet<String> out) {
    List<String> m = new ArrayList<>();
    route.path("matchers").forEach(x -> m.add(x.asText()));
    String here = prefix.isEmpty() ? String.join(",", m) : prefix + (m.isEmpty() ? "" : "," + String.join(",", m));
    if (route.has("receiver") && !route.has("routes")) out.add((here.isEmpty() ? "(any)" : here) + " → " + route.get("receiver").asText());
    for (JsonNode c : route.path("routes")) flatten(c, here, out);
  }

  private static List<String> receivers(Map<String, String> a, Map<String, String> b) {
    Map<String, String> ra = receiverMap(a);
    Map<String, String> rb = receiverMap(b);
    List<String> out = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(ra.keySet());
    names.addAll(rb.keySet());
    for (String n : names) {
      if (!ra.containsKey(n)) out.add("+" + n);
      else if (!rb.containsKey(n)) out.add("-" + n);
      else if (!ra.get(n).equals(rb.get(n))) out.add("~" + n);
    }
    return out;
  }

  private static Map<String, String> receiverMap(Map<String, String> files) {
    Map<String, String> out = new TreeMap<>();
    String am = files.get("alertmanager/alertmanager.yml");
    if (am != null) for (JsonNode r : tree(am).path("receivers")) out.put(r.path("name").asText(), r.toString());
    return out;
  }

  /** Partition → changes: members joined or left, options before and after. */
  private static SortedMap<String, List<String>> partitions(Map<String, String> a, Map<String, String> b) {
    Map<String, Map<String, String>> pa = partitionLines(a.getOrDefault("slurm/partitions.conf", ""));
    Map<String, Map<String, String>> pb = partitionLines(b.getOrDefault("slurm/partitions.conf", ""));
    SortedMap<String, List<String>> out = new TreeMap<>();
    TreeSet<String> names = new TreeSet<>(pa.keySet());
    names.addAll(pb.keySet());
    for (String n : names) {
      List<String> changes = new ArrayList<>();
      if (!pa.containsKey(n)) changes.add("added");
      else if (!pb.containsKey(n)) changes.add("removed");
      else {
        TreeSet<String> ma = new TreeSet<>(dev.anvil.emit.slurm.Hostlist.expand(pa.get(n).getOrDefault("Nodes", "")));
        TreeSet<String> mb = new TreeSet<>(dev.anvil.emit.slurm.Hostlist.expand(pb.get(n).getOrDefault("Nodes", "")));
        for (String h : mb) if (!ma.contains(h)) changes.add("+" + h);
        for (String h : ma) if (!mb.contains(h)) changes.add("-" + h);
        TreeSet<String> keys = new TreeSet<>(pa.get(n).keySet());
        keys.addAll(pb.get(n).keySet());
        keys.remove("Nodes");
        for (String k : keys) {
          String x = pa.get(n).get(k);
          String y = pb.get(n).get(k);
          if (!Objects.equals(x, y)) changes.add(k + ": " + (x == null ? "(unset)" : x) + " → " + (y == null ? "(unset)" : y));
        }
      }
      if (!changes.isEmpty()) out.put(n, changes);
    }
    return out;
  }

  private static Map<String, Map<String, String>> partitionLines(String conf) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (String line : conf.split("\n")) {
      if (!line.startsWith("PartitionName=")) continue;
      Map<String, String> kv = new LinkedHashMap<>();
      for (String token : line.split(" ")) {
        int eq = token.indexOf('=');
        if (eq > 0) kv.put(token.substring(0, eq), token.substring(eq + 1));
      }
      out.put(kv.remove("PartitionName"), kv);
    }
    return out;
  }

  private static JsonNode tree(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A unified diff with three lines of context (JGit's histogram diff). */
  static String unified(String path, String before, String after) {
    RawText a = new RawText((before == null ? "" : before).getBytes(StandardCharsets.UTF_8));
    RawText b = new RawText((after == null ? "" : after).getBytes(StandardCharsets.UTF_8));
    EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM).diff(RawTextComparator.DEFAULT, a, b);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DiffFormatter f = new DiffFormatter(out)) {
      f.setContext(3);
      f.format(edits, a, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "--- " + (before == null ? "/dev/null" : "a/out/" + path) + "\n+++ " + (after == null ? "/dev/null" : "b/out/" + path)
        + "\n" + out.toString(StandardCharsets.UTF_8);
  }
}
