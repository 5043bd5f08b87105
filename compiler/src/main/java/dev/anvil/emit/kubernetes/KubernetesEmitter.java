package dev.anvil.emit.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.diag.Diagnostics;
import dev.anvil.diag.Position;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.model.Cluster;
import dev.anvil.model.Hardware;
import dev.anvil.resolve.Provenance;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.ResolvedSection;
import dev.anvil.resolve.Resolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code kubernetes/<cluster>/}: how each cluster's NVIDIA GPUs are shared, for the GPU Operator
 * (v26.7.0): its Helm values, the device plugin's named configs, the mig-parted layouts, and the
 * node labels that pick a config per node ({@code nvidia.com/device-plugin.config},
 * {@code nvidia.com/mig.config}). A MIG layout is checked against the GPU model's profile table
 * (MigTable) first: a layout the GPU cannot make is a compile error, not a node stuck in mig-manager.
 */
public final class KubernetesEmitter implements Emitter {
  static final String DIR = "kubernetes/";
  static final String PLUGIN_CONFIGMAP = "anvil-device-plugin-config";
  static final String MIG_CONFIGMAP = "anvil-mig-parted-config";
  static final String PLUGIN_LABEL = "nvidia.com/device-plugin.config";
  static final String MIG_LABEL = "nvidia.com/mig.config";
  /** mig-parted's config that turns MIG off: what MIG-capable nodes without a layout get. */
  static final String MIG_DISABLED = "all-disabled";
  /** A Node's name: a DNS subdomain (RFC 1123), at most 253 characters. */
  private static final Pattern NODE_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    SortedMap<String, Cluster> clusters = resolved.fleet().clusters();
    if (clusters.isEmpty()) return List.of();
    Map<String, List<ResolvedHost>> nodes = new TreeMap<>();
    for (ResolvedHost h : resolved.hosts()) {
      JsonNode node = h.section(Resolver.KUBERNETES).get("node");
      // an unknown cluster is the reference checker's error
      if (node != null && clusters.containsKey(node.path("cluster").asText())) {
        nodes.computeIfAbsent(node.get("cluster").asText(), k -> new ArrayList<>()).add(h);
      }
    }
    Findings findings = new Findings();
    List<OutputFile> files = new ArrayList<>();
    for (Cluster c : clusters.values()) files.addAll(cluster(c, nodes.getOrDefault(c.name(), List.of()), findings));
    findings.report(diagnostics);
    return files;
  }

  private static List<OutputFile> cluster(Cluster cluster, List<ResolvedHost> hosts, Findings findings) {
    String dir = DIR + cluster.name() + "/";
    MigTable table = MigTable.get();
    SortedMap<String, Map<String, Object>> pluginConfigs = new TreeMap<>();
    pluginConfigs.put(GpuSharing.EXCLUSIVE.pluginConfigName(), GpuSharing.EXCLUSIVE.pluginConfig());
    // mig-parted config name → its per-model entries, and the host whose layouts made it (for a clash)
    SortedMap<String, List<Map<String, Object>>> migConfigs = new TreeMap<>();
    Map<String, ResolvedHost> migConfigFrom = new TreeMap<>();
    SortedMap<String, SortedMap<String, String>> nodeLabels = new TreeMap<>();
    boolean mixed = false;
    for (ResolvedHost h : hosts) {
      List<Hardware.Accelerator> gpus = h.host().hardware().accelerators().stream()
          .filter(a -> a.vendor().equals("nvidia")).toList();
      if (gpus.isEmpty()) continue;  // the device plugin only runs where NVIDIA GPUs are
      if (h.name().length() > 253 || !NODE_NAME.matcher(h.name()).matches()) {
        findings.add(h.host().source().at("/name"), "host name '" + h.name() + "' is not a Kubernetes node name (lower-case"
            + " letters, digits, '-' and '.'), yet it is a node of cluster '" + cluster.name() + "'", h);
        continue;
      }
      GpuSharing sharing = GpuSharing.of(h.section(Resolver.GPU_SHARING).get("nvidia"));
      if (!sharing.mode().equals("exclusive") && !h.section(Resolver.GPU_SHARING).path("nvidia").has(
          sharing.mode())) {
        findings.add(at(h, "mode"), "gpu_sharing mode " + sharing.mode() + " needs its settings ("
            + sharing.mode() + ": ...)", h);
        continue;
      }
      SortedMap<String, String> labels = new TreeMap<>();
      boolean migCapable = false;
      boolean ok = true;
      for (Hardware.Accelerator gpu : byModel(gpus).values()) {
        MigTable.Model model = gpu.memoryGb() == null ? null : table.modelOf(gpu.model(), gpu.memoryGb());
        migCapable |= model != null;
        if (!sharing.isMig()) continue;
        if (model == null) {
          findings.add(at(h, "mode"), "MIG on " + gpu.model() + (gpu.memoryGb() == null ? " (no memory_gb)" : " "
              + gpu.memoryGb() + " GB") + ": that GPU has no MIG (MIG-capable: " + table.families()
              + "; the table matches a model by family and memory_gb)", h);
          ok = false;
        } else if (sharing.layoutFor(model.name()) == null) {
          findings.add(at(h, "mig.layouts"), "MIG config '" + sharing.migConfig() + "' has no layout for the "
              + model.name() + " (a layouts entry keyed " + model.name() + ")", h);
          ok = false;
        }
      }
      List<Map<String, Object>> migEntries = sharing.isMig() ? migEntries(sharing, table, h, findings) : List.of();
      ok &= migEntries != null;
      if (!ok) continue;
      if (sharing.isMig()) {
        if (sharing.migConfig() == null) {
          findings.add(at(h, "mig"), "MIG needs a config name (mig.config): the nvidia.com/mig.config label's value", h);
          continue;
        }
        List<Map<String, Object>> before = migConfigs.putIfAbsent(sharing.migConfig(), migEntries);
        if (before != null && !before.equals(migEntries)) {
          ResolvedHost other = migConfigFrom.get(sharing.migConfig());
          findings.add(at(h, "mig.config"), "MIG config '" + sharing.migConfig() + "' means different layouts on "
              + h.name() + " and " + other.name() + " in cluster '" + cluster.name() + "' (one name, one layout per GPU"
              + " model)", h);
          continue;
        }
        migConfigFrom.putIfAbsent(sharing.migConfig(), h);
        mixed |= sharing.migStrategy().equals("mixed");
        labels.put(MIG_LABEL, sharing.migConfig());
      } else if (migCapable) {
        labels.put(MIG_LABEL, MIG_DISABLED);
      }
      pluginConfigs.putIfAbsent(sharing.pluginConfigName(), sharing.pluginConfig());
      labels.put(PLUGIN_LABEL, sharing.pluginConfigName());
      nodeLabels.put(h.name(), labels);
    }

    List<OutputFile> files = new ArrayList<>();
    files.add(values(dir, cluster, mixed));
    Map<String, String> pluginData = new TreeMap<>();
    pluginConfigs.forEach((name, config) -> pluginData.put(name, Output.yamlTextQuoted(config)));
    files.add(yaml(dir + "device-plugin-config.yaml", configMap(PLUGIN_CONFIGMAP, cluster, pluginData)));
    Map<String, Object> migParted = new LinkedHashMap<>();
    migParted.put("version", "v1");
    Map<String, Object> configs = new TreeMap<>(migConfigs);
    configs.put(MIG_DISABLED, List.of(Map.of("devices", "all", "mig-enabled", false)));
    migParted.put("mig-configs", configs);
    files.add(yaml(dir + "mig-parted-config.yaml",
        configMap(MIG_CONFIGMAP, cluster, Map.of("config.yaml", Output.yamlTextQuoted(migParted)))));
    files.add(nodes(dir, nodeLabels));
    return files;
  }

  /**
   * mig-parted's entries for the host's MIG config: one per layout, for the device IDs of its model;
   * null when a layout is one the model cannot make (reported).
   */
  private static List<Map<String, Object>> migEntries(GpuSharing sharing, MigTable table, ResolvedHost h,
      Findings findings) {
    List<Map<String, Object>> entries = new ArrayList<>();
    boolean ok = true;
    TreeSet<String> keys = new TreeSet<>();
    if (sharing.migLayouts() != null) sharing.migLayouts().fieldNames().forEachRemaining(keys::add);
    for (String key : keys) {
      MigTable.Model model = table.models().get(key);
      if (model == null) {
        findings.add(at(h, "mig.layouts." + key), "no GPU model '" + key + "' in the MIG table (it has "
            + String.join(", ", table.models().keySet()) + ")", h);
        ok = false;
        continue;
      }
      SortedMap<String, Integer> layout = sharing.layoutFor(key);
      String why = model.whyNot(layout);
      if (why == null && sharing.migStrategy().equals("single") && layout.size() > 1) {
        why = "MIG strategy single exposes one profile per node as nvidia.com/gpu, but this layout has "
            + layout.size() + " (" + String.join(", ", layout.keySet()) + "); use strategy mixed";
      }
      if (why != null) {
        findings.add(at(h, "mig.layouts." + key), "impossible MIG layout '" + sharing.migConfig() + "': " + why, h);
        ok = false;
        continue;
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("device-filter", model.pciDeviceIds());
      entry.put("devices", "all");
      entry.put("mig-enabled", true);
      entry.put("mig-devices", layout);
      entries.add(entry);
    }
    return ok ? entries : null;
  }

  private static OutputFile yaml(String path, Object tree) {
    return new OutputFile(path, "# " + Output.GENERATED + "\n" + Output.yamlTextQuoted(tree));
  }

  /** One accelerator entry per model and memory: a host's layout is per GPU model. */
  private static Map<String, Hardware.Accelerator> byModel(List<Hardware.Accelerator> gpus) {
    Map<String, Hardware.Accelerator> out = new TreeMap<>();
    for (Hardware.Accelerator a : gpus) out.putIfAbsent(a.model() + "/" + a.memoryGb(), a);
    return out;
  }

  /** The GPU Operator's Helm values: the device plugin and mig-manager read Anvil's ConfigMaps. */
  private static OutputFile values(String dir, Cluster cluster, boolean mixed) {
    Map<String, Object> values = new TreeMap<>();
    // the cluster-wide default; each node's device plugin config sets its own strategy
    values.put("mig", Map.of("strategy", mixed ? "mixed" : "single"));
    values.put("devicePlugin", Map.of("config", Map.of("create", false, "name", PLUGIN_CONFIGMAP,
        "default", GpuSharing.EXCLUSIVE.pluginConfigName())));
    values.put("migManager", Map.of("config", Map.of("create", false, "name", MIG_CONFIGMAP, "default", MIG_DISABLED)));
    return new OutputFile(dir + "gpu-operator-values.yaml", "# " + Output.GENERATED + "\n"
        + "# helm upgrade --install gpu-operator nvidia/gpu-operator --version " + cluster.gpuOperatorVersion()
        + " --namespace " + cluster.gpuOperatorNamespace() + " --values gpu-operator-values.yaml\n"
        + "# after kubectl apply --filename device-plugin-config.yaml --filename mig-parted-config.yaml\n"
        + Output.yamlTextQuoted(values));
  }

  private static Map<String, Object> configMap(String name, Cluster cluster, Map<String, String> data) {
    Map<String, Object> cm = new LinkedHashMap<>();
    cm.put("apiVersion", "v1");
    cm.put("kind", "ConfigMap");
    cm.put("metadata", Map.of("name", name, "namespace", cluster.gpuOperatorNamespace(),
        "labels", Map.of("app.kubernetes.io/managed-by", "anvil")));
    cm.put("data", new TreeMap<>(data));
    return cm;
  }

  /**
   * The labels of each node, as Node objects that hold nothing else: server-side apply with
   * Anvil's field manager sets these labels and leaves every other field of the node alone.
   */
  private static OutputFile nodes(String dir, SortedMap<String, SortedMap<String, String>> nodeLabels) {
    StringBuilder text = new StringBuilder("# " + Output.GENERATED + "\n"
        + "# kubectl apply --server-side --field-manager=anvil --filename nodes.yaml\n");
    nodeLabels.forEach((name, labels) -> {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("apiVersion", "v1");
      node.put("kind", "Node");
      node.put("metadata", Map.of("name", name, "labels", labels));
      text.append("---\n").append(Output.yamlTextQuoted(node));
    });
    return new OutputFile(dir + "nodes.yaml", text.toString());
  }

  /**
   * Where a gpu_sharing.nvidia setting was written for this host: the policy whose value won for
   * {@code path} (e.g. "mig.layouts.H100-80GB"), else the one that set the mode, else the host.
   */
  private static Position at(ResolvedHost h, String path) {
    ResolvedSection section = h.sections().get(Resolver.GPU_SHARING);
    ResolvedSection.Entry entry = section == null ? null : section.entry("nvidia");
    if (entry != null) {
      for (String p : List.of(path, "mode")) {
        String key = "nvidia." + p;
        for (Map.Entry<String, Provenance> e : entry.provenance().entrySet()) {
          if (e.getKey().equals(key) || e.getKey().startsWith(key + ".")) return e.getValue().from().positionOf(p);
        }
      }
    }
    return h.host().source().at("/name");
  }

  /** Errors found on many hosts alike, reported once each with the hosts they concern. */
  private static final class Findings {
    private record Finding(Position at, String message) {}

    private final Map<Finding, TreeSet<String>> hosts = new LinkedHashMap<>();

    void add(Position at, String message, ResolvedHost h) {
      hosts.computeIfAbsent(new Finding(at, message), k -> new TreeSet<>()).add(h.name());
    }

    void report(Diagnostics diagnostics) {
      hosts.forEach((f, names) -> diagnostics.error(f.at(), f.message() + " " + Resolver.hostsPhrase(names)));
    }
  }
}
