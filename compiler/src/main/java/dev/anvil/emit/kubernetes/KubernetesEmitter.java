package dev.anvil.emit.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.diag.Diagnostics;
import dev.anvil.diag.Position;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.model.Cluster;
import dev.anvil.model.Hardware;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.ResolvedPool;
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
 * labels that pick a config per node ({@code nvidia.com/device-plugin.config},
 * {@code nvidia.com/mig.config}) — on declared hosts' Node objects, and in the node template of
 * each Karpenter pool (KarpenterPools). A MIG layout is checked against the GPU model's profile
 * table (MigTable) first: a layout the GPU cannot make is a compile error, not a node stuck in
 * mig-manager.
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

  /**
   * What shares GPUs: a declared host, or a pool whose nodes have its instance types' GPUs.
   *
   * @param subject "host NAME" or "pool GROUP", for messages
   * @param fallback where to point when no policy set the value in question
   */
  record Sharer(String subject, List<Hardware.Accelerator> gpus, Map<String, ResolvedSection> sections,
      Position fallback) {

    JsonNode nvidia() {
      ResolvedSection s = sections.get(Resolver.GPU_SHARING);
      return s == null ? null : s.get("nvidia");
    }

    /**
     * Where a gpu_sharing.nvidia setting was written: the policy whose value won for {@code path}
     * (e.g. "mig.layouts.H100-80GB"), else the one that set the mode, else the fallback.
     */
    Position at(String path) {
      ResolvedSection section = sections.get(Resolver.GPU_SHARING);
      Position at = section == null ? null : section.positionOf("nvidia", path);
      if (at == null && section != null) at = section.positionOf("nvidia", "mode");
      return at != null ? at : fallback;
    }
  }

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    SortedMap<String, Cluster> clusters = resolved.fleet().clusters();
    Findings findings = new Findings();
    for (ResolvedPool p : resolved.pools()) {
      if (!p.settings().has("cluster")) {
        findings.add(KarpenterPools.at(p, "cluster"), "pool " + p.group() + " names no cluster (kubernetes.pool.cluster)",
            "pool " + p.group());
      }
    }
    if (clusters.isEmpty()) {
      findings.report(diagnostics);
      return List.of();
    }
    List<OutputFile> files = new ArrayList<>();
    for (ClusterMembers members : ClusterMembers.of(resolved).values()) {
      checkVersions(members.cluster(), diagnostics);
      files.addAll(cluster(members, findings));
    }
    KarpenterPools.checkSlinky(resolved.fleet().partitions(), resolved.pools(), findings);
    findings.report(diagnostics);
    return files;
  }

  /** A cluster's files; its nodes are the hosts with NVIDIA GPUs, as the device plugin only runs there. */
  private static List<OutputFile> cluster(ClusterMembers members, Findings findings) {
    Cluster cluster = members.cluster();
    String dir = DIR + cluster.name() + "/";
    Configs configs = new Configs(cluster, findings);
    SortedMap<String, SortedMap<String, String>> nodeLabels = new TreeMap<>();
    for (ResolvedHost h : members.nodes()) {
      Sharer sharer = new Sharer("host " + h.name(), ClusterMembers.nvidia(h.host().hardware()), h.sections(),
          h.host().source().at("/name"));
      if (h.name().length() > 253 || !NODE_NAME.matcher(h.name()).matches()) {
        findings.add(sharer.fallback(), "host name '" + h.name() + "' is not a Kubernetes node name (lower-case"
            + " letters, digits, '-' and '.'), yet it is a node of cluster '" + cluster.name() + "'", sharer.subject());
        continue;
      }
      SortedMap<String, String> labels = configs.labelsFor(sharer);
      if (labels != null) nodeLabels.put(h.name(), labels);
    }
    List<Object> karpenter = new KarpenterPools(cluster, findings).objects(members.pools(), configs);

    List<OutputFile> files = new ArrayList<>();
    files.add(values(dir, cluster, configs.mixed));
    Map<String, String> pluginData = new TreeMap<>();
    configs.plugin.forEach((name, config) -> pluginData.put(name, Output.yamlTextQuoted(config)));
    files.add(Manifests.file(dir + "device-plugin-config.yaml", configMap(PLUGIN_CONFIGMAP, cluster, pluginData)));
    Map<String, Object> migParted = new LinkedHashMap<>();
    migParted.put("version", "v1");
    Map<String, Object> migConfigs = new TreeMap<>(configs.mig);
    migConfigs.put(MIG_DISABLED, List.of(Map.of("devices", "all", "mig-enabled", false)));
    migParted.put("mig-configs", migConfigs);
    files.add(Manifests.file(dir + "mig-parted-config.yaml",
        configMap(MIG_CONFIGMAP, cluster, Map.of("config.yaml", Output.yamlTextQuoted(migParted)))));
    if (!nodeLabels.isEmpty()) files.add(nodes(dir, nodeLabels));
    if (!karpenter.isEmpty()) {
      files.add(Manifests.documents(dir + "karpenter.yaml", "kubectl apply --filename karpenter.yaml  (Karpenter "
          + KarpenterPools.KARPENTER_VERSION + ", karpenter.sh/v1 and karpenter.k8s.aws/v1)", karpenter));
    }
    return files;
  }

  /**
   * The named configs of one cluster: the device plugin's (one per distinct sharing setting) and
   * mig-parted's (one per MIG config name), filled as nodes and pools ask for them.
   */
  static final class Configs {
    private final Cluster cluster;
    private final Findings findings;
    final SortedMap<String, Map<String, Object>> plugin = new TreeMap<>();
    /** mig-parted config name → its per-model entries, and who first used it (for a clash). */
    final SortedMap<String, List<Map<String, Object>>> mig = new TreeMap<>();
    private final Map<String, String> migFrom = new TreeMap<>();
    boolean mixed;

    Configs(Cluster cluster, Findings findings) {
      this.cluster = cluster;
      this.findings = findings;
      plugin.put(GpuSharing.EXCLUSIVE.pluginConfigName(), GpuSharing.EXCLUSIVE.pluginConfig());
    }

    /** The GPU Operator's node labels for a sharer's setting; null when the setting is impossible (reported). */
    SortedMap<String, String> labelsFor(Sharer s) {
      GpuSharing sharing = GpuSharing.of(s.nvidia());
      if (!sharing.mode().equals("exclusive") && !s.nvidia().has(sharing.mode())) {
        findings.add(s.at("mode"), "gpu_sharing mode " + sharing.mode() + " needs its settings (" + sharing.mode()
            + ": ...)", s.subject());
        return null;
      }
      MigTable table = MigTable.get();
      boolean migCapable = false;
      boolean ok = true;
      for (Hardware.Accelerator gpu : byModel(s.gpus())) {
        MigTable.Model model = gpu.memoryGb() == null ? null : table.modelOf(gpu.model(), gpu.memoryGb());
        migCapable |= model != null;
        if (!sharing.isMig()) continue;
        if (model == null) {
          findings.add(s.at("mode"), "MIG on " + gpu.model() + (gpu.memoryGb() == null ? " (no memory_gb)" : " "
              + gpu.memoryGb() + " GB") + ": that GPU has no MIG (MIG-capable: " + table.families()
              + "; the table matches a model by family and memory_gb)", s.subject());
          ok = false;
        } else if (sharing.layoutFor(model.name()) == null) {
          findings.add(s.at("mig.layouts"), "MIG config '" + sharing.migConfig() + "' has no layout for the "
              + model.name() + " (a layouts entry keyed " + model.name() + ")", s.subject());
          ok = false;
        }
      }
      List<Map<String, Object>> entries = sharing.isMig() ? migEntries(sharing, table, s) : List.of();
      if (!ok || entries == null) return null;
      SortedMap<String, String> labels = new TreeMap<>();
      if (sharing.isMig()) {
        if (sharing.migConfig() == null) {
          findings.add(s.at("mig"), "MIG needs a config name (mig.config): the nvidia.com/mig.config label's value",
              s.subject());
          return null;
        }
        List<Map<String, Object>> before = mig.putIfAbsent(sharing.migConfig(), entries);
        if (before != null && !before.equals(entries)) {
          findings.add(s.at("mig.config"), "MIG config '" + sharing.migConfig() + "' means different layouts for "
              + s.subject() + " and " + migFrom.get(sharing.migConfig()) + " in cluster '" + cluster.name()
              + "' (one name, one layout per GPU model)", s.subject());
          return null;
        }
        migFrom.putIfAbsent(sharing.migConfig(), s.subject());
        mixed |= sharing.migStrategy().equals("mixed");
        labels.put(MIG_LABEL, sharing.migConfig());
      } else if (migCapable) {
        labels.put(MIG_LABEL, MIG_DISABLED);
      }
      plugin.putIfAbsent(sharing.pluginConfigName(), sharing.pluginConfig());
      labels.put(PLUGIN_LABEL, sharing.pluginConfigName());
      return labels;
    }

    /**
     * mig-parted's entries for a MIG config: one per layout, for the device IDs of its model; null
     * when a layout is one the model cannot make (reported).
     */
    private List<Map<String, Object>> migEntries(GpuSharing sharing, MigTable table, Sharer s) {
      List<Map<String, Object>> entries = new ArrayList<>();
      boolean ok = true;
      TreeSet<String> keys = new TreeSet<>();
      if (sharing.migLayouts() != null) sharing.migLayouts().fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        MigTable.Model model = table.models().get(key);
        if (model == null) {
          findings.add(s.at("mig.layouts." + key), "no GPU model '" + key + "' in the MIG table (it has "
              + String.join(", ", table.models().keySet()) + ")", s.subject());
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
          findings.add(s.at("mig.layouts." + key), "impossible MIG layout '" + sharing.migConfig() + "': " + why,
              s.subject());
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
  }

  /** One accelerator entry per model and memory: a layout is per GPU model. */
  private static List<Hardware.Accelerator> byModel(List<Hardware.Accelerator> gpus) {
    Map<String, Hardware.Accelerator> out = new TreeMap<>();
    for (Hardware.Accelerator a : gpus) out.putIfAbsent(a.model() + "/" + a.memoryGb(), a);
    return List.copyOf(out.values());
  }

  /** What the declared operator versions must be for the objects Anvil writes. */
  private static void checkVersions(Cluster c, Diagnostics diagnostics) {
    if (c.karpenterVersion() != null && version(c.karpenterVersion())[0] != 1) {
      diagnostics.error(c.source().at("/karpenter/version"), "Karpenter " + c.karpenterVersion() + ": Anvil writes the"
          + " karpenter.sh/v1 and karpenter.k8s.aws/v1 APIs, which Karpenter 1.x serves");
    }
    int[] po = c.prometheusOperatorVersion() == null ? null : version(c.prometheusOperatorVersion());
    if (po != null && po[0] == 0 && po[1] < 61) {
      diagnostics.error(c.source().at("/prometheus_operator/version"), "prometheus-operator "
          + c.prometheusOperatorVersion() + ": monitoring.yaml's ServiceMonitor needs attachMetadata.node, which"
          + " v0.61.0 added");
    }
  }

  private static int[] version(String v) {
    String[] parts = v.replaceFirst("^v", "").split("\\.");
    return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
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
    Map<String, Object> cm = Manifests.object("v1", "ConfigMap", name, cluster.gpuOperatorNamespace(), Map.of());
    cm.put("data", new TreeMap<>(data));
    return cm;
  }

  /**
   * The labels of each node, as Node objects that hold nothing else: server-side apply with
   * Anvil's field manager sets these labels and leaves every other field of the node alone.
   */
  private static OutputFile nodes(String dir, SortedMap<String, SortedMap<String, String>> nodeLabels) {
    List<Object> docs = new ArrayList<>();
    nodeLabels.forEach((name, labels) -> docs.add(Manifests.labelsOnly("v1", "Node", name, labels)));
    return Manifests.documents(dir + "nodes.yaml", "kubectl apply --server-side --field-manager=anvil --filename nodes.yaml",
        docs);
  }

  /** Errors found on many hosts or pools alike, reported once each with what they concern. */
  static final class Findings {
    private record Finding(Position at, String message) {}

    private final Map<Finding, TreeSet<String>> subjects = new LinkedHashMap<>();

    /** @param subject "host NAME" or "pool GROUP" */
    void add(Position at, String message, String subject) {
      subjects.computeIfAbsent(new Finding(at, message), k -> new TreeSet<>()).add(subject);
    }

    void report(Diagnostics diagnostics) {
      subjects.forEach((f, names) -> diagnostics.error(f.at(), f.message() + " " + Resolver.subjectsPhrase(names)));
    }
  }
}
