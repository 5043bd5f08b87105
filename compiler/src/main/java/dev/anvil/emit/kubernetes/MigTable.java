package dev.anvil.emit.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.emit.Output;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * The MIG profiles of each MIG-capable NVIDIA GPU model (mig-profiles.yaml, with its sources): which
 * profiles exist, how many of each fit, and where, so that a layout can be judged before a node
 * tries it.
 */
public final class MigTable {
  /** Where a profile's GPU instance may start, in memory slices, and how many it takes. */
  public record Placement(int size, List<Integer> starts) {}

  public record Profile(String name, int max, Placement placement) {}

  /**
   * @param name the table's key, e.g. H100-80GB: what layouts are keyed by
   * @param slices memory slices of one GPU (8, or 4 on the A30)
   */
  public record Model(String name, String family, int memoryGb, int slices, List<String> pciDeviceIds,
      Map<String, Profile> profiles) {

    /**
     * Why {@code layout} (profile → instances on one GPU) cannot be made on this model, or null when
     * it can: an unknown profile, more instances than the model allows, or no placement that fits.
     */
    public String whyNot(SortedMap<String, Integer> layout) {
      List<Profile> instances = new ArrayList<>();
      for (Map.Entry<String, Integer> e : layout.entrySet()) {
        Profile p = profiles.get(e.getKey());
        if (p == null) {
          return "the " + name + " has no MIG profile " + e.getKey() + " (it has " + String.join(", ", profiles.keySet())
              + ")";
        }
        if (e.getValue() > p.max()) {
          return "the " + name + " fits at most " + p.max() + " × " + p.name() + ", not " + e.getValue();
        }
        for (int i = 0; i < e.getValue(); i++) instances.add(p);
      }
      // the largest first: a small search (at most 8 slices), and the first failure is a real one
      instances.sort((a, b) -> b.placement().size() - a.placement().size());
      if (!place(instances, 0, new boolean[slices])) {
        return "the " + name + " has no placement for " + spell(layout) + ": together they need more than its "
            + slices + " memory slices in the positions its profiles may take";
      }
      return null;
    }

    private static boolean place(List<Profile> instances, int next, boolean[] used) {
      if (next == instances.size()) return true;
      Placement p = instances.get(next).placement();
      for (int start : p.starts()) {
        if (!free(used, start, p.size())) continue;
        mark(used, start, p.size(), true);
        if (place(instances, next + 1, used)) return true;
        mark(used, start, p.size(), false);
      }
      return false;
    }

    private static boolean free(boolean[] used, int start, int size) {
      for (int i = start; i < start + size; i++) if (i >= used.length || used[i]) return false;
      return true;
    }

    private static void mark(boolean[] used, int start, int size, boolean value) {
      for (int i = start; i < start + size; i++) used[i] = value;
    }
  }

  /** "2 × 1g.10gb + 1 × 3g.40gb" */
  static String spell(Map<String, Integer> layout) {
    List<String> parts = new ArrayList<>();
    layout.forEach((profile, n) -> parts.add(n + " × " + profile));
    return String.join(" + ", parts);
  }

  private static final MigTable TABLE = load();

  private final Map<String, Model> models;

  private MigTable(Map<String, Model> models) {
    this.models = Collections.unmodifiableMap(models);
  }

  public static MigTable get() {
    return TABLE;
  }

  /** Table key → model, in the table's order. */
  public Map<String, Model> models() {
    return models;
  }

  /**
   * The table's model for a host's accelerator: its family (A100, H100, ...) leads the model name once
   * vendor words are dropped ("NVIDIA H100 80GB HBM3", "nvidia-tesla-a100"), and the memory matches
   * within 3 % (clouds report 179 GB for a B200's 180).
   * Null when the GPU has no MIG.
   */
  public Model modelOf(String acceleratorModel, int memoryGb) {
    String first = "";
    for (String word : acceleratorModel.toUpperCase(Locale.ROOT).split("[^A-Z0-9]+")) {
      if (!word.isEmpty() && !word.equals("NVIDIA") && !word.equals("TESLA")) {
        first = word;
        break;
      }
    }
    for (Model m : models.values()) {
      if (first.startsWith(m.family()) && !Character.isDigit(charAfter(first, m.family().length()))
          && Math.abs(m.memoryGb() - memoryGb) <= Math.max(1, m.memoryGb() * 3 / 100)) {
        return m;
      }
    }
    return null;
  }

  private static char charAfter(String s, int i) {
    return i < s.length() ? s.charAt(i) : ' ';
  }

  /** The MIG-capable families, for messages: "A30, A100, H100, H200, B200". */
  public String families() {
    return String.join(", ", models.values().stream().map(Model::family).distinct().toList());
  }

  private static MigTable load() {
    JsonNode root = Output.yamlResource(MigTable.class, "mig-profiles.yaml");
    Map<String, Model> models = new LinkedHashMap<>();
    root.get("models").fields().forEachRemaining(m -> {
      JsonNode n = m.getValue();
      Map<String, Profile> profiles = new LinkedHashMap<>();
      n.get("profiles").fields().forEachRemaining(p -> {
        JsonNode place = p.getValue().get("placement");
        List<Integer> starts = new ArrayList<>();
        place.get("starts").forEach(s -> starts.add(s.asInt()));
        profiles.put(p.getKey(), new Profile(p.getKey(), p.getValue().get("max").asInt(),
            new Placement(place.get("size").asInt(), List.copyOf(starts))));
      });
      List<String> ids = new ArrayList<>();
      n.get("pci_device_ids").forEach(i -> ids.add(i.asText()));
      models.put(m.getKey(), new Model(m.getKey(), n.get("family").asText(), n.get("memory_gb").asInt(),
          n.get("slices").asInt(), List.copyOf(ids), Collections.unmodifiableMap(profiles)));
    });
    return new MigTable(models);
  }
}
