package dev.anvil.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.diag.Diagnostic.Note;
import dev.anvil.diag.Diagnostics;
import dev.anvil.load.SourceRef;
import dev.anvil.model.AlertRule;
import dev.anvil.model.CheckType;
import dev.anvil.model.Exporter;
import dev.anvil.model.Fleet;
import dev.anvil.model.Group;
import dev.anvil.model.GroupName;
import dev.anvil.model.Host;
import dev.anvil.model.Policy;
import dev.anvil.model.Strategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Computes every host's effective configuration: host > environment > logical > infrastructure
 * (by namespace priority), a child group over its ancestors, template defaults last. Hosts that
 * see the same contributions share one result, so the cost grows with distinct group
 * combinations, not with hosts.
 */
public final class Resolver {
  public static final String PROVIDER = "provider";
  public static final String LABELS = "labels";
  public static final String EXPORTERS = "exporters";
  public static final String ALERTS = "alerts";
  public static final String RECORDING = "recording";
  public static final String CHECKS = "checks";
  public static final String ROUTING = "routing";
  public static final String MAINTENANCE = "maintenance";
  public static final String SLURM = "slurm";
  public static final String ROLLOUT = "rollout";
  public static final String KUBERNETES = "kubernetes";
  public static final String GPU_SHARING = "gpu_sharing";
  /** Resolved sections, in explain order. */
  public static final List<String> SECTIONS = List.of(PROVIDER, LABELS, EXPORTERS, ALERTS, RECORDING, CHECKS, ROUTING,
      MAINTENANCE, SLURM, ROLLOUT, KUBERNETES, GPU_SHARING);
  /** The keys of every host's and pool's map of sections. */
  static final SharedKeyMap.Keys SECTION_KEYS = new SharedKeyMap.Keys(SECTIONS);

  private final Fleet fleet;
  private final Diagnostics diagnostics;
  private final Map<String, List<Contribution>> defaults = new HashMap<>();
  /** Each section's defaults resolved alone, which groups' and hosts' contributions then patch. */
  private final Map<String, Defaults> sectionDefaults = new HashMap<>();
  private final Map<GroupName, Map<String, List<Contribution>>> byGroup = new HashMap<>();
  private final Map<String, Map<String, List<Contribution>>> byHost = new HashMap<>();
  private final List<Group> selectorGroups = new ArrayList<>();
  /** Groups whose own policy declares kubernetes.pool, sorted; the ones without such a descendant are pools. */
  private final TreeSet<GroupName> poolGroups = new TreeSet<>();
  // Four caches make the cost grow with distinct combinations, not with hosts: groups' contributions and
  // resolved sections per membership set, sections per groups' contribution list, and entries per
  // contribution list (one entry's contributors repeat far more often than a whole section's).
  private final Map<List<GroupName>, Map<String, List<Contribution>>> byMemberships = new ConcurrentHashMap<>();
  /** The resolved sections per membership set, which hosts without values of their own share whole. */
  private final Map<List<GroupName>, SharedKeyMap<ResolvedSection>> sharedSections = new ConcurrentHashMap<>();
  private final Map<List<Contribution>, ResolvedSection> sections = new ConcurrentHashMap<>();
  private final Map<List<Contribution>, ResolvedSection.Entry> entries = new ConcurrentHashMap<>();
  /** The provider name of a group or its nearest ancestor that has one; worked out once per primary group. */
  private final Map<GroupName, java.util.Optional<String>> providerOfGroup = new ConcurrentHashMap<>();
  /** The entry names of sections, one instance per distinct set: most sections of a kind have the same. */
  private final Map<List<String>, SharedKeyMap.Keys> entryNames = new ConcurrentHashMap<>();

  public Resolver(Fleet fleet, Diagnostics diagnostics) {
    this.fleet = fleet;
    this.diagnostics = diagnostics;
    index();
    for (String section : SECTIONS) sectionDefaults.put(section, resolveDefaults(section));
  }

  public ResolvedFleet resolve() {
    return resolve(h -> true);
  }

