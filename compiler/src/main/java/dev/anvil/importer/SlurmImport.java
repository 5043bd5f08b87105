package dev.anvil.importer;

import dev.anvil.emit.Output;
import dev.anvil.emit.slurm.Hostlist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code anvil import slurm}: a slurm.conf's nodes and partitions (and the gres.conf beside it) as
 * Anvil input to review. Each node becomes a Host of {@code infrastructure:imported} with its CPUs,
 * memory and accelerators (a Gres whose vendor is known); its features, weight, state and memory
 * reserve become {@code slurm.node} settings; each partition a Partition of the same nodes and limits.
 * Compiled again, slurmctld reports the same nodes and partitions, except that Anvil also lists each
 * node's accelerator types among its features. What cannot be carried over goes to IMPORTED.md.
 */
public final class SlurmImport {
  /** A hostlist in a file of a few lines must not become millions of hosts. */
  static final int MAX_NAMES = 100_000;
  static final String GROUP = "infrastructure:imported";

  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:_-]+");
  private static final Pattern FEATURE = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Pattern PARTITION = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern UNIX_GROUP = Pattern.compile("[a-z_][a-z0-9_-]*");
  private static final Pattern SLURM_TIME =
      Pattern.compile("UNLIMITED|INFINITE|[0-9]+(:[0-5]?[0-9]){0,2}|[0-9]+-[0-9]{1,2}(:[0-5][0-9]){0,2}");
  private static final Pattern BILLED = Pattern.compile("CPU|Mem|Node|GRES/[a-z]+(:[a-z0-9_-]+)?");
  private static final Pattern WEIGHT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)([KMGTP]?)");
  private static final Set<String> NODE_STATES = Set.of("UNKNOWN", "CLOUD", "FUTURE", "DOWN", "DRAIN");
  private static final Set<String> OVER_SUBSCRIBE = Set.of("NO", "YES", "EXCLUSIVE", "FORCE");
  /** Node words Anvil carries: the rest are noted. */
  private static final Set<String> NODE_WORDS = Set.of("nodename", "nodeaddr", "cpus", "boards", "sockets", "socketsperboard",
      "corespersocket", "threadspercore", "realmemory", "gres", "feature", "features", "weight", "state");
  private static final Set<String> PARTITION_WORDS = Set.of("partitionname", "nodes", "default", "maxtime", "defaulttime",
      "prioritytier", "state", "oversubscribe", "allowgroups", "tresbillingweights");

  /**
   * The vendor of a Gres type by its product name, first match wins (Tenstorrent's p100a before
   * NVIDIA's P100). A guess a person reviews; {@code --vendor TYPE=VENDOR} settles the rest.
   */
  private static final List<Map.Entry<Pattern, String>> VENDOR_BY_TYPE = List.of(
      Map.entry(Pattern.compile("(tenstorrent|wormhole|blackhole|grayskull|n150|n300|p100a|p150a?|p300).*"), "tenstorrent"),
      Map.entry(Pattern.compile("(gaudi|hl-?[0-9]+).*"), "intel-gaudi"),
      Map.entry(Pattern.compile("(rebellions|rbln|atom|rebel).*"), "rebellions"),
      Map.entry(Pattern.compile("(furiosa|rngd|warboy).*"), "furiosa"),
      Map.entry(Pattern.compile("(tpu|v[2-7][a-z]?(-[0-9]+)?)"), "google-tpu"),
      Map.entry(Pattern.compile("(amd|instinct|radeon|mi[0-9]+).*"), "amd"),
      Map.entry(Pattern.compile("(nvidia|tesla|geforce|quadro|rtx|gtx|titan|g[hb][0-9]+|[abhlkptv][0-9]+).*"), "nvidia"));
  /** The vendor of a device file in gres.conf (File=), where the driver's naming is its own. */
  private static final List<Map.Entry<String, String>> VENDOR_BY_FILE = List.of(Map.entry("/dev/nvidia", "nvidia"),
      Map.entry("/dev/dri/", "amd"), Map.entry("/dev/kfd", "amd"), Map.entry("/dev/hl", "intel-gaudi"),
      Map.entry("/dev/tenstorrent", "tenstorrent"), Map.entry("/dev/rbln", "rebellions"));
  /** gres.conf AutoDetect= and the vendor whose library it asks. */
  private static final Map<String, String> VENDOR_BY_AUTODETECT = Map.of("nvml", "nvidia", "nvidia", "nvidia", "rsmi", "amd");

  private SlurmImport() {}

  /** The input files for the cluster {@code slurmConf} describes: path → YAML. */
  public static Map<String, String> of(Path slurmConf, Map<String, String> vendors) throws IOException {
    List<String> notes = new ArrayList<>();
    Path gresConf = slurmConf.toAbsolutePath().getParent().resolve("gres.conf");
    GresHints hints = Files.isRegularFile(gresConf) ? GresHints.of(SlurmConf.read(gresConf), notes) : new GresHints(Map.of(), Map.of());

    Map<String, Node> nodes = new TreeMap<>();
    Map<String, Map<String, String>> partitions = new LinkedHashMap<>();
    Map<String, String> nodeDefaults = new LinkedHashMap<>();
    Map<String, String> partitionDefaults = new LinkedHashMap<>();
    for (SlurmConf.Line line : SlurmConf.read(slurmConf)) {
      switch (line.kind()) {
        case "nodename" -> {
          if (line.name().equalsIgnoreCase("DEFAULT")) nodeDefaults.putAll(line.words());
          else nodes(line, nodeDefaults, hints, vendors, notes).forEach(n -> nodes.put(n.name, n));
        }
        case "partitionname" -> {
          Map<String, String> words = new LinkedHashMap<>(partitionDefaults);
          words.putAll(line.words());
          if (line.name().equalsIgnoreCase("DEFAULT")) partitionDefaults.putAll(line.words());
          else partitions.put(line.name(), words);
          line.words().keySet().stream().filter(k -> !PARTITION_WORDS.contains(k))
              .forEach(k -> notes.add(line.where() + ": partition " + line.name() + ": " + k + " is not carried over; keep it in"
                  + " your slurm.conf or add it by hand"));
        }
        case "nodeset", "downnodes", "frontendname", "switchname" ->
            notes.add(line.where() + ": " + line.kind() + " lines are not carried over");
        default -> { } // cluster-wide settings stay in the site's slurm.conf, which includes Anvil's files
      }
    }

    Map<String, String> out = new TreeMap<>();
    out.put("inventory/namespaces.yaml", Imported.namespaces(slurmConf.toString(), "slurm"));
    out.put("inventory/groups/imported.yaml", Imported.header(slurmConf.toString(), "slurm", "the group of the imported nodes")
        + "---\n" + Output.yamlText(Map.of("apiVersion", "anvil.dev/v1", "kind", "Group", "name", GROUP)));
    out.put("inventory/hosts/imported.yaml", hosts(slurmConf.toString(), nodes.values()));
    out.put("policies/slurm/nodes.yaml", nodePolicies(slurmConf.toString(), nodes.values()));
    out.put("policies/slurm/partitions.yaml", partitions(slurmConf.toString(), partitions, nodes.keySet(), notes));
    out.put("IMPORTED.md", Imported.readme(slurmConf.toString(), "slurm", nodes.size() + " nodes, " + partitions.size()
        + " partitions. Anvil lists each node's accelerator types among its features as well; cluster-wide settings"
        + " stay in your slurm.conf, which then includes out/slurm/nodes.conf, partitions.conf and gres.conf", notes));
    return out;
  }

  /** A node as Anvil declares it. */
  private record Node(String name, String address, int cpus, int memoryGb, int reservedMb, List<Map<String, Object>> accelerators,
      List<String> features, Integer weight, String state) {
    /** Its slurm.node settings. */
    Map<String, Object> settings() {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("enabled", true);
      if (!features.isEmpty()) node.put("features", features);
      if (weight != null) node.put("weight", weight);
      if (!state.equals("UNKNOWN")) node.put("state", state);
      if (reservedMb > 0) node.put("reserved_memory_mb", reservedMb);
      return node;
    }
  }

  private static List<Node> nodes(SlurmConf.Line line, Map<String, String> defaults, GresHints hints, Map<String, String> vendors,
      List<String> notes) {
    Map<String, String> w = new LinkedHashMap<>(defaults);
    w.putAll(line.words());
    String where = line.where() + ": node " + line.name();
    w.keySet().stream().filter(k -> !NODE_WORDS.contains(k))
        .forEach(k -> notes.add(where + ": " + k + " is not carried over"));
    List<String> names = Hostlist.expand(line.name(), MAX_NAMES);
    List<String> addresses = w.containsKey("nodeaddr") ? Hostlist.expand(w.get("nodeaddr"), MAX_NAMES) : names;
    if (addresses.size() != names.size()) {
      notes.add(where + ": NodeAddr names " + addresses.size() + " addresses for " + names.size() + " nodes; the nodes keep their names");
      addresses = names;
    }
    int cpus = cpus(w, where, notes);
    long realMemory = integer(w, "realmemory", where, notes);
    int memoryGb = (int) ((realMemory + 1023) / 1024);
    int reserved = realMemory > 1 ? (int) (memoryGb * 1024L - realMemory) : 0;
    if (realMemory <= 1) memoryGb = 0;
    Integer weight = w.containsKey("weight") ? (int) integer(w, "weight", where, notes) : null;
    String state = w.getOrDefault("state", "UNKNOWN").toUpperCase(Locale.ROOT);
    if (!NODE_STATES.contains(state)) {
      notes.add(where + ": State=" + state + " is not one Anvil declares (" + String.join(", ", new TreeSet<>(NODE_STATES)) + "); left UNKNOWN");
      state = "UNKNOWN";
    }

    List<Node> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (!dev.anvil.model.Host.NAME.matcher(name).matches() || !ADDRESS.matcher(addresses.get(i)).matches()) {
        notes.add(where + ": '" + name + "' (" + addresses.get(i) + ") is not a host name and address Anvil can keep; not imported");
        continue;
      }
      List<Map<String, Object>> accelerators = new ArrayList<>();
      Set<String> types = new TreeSet<>();
      for (String spec : w.getOrDefault("gres", "").split(",")) {
        if (spec.isBlank()) continue;
        Map<String, Object> a = accelerator(name, spec, hints, vendors, where, notes);
        if (a != null) {
          accelerators.add(a);
          types.add((String) a.get("model"));
        }
      }
      List<String> features = new ArrayList<>();
      for (String f : w.getOrDefault("features", w.getOrDefault("feature", "")).split(",")) {
        if (f.isBlank() || types.contains(f)) continue;  // Anvil adds accelerator types itself
        if (FEATURE.matcher(f).matches()) features.add(f);
        else notes.add(where + ": feature '" + f + "' is not one Anvil can declare (letters, digits, '_', '.', '-')");
      }
      out.add(new Node(name, addresses.get(i), cpus, memoryGb, reserved, accelerators, List.copyOf(new TreeSet<>(features)), weight,
          state));
    }
    return out;
  }

  /**
   * CPUs as slurmctld counts them: CPUs=, unless the line gives a socket/core/thread layout it does
   * not match (then, as Slurm does, the layout's product); the layout itself is not carried.
   */
  private static int cpus(Map<String, String> w, String where, List<String> notes) {
    long cpus = integer(w, "cpus", where, notes);
    if (!w.containsKey("sockets") && !w.containsKey("socketsperboard") && !w.containsKey("corespersocket")
        && !w.containsKey("threadspercore")) {
      return (int) Math.min(cpus, Integer.MAX_VALUE);
    }
    long sockets = w.containsKey("sockets") ? integer(w, "sockets", where, notes)
        : Math.max(1, integer(w, "boards", where, notes)) * Math.max(1, integer(w, "socketsperboard", where, notes));
    long cores = sockets * (w.containsKey("corespersocket") ? integer(w, "corespersocket", where, notes) : 1);
    long threads = cores * (w.containsKey("threadspercore") ? integer(w, "threadspercore", where, notes) : 1);
    if (cpus != sockets && cpus != cores && cpus != threads) cpus = threads;
    notes.add(where + ": its socket/core/thread layout is not carried over (CPUs=" + cpus + " is); add it to your slurm.conf if"
        + " jobs bind to it");
    return (int) Math.min(cpus, Integer.MAX_VALUE);
  }

  private static long integer(Map<String, String> w, String key, String where, List<String> notes) {
    String v = w.get(key);
    if (v == null) return 0;
    try {
      return Math.max(0, Long.parseLong(v.strip()));
    } catch (NumberFormatException e) {
      notes.add(where + ": " + key + "=" + v + " is not a number; left out");
      return 0;
    }
  }

  /** One Gres (name[:type][:count]) as an accelerator, or null (noted) when it is none or its vendor is unknown. */
  private static Map<String, Object> accelerator(String node, String spec, GresHints hints, Map<String, String> vendors, String where,
      List<String> notes) {
    String clean = spec.replaceAll("\\(.*\\)$", "");
    if (!clean.equals(spec)) notes.add(where + ": Gres " + spec + ": its socket binding is not carried over");
    String[] parts = clean.split(":");
    String name = parts[0];
    String type = parts.length >= 3 || parts.length == 2 && !parts[1].matches("[0-9]+[KMG]?") ? parts[1] : null;
    String count = parts.length >= 3 ? parts[2] : parts.length == 2 && type == null ? parts[1] : "1";
    if (!List.of("gpu", "npu", "tpu").contains(name)) {
      notes.add(where + ": Gres " + spec + " is not an accelerator; not carried over");
      return null;
    }
    String vendor = type != null ? vendors.get(type) : null;
    if (vendor == null && type != null) vendor = byType(type);
    if (vendor == null) vendor = hints.vendor(node, name, type);
    if (vendor == null && name.equals("tpu")) vendor = "google-tpu";
    if (vendor == null) {
      notes.add(where + ": Gres " + spec + ": which vendor makes it is not known; name it with --vendor "
          + (type != null ? type : name) + "=VENDOR");
      return null;
    }
    if (!count.matches("[0-9]{1,4}") || Integer.parseInt(count) < 1 || Integer.parseInt(count) > 1024) {
      notes.add(where + ": Gres " + spec + ": count " + count + " is not 1 to 1024; not carried over");
      return null;
    }
    String model = type != null ? type : name;
    if (type == null) notes.add(where + ": Gres " + spec + " has no type; Anvil types every Gres, this one as '" + name + "'");
    String anvilName = dev.anvil.emit.slurm.SlurmEmitter.gresName(vendor);
    if (!anvilName.equals(name)) notes.add(where + ": Gres " + spec + " (" + vendor + ") is named " + anvilName + " in Anvil's output");
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("vendor", vendor);
    a.put("model", model);
    a.put("count", Integer.parseInt(count));
    return a;
  }

  static String byType(String type) {
    String t = type.toLowerCase(Locale.ROOT);
    for (var e : VENDOR_BY_TYPE) if (e.getKey().matcher(t).matches()) return e.getValue();
    return null;
  }

  /** What gres.conf says of the vendors: by node, gres name and type (device files), and AutoDetect. */
  private record GresHints(Map<String, String> byNodeAndGres, Map<String, String> autoDetect) {
    static GresHints of(List<SlurmConf.Line> lines, List<String> notes) {
      Map<String, String> byGres = new HashMap<>();
      Map<String, String> auto = new HashMap<>();
      for (SlurmConf.Line l : lines) {
        String detect = l.get("autodetect");
        List<String> nodes = l.get("nodename") != null ? Hostlist.expand(l.get("nodename"), MAX_NAMES) : List.of("*");
        if (detect != null && VENDOR_BY_AUTODETECT.containsKey(detect.toLowerCase(Locale.ROOT))) {
          nodes.forEach(n -> auto.put(n, VENDOR_BY_AUTODETECT.get(detect.toLowerCase(Locale.ROOT))));
        }
        String file = l.get("file");
        String name = l.get("name");
        if (file == null || name == null) continue;
        String vendor = VENDOR_BY_FILE.stream().filter(e -> file.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst().orElse(null);
        if (vendor == null) continue;
        for (String n : nodes) {
          byGres.put(n + " " + name + ":" + l.words().getOrDefault("type", ""), vendor);
          byGres.putIfAbsent(n + " " + name + ":", vendor);
        }
      }
      return new GresHints(byGres, auto);
    }

    String vendor(String node, String name, String type) {
      String t = type == null ? "" : type;
      for (String n : List.of(node, "*")) {
        String v = byNodeAndGres.getOrDefault(n + " " + name + ":" + t, byNodeAndGres.get(n + " " + name + ":"));
        if (v != null) return v;
      }
      if (!name.equals("gpu")) return null;
      return autoDetect.getOrDefault(node, autoDetect.get("*"));
    }
  }

  private static String hosts(String source, java.util.Collection<Node> nodes) {
    StringBuilder b = new StringBuilder(Imported.header(source, "slurm", "one host per Slurm node"));
    for (Node n : nodes) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("apiVersion", "anvil.dev/v1");
      doc.put("kind", "Host");
      doc.put("name", n.name);
      doc.put("address", n.address);
      doc.put("primary_group", GROUP);
      Map<String, Object> hardware = new LinkedHashMap<>();
      if (n.cpus > 0) hardware.put("cpu", Map.of("cores", n.cpus));
      if (n.memoryGb > 0) hardware.put("memory_gb", n.memoryGb);
      if (!n.accelerators.isEmpty()) hardware.put("accelerators", n.accelerators);
      if (!hardware.isEmpty()) doc.put("hardware", hardware);
      b.append("---\n").append(Output.yamlText(doc));
    }
    return b.toString();
  }

  /**
   * The nodes' slurm.node settings: the most common ones on the group, a host policy (overriding
   * them whole) for each node that differs, so a uniform cluster reads as one policy.
   */
  private static String nodePolicies(String source, java.util.Collection<Node> nodes) {
    StringBuilder b = new StringBuilder(Imported.header(source, "slurm", "which hosts are Slurm nodes, and their node settings"));
    Map<Map<String, Object>, Integer> counts = new HashMap<>();
    nodes.forEach(n -> counts.merge(n.settings(), 1, Integer::sum));
    Map<String, Object> common = counts.entrySet().stream()
        .max(Comparator.<Map.Entry<Map<String, Object>, Integer>>comparingInt(Map.Entry::getValue)
            .thenComparing(e -> e.getKey().toString(), Comparator.reverseOrder()))
        .map(Map.Entry::getKey).orElse(Map.of("enabled", true));
    b.append("---\n").append(Output.yamlText(policy("slurm-nodes", "group", GROUP, common)));
    for (Node n : nodes) {
      if (!n.settings().equals(common)) b.append("---\n").append(Output.yamlText(policy("slurm-node-" + n.name, "host", n.name, n.settings())));
    }
    return b.toString();
  }

  private static Map<String, Object> policy(String name, String targetKind, String target, Map<String, Object> node) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "anvil.dev/v1");
    doc.put("kind", "Policy");
    doc.put("name", name);
    doc.put(targetKind, target);
    doc.put("slurm", Map.of("node", node));
    return doc;
  }

  private static String partitions(String source, Map<String, Map<String, String>> partitions, Set<String> nodes, List<String> notes) {
    StringBuilder b = new StringBuilder(Imported.header(source, "slurm", "the partitions, each of the same nodes and limits"));
    partitions.forEach((name, w) -> {
      String where = "partition " + name;
      if (!PARTITION.matcher(name).matches()) {
        notes.add(where + ": not a partition name Anvil can keep (letters, digits, '_', '-'); not imported");
        return;
      }
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("apiVersion", "anvil.dev/v1");
      doc.put("kind", "Partition");
      doc.put("name", name);
      String members = w.getOrDefault("nodes", "");
      if (members.equalsIgnoreCase("ALL")) {
        doc.put("select", Map.of("groups", List.of(GROUP)));
      } else {
        TreeSet<String> hosts = new TreeSet<>();
        for (String h : Hostlist.expand(members, MAX_NAMES)) {
          if (nodes.contains(h)) hosts.add(h);
          else notes.add(where + ": node '" + h + "' is no imported node; left out");
        }
        if (hosts.isEmpty()) {
          notes.add(where + ": has no nodes Anvil imported; not imported");
          return;
        }
        doc.put("select", Map.of("hosts", List.copyOf(hosts)));
      }
      if (w.getOrDefault("default", "NO").equalsIgnoreCase("YES")) doc.put("default", true);
      time(w, "maxtime", "max_time", doc, where, notes);
      time(w, "defaulttime", "default_time", doc, where, notes);
      if (w.containsKey("prioritytier")) {
        String tier = w.get("prioritytier");
        if (tier.matches("[0-9]{1,5}") && Integer.parseInt(tier) <= 65533) doc.put("priority_tier", Integer.parseInt(tier));
        else notes.add(where + ": PriorityTier=" + tier + " is not 0 to 65533; left out");
      }
      enumWord(w, "state", "state", Set.of("UP", "DOWN", "DRAIN", "INACTIVE"), doc, where, notes);
      enumWord(w, "oversubscribe", "over_subscribe", OVER_SUBSCRIBE, doc, where, notes);
      if (w.containsKey("allowgroups") && !w.get("allowgroups").equalsIgnoreCase("ALL")) {
        List<String> groups = List.of(w.get("allowgroups").split(","));
        if (groups.stream().allMatch(g -> UNIX_GROUP.matcher(g).matches())) doc.put("allow_groups", groups);
        else notes.add(where + ": AllowGroups=" + w.get("allowgroups") + " holds a name Anvil cannot declare; left out");
      }
      if (w.containsKey("tresbillingweights")) billing(w.get("tresbillingweights"), doc, where, notes);
      b.append("---\n").append(Output.yamlText(doc));
    });
    return b.toString();
  }

  private static void time(Map<String, String> w, String key, String field, Map<String, Object> doc, String where, List<String> notes) {
    String v = w.get(key);
    if (v == null) return;
    if (SLURM_TIME.matcher(v).matches()) doc.put(field, v);
    else notes.add(where + ": " + key + "=" + v + " is not a Slurm time Anvil reads; left out");
  }

  private static void enumWord(Map<String, String> w, String key, String field, Set<String> allowed, Map<String, Object> doc,
      String where, List<String> notes) {
    String v = w.get(key);
    if (v == null) return;
    if (allowed.contains(v.toUpperCase(Locale.ROOT))) doc.put(field, v.toUpperCase(Locale.ROOT));
    else notes.add(where + ": " + key + "=" + v + " is not carried over (Anvil declares " + String.join(", ", new TreeSet<>(allowed)) + ")");
  }

  /** TRESBillingWeights: Mem per GB as Anvil writes it (a weight without a unit is per MB in Slurm). */
  private static void billing(String text, Map<String, Object> doc, String where, List<String> notes) {
    Map<String, Object> weights = new LinkedHashMap<>();
    for (String item : text.split(",")) {
      String[] kv = item.split("=", 2);
      var m = kv.length == 2 ? WEIGHT.matcher(kv[1]) : null;
      if (m == null || !BILLED.matcher(kv[0]).matches() || !m.matches() || !m.group(2).isEmpty() && !kv[0].equals("Mem")) {
        notes.add(where + ": billing weight '" + item + "' is not carried over");
        continue;
      }
      double v = Double.parseDouble(m.group(1));
      if (kv[0].equals("Mem")) v *= Math.pow(1024, 2 - "KMGTP".indexOf(m.group(2).isEmpty() ? "M" : m.group(2)));
      weights.put(kv[0], v == Math.rint(v) ? (Object) (long) v : (Object) v);
    }
    if (!weights.isEmpty()) doc.put("tres_billing_weights", weights);
  }
}
