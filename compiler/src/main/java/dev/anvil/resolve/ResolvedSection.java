package dev.anvil.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One section's effective entries, shared by every host that sees the same contributions. Compared
 * by identity: equal hosts hold the same instance.
 */
public final class ResolvedSection {
  private final SharedKeyMap<Entry> entries;
  private final ObjectNode values;
  private final boolean hasConflicts;

  /** @param entries one per name, in the names' order; kept, not copied */
  ResolvedSection(SharedKeyMap.Keys names, Entry[] entries) {
    this(new SharedKeyMap<>(names, entries));
  }

  private ResolvedSection(SharedKeyMap<Entry> entries) {
    this.entries = entries;
    Object[] values = new Object[entries.keys().size()];
    boolean conflicts = false;
    for (int i = 0; i < values.length; i++) {
      Entry e = entries.valueAt(i);
      values[i] = e.value();
      conflicts |= !e.conflicts().isEmpty();
    }
    // the values share the names too; the map is immutable, so is this node
    this.values = new ObjectNode(JsonNodeFactory.instance, new SharedKeyMap<>(entries.keys(), values));
    this.hasConflicts = conflicts;
  }

  /** This section's entry names. */
  SharedKeyMap.Keys names() {
    return entries.keys();
  }

  /** Entry name → its resolution, in name order. */
  Map<String, Entry> entries() {
    return entries;
  }

  /** The same section with some entries replaced: {@code changed} names only entries this section has. */
  ResolvedSection with(Map<String, Entry> changed) {
    return new ResolvedSection(entries.with(changed));
  }

  /** A section of its own (not one of many with the same entry names). */
  ResolvedSection(SortedMap<String, Entry> entries) {
    this(new SharedKeyMap.Keys(List.copyOf(entries.keySet())), entries.values().toArray(Entry[]::new));
  }

  public boolean hasConflicts() {
    return hasConflicts;
  }

  /**
   * One entry's effective value, shared by every section that sees the same contributions to it.
   *
   * @param provenance "entry.key.leaf" → where it came from
   * @param conflicts equal-rank contributions that disagree
   */
  public record Entry(JsonNode value, SortedMap<String, Provenance> provenance, List<Conflict> conflicts) {}

  /** Two contributions of equal rank that set a key differently. */
  public record Conflict(List<Contribution> contenders, String path) {}

  /** Entry name → effective value. */
  public ObjectNode values() {
    return values;
  }

  public JsonNode get(String entry) {
    return values.get(entry);
  }

  /** The shared resolution of one entry (identity is stable across hosts), or null. */
  public Entry entry(String name) {
    return entries.get(name);
  }

  /**
   * Where the winning value at {@code path} under {@code entry} ("mig.layouts.H100-80GB"), or the
   * first one below it, was written; null when nothing there was set.
   */
  public dev.anvil.diag.Position positionOf(String entry, String path) {
    Entry e = entries.get(entry);
    if (e == null) return null;
    String key = entry + "." + path;
    for (Map.Entry<String, Provenance> p : e.provenance().entrySet()) {
      if (p.getKey().equals(key) || p.getKey().startsWith(key + ".")) return p.getValue().from().positionOf(path);
    }
    return null;
  }

  /** "entry.leaf" → provenance, for explain (built on demand). */
  public SortedMap<String, Provenance> provenance() {
    SortedMap<String, Provenance> out = new TreeMap<>();
    entries.values().forEach(e -> out.putAll(e.provenance()));
    return out;
  }

  /** The same section with entry {@code name} enabled (an exporter run by someone else). */
  ResolvedSection withEnabled(String name) {
    SortedMap<String, Entry> copy = new TreeMap<>(entries);
    Entry e = entries.get(name);
    ObjectNode value = e != null && e.value().isObject() ? ((ObjectNode) e.value()).deepCopy()
        : JsonNodeFactory.instance.objectNode();
    value.put("enabled", true);
    copy.put(name, new Entry(value, e != null ? e.provenance() : new TreeMap<>(), List.of()));
    return new ResolvedSection(copy);
  }

  /** Every provenance entry of resolved sections, keyed "section.entry.leaf". */
  static SortedMap<String, Provenance> provenance(Map<String, ResolvedSection> sections) {
    SortedMap<String, Provenance> out = new TreeMap<>();
    sections.forEach((section, r) -> r.provenance().forEach((k, v) -> out.put(section + "." + k, v)));
    return out;
  }

  public List<Conflict> conflicts() {
    List<Conflict> out = new ArrayList<>();
    entries.values().forEach(e -> out.addAll(e.conflicts()));
    return out;
  }
}