  /**
   * The hosts {@code which} selects, and the findings about them (conflicts, port collisions,
   * incomplete checks): one host for {@code anvil explain}, all of them for a compile.
   */
  public ResolvedFleet resolve(java.util.function.Predicate<Host> which) {
    List<ResolvedHost> hosts = fleet.hosts().parallelStream().filter(which).map(this::resolve).toList();
    // a group whose pool settings are shared by pools beneath it is no pool itself
    List<ResolvedPool> pools = poolGroups.stream()
        .filter(g -> poolGroups.stream().noneMatch(other -> g.isAncestorOf(other)))
        .map(this::resolvePool).toList();
    reportConflicts(hosts, pools);
    reportPortCollisions(hosts);
    reportIncompleteChecks(hosts);
    return new ResolvedFleet(fleet, hosts, pools);
  }

  /** A pool's group resolved like a host that is in that group alone. */
  private ResolvedPool resolvePool(GroupName group) {
    return new ResolvedPool(group, sharedSections.computeIfAbsent(List.of(group), this::resolveMemberships));
  }

  private ResolvedHost resolve(Host host) {
    TreeSet<GroupName> memberships = new TreeSet<>();
    memberships.add(host.primaryGroup());
    memberships.addAll(host.groups());
    String provider = providerName(host);
    for (Group g : selectorGroups) if (g.select().matches(host, provider)) memberships.add(g.name());

    List<GroupName> groups = List.copyOf(memberships);
    SharedKeyMap<ResolvedSection> shared = sharedSections.computeIfAbsent(groups, this::resolveMemberships);
    Map<String, List<Contribution>> own = byHost.get(host.name());
    if (own == null) return new ResolvedHost(host, groups, shared);

    Map<String, List<Contribution>> fromGroups = byMemberships.computeIfAbsent(groups, this::groupContributions);
    ResolvedSection[] resolved = new ResolvedSection[SECTIONS.size()];
    for (int i = 0; i < SECTIONS.size(); i++) {
      String section = SECTIONS.get(i);
      if (own.containsKey(section)) {
        List<Contribution> cs = new ArrayList<>(fromGroups.get(section));
        cs.addAll(own.get(section));
        cs.sort((a, b) -> Source.sortKey(a.source(), b.source()));
        // a host's own values are its alone: no other host shares the result, so it is not cached
        resolved[i] = resolveSection(section, cs);
      } else {
        resolved[i] = shared.get(section);
      }
    }
    return new ResolvedHost(host, groups, new SharedKeyMap<>(SECTION_KEYS, resolved));
  }

  /** The sections of every host with these memberships and no values of its own: one map, shared. */
  private SharedKeyMap<ResolvedSection> resolveMemberships(List<GroupName> memberships) {
    Map<String, List<Contribution>> fromGroups = byMemberships.computeIfAbsent(memberships, this::groupContributions);
    ResolvedSection[] resolved = new ResolvedSection[SECTIONS.size()];
    for (int i = 0; i < SECTIONS.size(); i++) {
      String section = SECTIONS.get(i);
      List<Contribution> cs = fromGroups.get(section);
      // a contribution is of one section, so only the empty list would stand for several
      resolved[i] = cs.isEmpty() ? sectionDefaults.get(section).section()
          : sections.computeIfAbsent(cs, k -> resolveSection(section, k));
    }
    return new SharedKeyMap<>(SECTION_KEYS, resolved);
  }

  /** The contributions of a membership set's groups and their ancestors, weakest first (no defaults). */
  private Map<String, List<Contribution>> groupContributions(List<GroupName> memberships) {
    Set<GroupName> all = new TreeSet<>();
    for (GroupName g : memberships) all.addAll(g.selfAndAncestors());
    // each group's contributions looked up once, not once per section
    List<Map<String, List<Contribution>>> ofGroups = new ArrayList<>();
    for (GroupName g : all) {
      Map<String, List<Contribution>> own = byGroup.get(g);
      if (own != null) ofGroups.add(own);
    }
    Map<String, List<Contribution>> out = new HashMap<>();
    for (String section : SECTIONS) {
      List<Contribution> cs = new ArrayList<>();
      for (Map<String, List<Contribution>> own : ofGroups) cs.addAll(own.getOrDefault(section, List.of()));
      cs.sort((a, b) -> Source.sortKey(a.source(), b.source()));
      out.put(section, List.copyOf(cs));
    }
    return out;
  }

  /**
   * A section's defaults (alert rules' and exporters' own values) by entry, weakest first, and the
   * section they make alone, with its entries in an array in name order.
   */
  private record Defaults(Map<String, List<Contribution>> byEntry, ResolvedSection section) {}

  private Defaults resolveDefaults(String section) {
    List<Contribution> weakestFirst = new ArrayList<>(defaults.getOrDefault(section, List.of()));
    weakestFirst.sort((a, b) -> Source.sortKey(a.source(), b.source()));
    Map<String, List<Contribution>> byEntry = new TreeMap<>();
    for (Contribution c : weakestFirst) byEntry.computeIfAbsent(c.entry(), k -> new ArrayList<>()).add(c);
    Map<String, ResolvedSection.Entry> resolved = new TreeMap<>();
    byEntry.forEach((entry, cs) -> resolved.put(entry, entries.computeIfAbsent(List.copyOf(cs), k -> resolveEntry(entry, k))));
    return new Defaults(byEntry, new ResolvedSection(names(resolved.keySet()), resolved.values().toArray(ResolvedSection.Entry[]::new)));
  }

  /**
   * A section from the contributions of groups and the host ({@code stronger}: of this section, weakest
   * first, none a default) over the section's defaults. Defaults are weaker than any group, so an
   * entry's contributions are its defaults, then its share of {@code stronger}: most sections differ
   * from their defaults in a few entries, and only those are worked out here.
   */
  private ResolvedSection resolveSection(String section, List<Contribution> stronger) {
    Defaults d = sectionDefaults.get(section);
    Map<String, List<Contribution>> byEntry = new TreeMap<>();
    for (Contribution c : stronger) {
      byEntry.computeIfAbsent(c.entry(), k -> new ArrayList<>(d.byEntry().getOrDefault(k, List.of()))).add(c);
    }
    Map<String, ResolvedSection.Entry> changed = new TreeMap<>();
    byEntry.forEach((entry, cs) -> changed.put(entry, cs.get(cs.size() - 1).source().kind() == Source.Kind.HOST
        ? resolveEntry(entry, cs) : entries.computeIfAbsent(cs, k -> resolveEntry(entry, k))));
    ResolvedSection base = d.section();
    if (base.names().containsAll(changed.keySet())) return base.with(changed);
    // entries the defaults do not have (labels, checks, routing): the names are a new set
    Map<String, ResolvedSection.Entry> all = new TreeMap<>(base.entries());
    all.putAll(changed);
    return new ResolvedSection(names(all.keySet()), all.values().toArray(ResolvedSection.Entry[]::new));
  }

  /** The one instance of a set of entry names (sorted). */
  private SharedKeyMap.Keys names(java.util.Collection<String> sorted) {
    return entryNames.computeIfAbsent(List.copyOf(sorted), SharedKeyMap.Keys::new);
  }

  private static ResolvedSection.Entry resolveEntry(String entry, List<Contribution> weakestFirst) {
    TreeMap<String, Provenance> provenance = new TreeMap<>();
    List<ResolvedSection.Conflict> conflicts = new ArrayList<>();
    JsonNode value = EntryResolver.resolve(entry, weakestFirst, provenance, conflicts);
    return new ResolvedSection.Entry(value, Collections.unmodifiableSortedMap(provenance), List.copyOf(conflicts));
  }

  /** The host's own provider name, or the nearest infrastructure ancestor's. */
  private String providerName(Host host) {
    if (host.provider() != null && host.provider().has("name")) return host.provider().get("name").asText();
    return providerOfGroup.computeIfAbsent(host.primaryGroup(), this::nearestProvider).orElse(null);
  }

  private java.util.Optional<String> nearestProvider(GroupName primary) {
    for (GroupName g : primary.selfAndAncestors()) {
      Group group = fleet.groups().get(g);
      if (group != null && group.provider() != null && group.provider().has("name")) {
        return java.util.Optional.of(group.provider().get("name").asText());
      }
    }
    return java.util.Optional.empty();
  }

  private void index() {
    for (Exporter e : fleet.exporters().values()) {
      addDefault(new Contribution(Source.defaults(e.source().file()), EXPORTERS, e.name(), e.defaults(),
          Strategy.MERGE, e.source(), ""));
    }
    for (AlertRule r : fleet.alertRules()) {
      if (r.fleetWide()) continue;
      ObjectNode value = r.defaults().deepCopy();
      value.put("enabled", true);
      addDefault(new Contribution(Source.defaults(r.source().file()), r.section(), r.name(), value, Strategy.MERGE,
          r.source(), "/defaults"));
    }
    for (Group g : fleet.groups().values()) {
      if (g.select() != null) selectorGroups.add(g);
      if (g.provider() != null) {
        Source src = Source.group(g.name(), fleet.priorityOf(g.name().namespace()));
        addFields(byGroup.computeIfAbsent(g.name(), k -> new HashMap<>()), src, PROVIDER, g.provider(), g.source(),
            "/provider");
      }
    }
    // per host in a method of its own, not in this loop's body (docs/architecture.md, "Performance")
    for (Host h : fleet.hosts()) indexHost(h);
    for (Policy p : fleet.policies()) {
      Map<String, List<Contribution>> target;
      Source src;
      if (p.group() != null) {
        target = byGroup.computeIfAbsent(p.group(), k -> new HashMap<>());
        src = Source.group(p.group(), fleet.priorityOf(p.group().namespace()));
      } else {
        target = byHost.computeIfAbsent(p.host(), k -> new HashMap<>());
        src = Source.host(p.host());
      }
      for (Policy.Entry e : p.entries()) {
        if (p.group() != null && e.section().equals(KUBERNETES) && e.name().equals("pool")) poolGroups.add(p.group());
        target.computeIfAbsent(e.section(), k -> new ArrayList<>())
            .add(new Contribution(src, e.section(), e.name(), e.value(), e.strategy(), p.source(), e.pointer()));
      }
    }
  }

  /** A host's own provider metadata and labels, if it has any. */
  private void indexHost(Host h) {
    if (h.provider() == null && h.labels().isEmpty()) return;
    Map<String, List<Contribution>> own = new HashMap<>();
    Source src = Source.host(h.name());
    if (h.provider() != null) addFields(own, src, PROVIDER, h.provider(), h.source(), "/provider");
    ObjectNode labels = JsonNodeFactory.instance.objectNode();
    h.labels().forEach(labels::put);
    addFields(own, src, LABELS, labels, h.source(), "/labels");
    if (!own.isEmpty()) byHost.put(h.name(), own);
  }

  private void addDefault(Contribution c) {
    defaults.computeIfAbsent(c.section(), k -> new ArrayList<>()).add(c);
  }

  /** Each field of a flat map (provider metadata, labels) is its own entry. */
  private static void addFields(Map<String, List<Contribution>> into, Source src, String section, JsonNode fields,
      SourceRef ref, String pointer) {
    fields.fields().forEachRemaining(f -> into.computeIfAbsent(section, k -> new ArrayList<>())
        .add(new Contribution(src, section, f.getKey(), f.getValue(), Strategy.OVERRIDE, ref, pointer + "/" + f.getKey())));
  }

  private record ConflictKey(List<Contribution> contenders, String path) {}

  /** Adds the conflicts of one host's or pool's sections, under "host NAME" or "pool GROUP" (spelled only then). */
  private static void collectConflicts(Map<String, ResolvedSection> sections, String kind, String name,
      Map<ConflictKey, TreeSet<String>> affected) {
    sections.forEach((section, r) -> {
      if (!r.hasConflicts()) return;
      for (ResolvedSection.Conflict c : r.conflicts()) {
        affected.computeIfAbsent(new ConflictKey(c.contenders(), section + "." + c.path()), k -> new TreeSet<>())
            .add(kind + name);
      }
    });
  }

  /** Notes printed for the other contenders of one conflict; the rest are counted. */
  static final int MAX_CONFLICT_NOTES = 10;

  private void reportConflicts(List<ResolvedHost> hosts, List<ResolvedPool> pools) {
    Map<ConflictKey, TreeSet<String>> affected = new LinkedHashMap<>();
    // hosts share their sections' map: whether it holds a conflict is asked once per map
    Map<Map<String, ResolvedSection>, Boolean> conflicted = new java.util.IdentityHashMap<>();
    hosts.forEach(h -> {
      if (conflicted.computeIfAbsent(h.sections(), m -> m.values().stream().anyMatch(ResolvedSection::hasConflicts))) {
        collectConflicts(h.sections(), "host ", h.name(), affected);
      }
    });
    for (ResolvedPool p : pools) collectConflicts(p.sections(), "pool ", p.group().toString(), affected);
    affected.forEach((k, names) -> {
      List<Contribution> cs = k.contenders();
      String sub = k.path().substring(k.path().indexOf('.') + 1 + cs.get(0).entry().length());
      String leaf = sub.startsWith(".") ? sub.substring(1) : sub;
      int shown = Math.min(cs.size(), MAX_CONFLICT_NOTES + 1);
      List<String> sides = new ArrayList<>();
      for (int i = 0; i < shown; i++) {
        sides.add(show(EntryResolver.leaves(cs.get(i).value(), "").get(leaf)) + " from " + cs.get(i).source().label());
      }
      if (cs.size() > shown) sides.add((cs.size() - shown) + " more");
      String who = String.join(", ", sides.subList(0, sides.size() - 1)) + " and " + sides.get(sides.size() - 1);
      List<Note> notes = new ArrayList<>();
      for (int i = 1; i < shown; i++) {
        notes.add(new Note(cs.get(i).positionOf(leaf), cs.size() == 2 ? "the other value is set here; make one group more"
            + " specific (a child group or a stronger namespace) or set the value on the host"
            : "'" + cs.get(i).source().label() + "' sets it here"));
      }
      diagnostics.error(cs.get(0).positionOf(leaf), "conflicting values for '" + k.path() + "': " + who
          + " have equal rank " + subjectsPhrase(names) + (cs.size() > 2 ? "; make one group more specific (a child group"
          + " or a stronger namespace) or set the value on the host" : ""), notes.toArray(Note[]::new));
    });
  }

  private record CollisionKey(Contribution a, Contribution b, int port, String first, String second) {}

  private void reportPortCollisions(List<ResolvedHost> hosts) {
    Map<CollisionKey, List<ResolvedSection>> affected = new LinkedHashMap<>();
    for (ResolvedHost h : firstOfEach(hosts, EXPORTERS)) {
      Map<Integer, String> byPort = new TreeMap<>();
      for (String exporter : fleet.exporters().keySet()) {
        if (!h.runs(exporter)) continue;
        int port = h.port(exporter);
        String other = byPort.putIfAbsent(port, exporter);
        if (other == null) continue;
        var prov = h.sections().get(EXPORTERS).provenance();
        Contribution mine = prov.get(exporter + ".port").from();
        Contribution theirs = prov.get(other + ".port").from();
        // point at the policy that made the ports meet, not at an exporter's default
        CollisionKey key = mine.source().kind() == Source.Kind.DEFAULT && theirs.source().kind() != Source.Kind.DEFAULT
            ? new CollisionKey(theirs, mine, port, exporter, other)
            : new CollisionKey(mine, theirs, port, other, exporter);
        affected.computeIfAbsent(key, k -> new ArrayList<>()).add(h.sections().get(EXPORTERS));
      }
    }
    Map<ResolvedSection, List<String>> names = hostsWith(hosts, EXPORTERS, affected.values());
    affected.forEach((k, sections) -> diagnostics.error(k.a().positionOf("port"),
        "port " + k.port() + " of exporter '" + k.second() + "' collides with exporter '" + k.first() + "' "
            + hostsPhrase(namesOf(sections, names)),
        new Note(k.b().positionOf("port"), "'" + k.first() + "' gets port " + k.port() + " here")));
  }

  private record MissingSetting(Contribution type, String check, String setting) {}

  /** Settings a check needs may come from several groups: only the merged result can be judged. */
  private void reportIncompleteChecks(List<ResolvedHost> hosts) {
    Map<MissingSetting, List<ResolvedSection>> affected = new LinkedHashMap<>();
    for (ResolvedHost h : firstOfEach(hosts, CHECKS)) {
      ResolvedSection checks = h.sections().get(CHECKS);
      checks.values().fields().forEachRemaining(e -> {
        JsonNode check = e.getValue();
        CheckType type = CheckType.parse(check.path("type").asText());
        if (type == null || !check.path("enabled").asBoolean(true)) return;
        for (String setting : new TreeSet<>(type.required())) {
          if (check.has(setting)) continue;
          Contribution from = checks.entry(e.getKey()).provenance().get(e.getKey() + ".type").from();
          affected.computeIfAbsent(new MissingSetting(from, e.getKey(), setting), k -> new ArrayList<>()).add(checks);
        }
      });
    }
    Map<ResolvedSection, List<String>> names = hostsWith(hosts, CHECKS, affected.values());
    affected.forEach((k, sections) -> diagnostics.error(k.type().positionOf("type"), "check '" + k.check() + "' of type "
        + CheckType.parse(k.type().value().path("type").asText()).label() + " needs '" + k.setting() + "' "
        + hostsPhrase(namesOf(sections, names))));
  }

  /**
   * The first host with each result of {@code section} (one object: the same contributions), in host
   * order: what depends on that section alone is judged once per result, not once per host.
   */
  private static List<ResolvedHost> firstOfEach(List<ResolvedHost> hosts, String section) {
    java.util.Set<ResolvedSection> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    List<ResolvedHost> out = new ArrayList<>();
    // per host in a lambda, whose body is a method of its own (docs/architecture.md, "Performance")
    hosts.forEach(h -> {
      if (seen.add(h.sections().get(section))) out.add(h);
    });
    return out;
  }

  /**
   * The names of the hosts with each of the results of {@code section} that a finding is about, in one
   * pass over the hosts and only when there is a finding: a valid fleet lists no names at all.
   */
  private static Map<ResolvedSection, List<String>> hostsWith(List<ResolvedHost> hosts, String section,
      java.util.Collection<List<ResolvedSection>> affected) {
    Map<ResolvedSection, List<String>> out = new java.util.IdentityHashMap<>();
    affected.forEach(sections -> sections.forEach(s -> out.put(s, new ArrayList<>())));
    if (out.isEmpty()) return out;
    for (ResolvedHost h : hosts) {
      List<String> names = out.get(h.sections().get(section));
      if (names != null) names.add(h.name());
    }
    return out;
  }

  private static TreeSet<String> namesOf(List<ResolvedSection> sections, Map<ResolvedSection, List<String>> names) {
    TreeSet<String> out = new TreeSet<>();
    sections.forEach(s -> out.addAll(names.get(s)));
    return out;
  }

  /** Like hostsPhrase, for "host NAME" and "pool GROUP" subjects. */
  public static String subjectsPhrase(Set<String> subjects) {
    if (subjects.stream().allMatch(s -> s.startsWith("host "))) {
      TreeSet<String> hosts = new TreeSet<>();
      subjects.forEach(s -> hosts.add(s.substring(5)));
      return hostsPhrase(hosts);
    }
    if (subjects.size() == 1) return "on " + subjects.iterator().next();
    List<String> some = new ArrayList<>(subjects).subList(0, Math.min(3, subjects.size()));
    return "on " + subjects.size() + " hosts and pools (" + String.join(", ", some) + (subjects.size() > 3 ? ", ..." : "")
        + ")";
  }

  public static String hostsPhrase(Set<String> names) {
    if (names.size() == 1) return "on host " + names.iterator().next();
    List<String> some = new ArrayList<>(names).subList(0, Math.min(3, names.size()));
    return "on " + names.size() + " hosts (" + String.join(", ", some) + (names.size() > 3 ? ", ..." : "") + ")";
  }

  static String show(JsonNode v) {
    if (v == null) return "(unset)";
    return v.isTextual() ? "'" + v.asText() + "'" : v.toString();
  }
}
