package dev.anvil.emit.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.diag.Position;
import dev.anvil.model.Cluster;
import dev.anvil.model.Hardware;
import dev.anvil.model.Partition;
import dev.anvil.resolve.Provenance;
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
 * A cluster's pools as Karpenter v1 objects (karpenter.sh/v1 NodePool, karpenter.k8s.aws/v1
 * EC2NodeClass, as in the CRDs of karpenter-provider-aws v1.14.1), after the checks the CRDs make
 * with CEL rules (which no schema validator runs) and the ones only the fleet can make: instance
 * types that exist and have the GPUs the pool's sharing needs, EFA where asked, a GPU limit a node
 * fits in, and Slinky NodeSets that land on a pool.
 */
final class KarpenterPools {
  static final String KARPENTER_VERSION = "v1.14.1";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  /** Label domains Karpenter keeps for itself (karpenter.sh_nodepools.yaml, x-kubernetes-validations). */
  private static final List<String> RESTRICTED_DOMAINS = List.of("karpenter.sh", "karpenter.k8s.aws");
  private static final String INSTANCE_TYPE = "node.kubernetes.io/instance-type";
  private static final String INSTANCE_FAMILY = "karpenter.k8s.aws/instance-family";
  private static final String CAPACITY_TYPE = "karpenter.sh/capacity-type";

  private final Cluster cluster;
  private final KubernetesEmitter.Findings findings;

  KarpenterPools(Cluster cluster, KubernetesEmitter.Findings findings) {
    this.cluster = cluster;
    this.findings = findings;
  }

  /** The pool's NodePool name: kubernetes.pool.name, or the group's last path segment. */
  static String name(ResolvedPool pool) {
    JsonNode name = pool.settings().get("name");
    if (name != null) return name.asText();
    String path = pool.group().path();
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The instance types a pool may launch (known ones only; the unknown are reported). */
  private List<AwsInstanceTypes.Type> types(ResolvedPool pool, String subject) {
    JsonNode settings = pool.settings();
    boolean byType = settings.has("instance_types");
    if (byType == settings.has("instance_families")) {
      findings.add(at(pool, byType ? "instance_families" : "cluster"), "a pool names its instance_types or its"
          + " instance_families (one of the two)", subject);
      return List.of();
    }
    String key = typesKey(pool);
    for (JsonNode t : settings.get(key)) {
      if (!select(key, t.asText()).isEmpty()) continue;
      TreeSet<String> known = new TreeSet<>(byType ? AwsInstanceTypes.all().keySet()
          : AwsInstanceTypes.all().values().stream().map(AwsInstanceTypes.Type::family).toList());
      findings.add(at(pool, key), "'" + t.asText() + "' is no EC2 " + (byType ? "instance type" : "instance family")
          + " with NVIDIA GPUs (Karpenter " + KARPENTER_VERSION + "'s reference)"
          + dev.anvil.diag.Suggestions.didYouMean(t.asText(), known), subject);
    }
    return typesOf(pool);
  }

  /** The known instance types a pool may launch. */
  static List<AwsInstanceTypes.Type> typesOf(ResolvedPool pool) {
    List<AwsInstanceTypes.Type> out = new ArrayList<>();
    for (String key : List.of("instance_types", "instance_families")) {
      pool.settings().path(key).forEach(t -> out.addAll(select(key, t.asText())));
    }
    return out;
  }

  /** The instance types an instance_types or instance_families entry names. */
  private static List<AwsInstanceTypes.Type> select(String key, String name) {
    if (key.equals("instance_families")) return AwsInstanceTypes.ofFamily(name);
    AwsInstanceTypes.Type type = AwsInstanceTypes.all().get(name);
    return type == null ? List.of() : List.of(type);
  }

  /** Which of the two a pool names its instance types by. */
  private static String typesKey(ResolvedPool pool) {
    return pool.settings().has("instance_types") ? "instance_types" : "instance_families";
  }

  /** NodePools and EC2NodeClasses, pool by pool; the pools' GPU sharing fills {@code configs}. */
  List<Object> objects(List<ResolvedPool> pools, KubernetesEmitter.Configs configs) {
    List<Object> out = new ArrayList<>();
    Map<String, ResolvedPool> names = new TreeMap<>();
    for (ResolvedPool pool : pools) {
      String subject = "pool " + pool.group();
      JsonNode s = pool.settings();
      if (!s.path("node_class").has("role")) {
        findings.add(at(pool, "node_class"), "the pool's nodes need an IAM role (kubernetes.pool.node_class.role)",
            subject);
        continue;
      }
      if (!cluster.provider().equals("eks")) {
        findings.add(at(pool, "cluster"), "pools are provisioned by Karpenter on EKS, and cluster '" + cluster.name()
            + "' is " + cluster.provider() + " (its nodes join with kubernetes.node)", subject);
        continue;
      }
      String name = name(pool);
      if (!DNS_LABEL.matcher(name).matches()) {
        findings.add(at(pool, "cluster"), "the pool's name '" + name + "' (from its group) is no DNS label; set"
            + " kubernetes.pool.name", subject);
        continue;
      }
      ResolvedPool first = names.putIfAbsent(name, pool);
      if (first != null) {
        findings.add(at(pool, "name"), "two pools of cluster '" + cluster.name() + "' are named '" + name + "' ("
            + first.group() + " and " + pool.group() + ")", subject);
        continue;
      }
      List<AwsInstanceTypes.Type> types = types(pool, subject);
      if (types.isEmpty()) continue;
      boolean ok = check(pool, s, types, subject);
      List<Hardware.Accelerator> gpus = new ArrayList<>();
      for (AwsInstanceTypes.Type t : types) gpus.add(new Hardware.Accelerator("nvidia", t.gpu(), t.gpus(), t.gpuMemoryGb()));
      SortedMap<String, String> sharing = configs.labelsFor(new KubernetesEmitter.Sharer(subject, gpus, pool.sections(),
          at(pool, "cluster")));
      if (!ok || sharing == null) continue;
      out.add(nodePool(name, s, sharing));
      out.add(nodeClass(name, s));
    }
    return out;
  }

  /** The CRDs' CEL rules and the fleet's own: restricted labels, budgets, EFA, a GPU limit a node fits in. */
  private boolean check(ResolvedPool pool, JsonNode s, List<AwsInstanceTypes.Type> types, String subject) {
    boolean ok = true;
    for (String key : labelsOf(s).keySet()) {
      String domain = key.contains("/") ? key.substring(0, key.indexOf('/')) : "";
      if (RESTRICTED_DOMAINS.stream().anyMatch(domain::endsWith) || key.equals("kubernetes.io/hostname")) {
        findings.add(at(pool, "labels"), "label '" + key + "' is Karpenter's to set (the NodePool CRD refuses it)",
            subject);
        ok = false;
      }
    }
    for (JsonNode b : s.path("budgets")) {
      if (b.has("schedule") != b.has("duration")) {
        findings.add(at(pool, "budgets"), "a disruption budget's schedule needs a duration, and a duration a schedule"
            + " (the NodePool CRD refuses one alone)", subject);
        ok = false;
      }
    }
    if (s.path("node_class").path("efa").asBoolean(false)) {
      List<String> without = types.stream().filter(t -> t.efa() == 0).map(AwsInstanceTypes.Type::name).toList();
      if (!without.isEmpty()) {
        findings.add(at(pool, "node_class"), "the pool asks for EFA, but " + String.join(", ", without)
            + " has no EFA interface", subject);
        ok = false;
      }
    }
    JsonNode limit = s.path("limits").get("gpus");
    if (limit != null) {
      AwsInstanceTypes.Type largest = types.stream().max((a, b) -> a.gpus() - b.gpus()).orElseThrow();
      if (largest.gpus() > limit.asInt() && types.stream().allMatch(t -> t.gpus() > limit.asInt())) {
        findings.add(at(pool, "limits"), "no node fits the pool's limit of " + limit.asInt() + " GPUs: "
            + largest.name() + " alone has " + largest.gpus(), subject);
        ok = false;
      }
    }
    return ok;
  }

  private static Map<String, Object> nodePool(String name, JsonNode s, SortedMap<String, String> sharingLabels) {
    List<Object> requirements = new ArrayList<>();
    if (s.has("instance_types")) requirements.add(requirement(INSTANCE_TYPE, strings(s.get("instance_types"))));
    if (s.has("instance_families")) requirements.add(requirement(INSTANCE_FAMILY, strings(s.get("instance_families"))));
    List<String> capacity = s.has("capacity_types") ? strings(s.get("capacity_types")) : List.of("on-demand");
    requirements.add(requirement(CAPACITY_TYPE, capacity));

    Map<String, Object> labels = new TreeMap<>();
    labels.putAll(labelsOf(s));
    labels.putAll(sharingLabels);
    Map<String, Object> podSpec = new TreeMap<>();
    podSpec.put("nodeClassRef", Map.of("group", "karpenter.k8s.aws", "kind", "EC2NodeClass", "name", name));
    podSpec.put("requirements", requirements);
    if (s.has("taints")) {
      List<Object> taints = new ArrayList<>();
      s.get("taints").forEach(t -> taints.add(plain(t)));
      podSpec.put("taints", taints);
    }
    if (s.has("expire_after")) podSpec.put("expireAfter", s.get("expire_after").asText());

    Map<String, Object> disruption = new TreeMap<>();
    JsonNode consolidation = s.path("consolidation");
    disruption.put("consolidationPolicy", consolidation.path("policy").asText("WhenEmptyOrUnderutilized"));
    // the CRD's default, written out: the CRD requires it whenever disruption is given
    disruption.put("consolidateAfter", consolidation.path("after").asText("0s"));
    if (s.has("budgets")) {
      List<Object> budgets = new ArrayList<>();
      s.get("budgets").forEach(b -> budgets.add(plain(b)));
      disruption.put("budgets", budgets);
    }
    Map<String, Object> spec = new TreeMap<>();
    spec.put("template", Map.of("metadata", Map.of("labels", labels), "spec", podSpec));
    spec.put("disruption", disruption);
    JsonNode limits = s.path("limits");
    if (!limits.isEmpty()) {
      Map<String, Object> l = new TreeMap<>();
      if (limits.has("gpus")) l.put("nvidia.com/gpu", limits.get("gpus").asText());
      if (limits.has("cpu")) l.put("cpu", limits.get("cpu").asText());
      if (limits.has("memory_gib")) l.put("memory", limits.get("memory_gib").asText() + "Gi");
      spec.put("limits", l);
    }
    if (s.has("weight")) spec.put("weight", s.get("weight").asInt());
    return object("karpenter.sh/v1", "NodePool", name, spec);
  }

  private static Map<String, Object> nodeClass(String name, JsonNode s) {
    JsonNode c = s.path("node_class");
    String ami = c.path("ami").asText("al2023@latest");
    Map<String, Object> discovery = Map.of("tags", Map.of("karpenter.sh/discovery",
        c.path("discovery_tag").asText(s.get("cluster").asText())));
    Map<String, Object> spec = new TreeMap<>();
    spec.put("role", c.path("role").asText());
    spec.put("amiSelectorTerms", List.of(Map.of("alias", ami)));
    spec.put("subnetSelectorTerms", List.of(discovery));
    spec.put("securityGroupSelectorTerms", List.of(discovery));
    if (c.has("root_volume_gib")) {
      // Bottlerocket keeps containers on its second volume; AL2023 and AL2 on the root
      String device = ami.startsWith("bottlerocket") ? "/dev/xvdb" : "/dev/xvda";
      spec.put("blockDeviceMappings", List.of(Map.of("deviceName", device, "ebs", Map.of(
          "volumeSize", c.get("root_volume_gib").asText() + "Gi", "volumeType", "gp3", "encrypted", true,
          "deleteOnTermination", true))));
    }
    if (c.has("placement_group")) spec.put("placementGroupSelector", Map.of("name", c.get("placement_group").asText()));
    return object("karpenter.k8s.aws/v1", "EC2NodeClass", name, spec);
  }

  private static Map<String, Object> object(String apiVersion, String kind, String name, Map<String, Object> spec) {
    Map<String, Object> o = Manifests.object(apiVersion, kind, name, null, Map.of());
    o.put("spec", spec);
    return o;
  }

  private static Map<String, Object> requirement(String key, List<String> values) {
    return Map.of("key", key, "operator", "In", "values", values);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper PLAIN = new com.fasterxml.jackson.databind.ObjectMapper();

  /** A schema-checked object (a taint, a budget) as plain maps and lists, for the writer to sort. */
  private static Object plain(JsonNode object) {
    return PLAIN.convertValue(object, Object.class);
  }

  /** Where a kubernetes.pool setting was written: the policy whose value won for {@code path}, else the cluster's. */
  static Position at(ResolvedPool pool, String path) {
    ResolvedSection section = pool.sections().get(Resolver.KUBERNETES);
    Position at = section.positionOf("pool", path);
    if (at == null) at = section.positionOf("pool", "cluster");
    if (at != null) return at;
    // the pool's own policy: the one that made the group a pool
    Provenance any = null;
    for (Provenance p : section.entry("pool").provenance().values()) {
      if (pool.group().equals(p.from().source().group())) return p.from().positionOf("");
      any = p;
    }
    return any.from().positionOf("");
  }

  /**
   * A Slinky partition runs its Slurm nodes as pods: its node selector must match some pool's
   * nodes, its tolerations must tolerate that pool's taints, and the pool's instance types must have
   * the GPUs each pod asks for — else the pods stay pending. A node's labels are its pool's
   * template labels and the ones Karpenter sets from the instance type; labels that GPU Feature
   * Discovery adds on the node (nvidia.com/...) cannot be known here: a selector on them alone may
   * match any pool, and only pools a known label selects are held to their taints and GPUs.
   * Checked when the fleet has pools.
   */
  static void checkSlinky(List<Partition> partitions, List<ResolvedPool> pools, KubernetesEmitter.Findings findings) {
    if (pools.isEmpty()) return;
    for (Partition p : partitions) {
      if (!p.isDynamic() || !p.slinky().has("node_selector")) continue;
      Map<String, String> selector = new TreeMap<>();
      p.slinky().get("node_selector").fields().forEachRemaining(e -> selector.put(e.getKey(), e.getValue().asText()));
      String subject = "partition " + p.name();
      List<ResolvedPool> surely = new ArrayList<>();
      boolean any = false;
      for (ResolvedPool pool : pools) {
        Boolean match = matches(selector, nodeLabels(pool));
        any |= match == null || match;
        if (Boolean.TRUE.equals(match)) surely.add(pool);
      }
      if (!any) {
        findings.add(p.source().at("/slinky/node_selector"), "Slinky partition '" + p.name() + "' selects "
            + selector + ", which no Karpenter pool's nodes carry (pools: " + String.join(", ",
                pools.stream().map(pool -> name(pool) + " " + labelsOf(pool.settings())).toList()) + ")", subject);
        continue;
      }
      for (ResolvedPool pool : surely) {
        for (JsonNode taint : pool.settings().path("taints")) {
          if (taint.path("effect").asText().equals("PreferNoSchedule") || tolerates(p.slinky().path("tolerations"), taint)) {
            continue;
          }
          findings.add(p.source().at("/slinky/node_selector"), "Slinky partition '" + p.name() + "' lands on pool '"
              + name(pool) + "', whose taint " + taint.path("key").asText() + "=" + taint.path("value").asText("")
              + ":" + taint.path("effect").asText() + " it does not tolerate (the taint is set at "
              + at(pool, "taints") + ")", subject);
        }
        JsonNode gres = p.slinky().get("gres");
        List<AwsInstanceTypes.Type> types = typesOf(pool);
        if ("nvidia.com/gpu".equals(gres.path("resource").asText()) && !types.isEmpty()) {
          int wanted = gres.path("count").asInt();
          int most = types.stream().mapToInt(AwsInstanceTypes.Type::gpus).max().orElse(0);
          if (most < wanted) {
            findings.add(p.source().at("/slinky/gres/count"), "Slinky partition '" + p.name() + "' asks for " + wanted
                + " nvidia.com/gpu per pod, but pool '" + name(pool) + "' has at most " + most + " per node (its"
                + " instance types are set at " + at(pool, typesKey(pool)) + ")", subject);
          }
        }
      }
    }
  }

  /**
   * False when the selector surely misses the pool's nodes; true when a label the pool sets
   * matches and none differs; null when it rests on labels set on the node once it runs (by GPU
   * Feature Discovery or Node Feature Discovery), which cannot be known here.
   */
  private static Boolean matches(Map<String, String> selector, Map<String, TreeSet<String>> labels) {
    boolean known = false;
    for (Map.Entry<String, String> e : selector.entrySet()) {
      TreeSet<String> values = labels.get(e.getKey());
      if (values != null) {
        if (!values.contains(e.getValue())) return false;
        known = true;
      } else if (!e.getKey().startsWith("nvidia.com/") && !e.getKey().startsWith("feature.node.kubernetes.io/")) {
        return false;
      }
    }
    return known ? Boolean.TRUE : null;
  }

  /** The labels a pool's nodes may carry: its template's and Karpenter's from each instance type. */
  private static Map<String, TreeSet<String>> nodeLabels(ResolvedPool pool) {
    Map<String, TreeSet<String>> out = new TreeMap<>();
    labelsOf(pool.settings()).forEach((k, v) -> out.computeIfAbsent(k, x -> new TreeSet<>()).add(v));
    out.computeIfAbsent("karpenter.sh/nodepool", x -> new TreeSet<>()).add(name(pool));
    JsonNode capacity = pool.settings().get("capacity_types");
    if (capacity == null) out.computeIfAbsent(CAPACITY_TYPE, x -> new TreeSet<>()).add("on-demand");
    else capacity.forEach(c -> out.computeIfAbsent(CAPACITY_TYPE, x -> new TreeSet<>()).add(c.asText()));
    for (AwsInstanceTypes.Type t : typesOf(pool)) {
      out.computeIfAbsent(INSTANCE_TYPE, x -> new TreeSet<>()).add(t.name());
      out.computeIfAbsent(INSTANCE_FAMILY, x -> new TreeSet<>()).add(t.family());
      out.computeIfAbsent("karpenter.k8s.aws/instance-gpu-name", x -> new TreeSet<>()).add(t.gpu());
      out.computeIfAbsent("karpenter.k8s.aws/instance-gpu-count", x -> new TreeSet<>()).add(String.valueOf(t.gpus()));
      out.computeIfAbsent("karpenter.k8s.aws/instance-gpu-manufacturer", x -> new TreeSet<>()).add("nvidia");
    }
    return out;
  }

  /** A pool's own template labels, from its settings. */
  private static Map<String, String> labelsOf(JsonNode settings) {
    Map<String, String> labels = new TreeMap<>();
    settings.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  /** Kubernetes' toleration matching: an empty key with Exists tolerates everything. */
  private static boolean tolerates(JsonNode tolerations, JsonNode taint) {
    for (JsonNode t : tolerations) {
      String effect = t.path("effect").asText("");
      if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText())) continue;
      String op = t.path("operator").asText("Equal");
      String key = t.path("key").asText("");
      if (key.isEmpty() && op.equals("Exists")) return true;
      if (!key.equals(taint.path("key").asText())) continue;
      if (op.equals("Exists") || t.path("value").asText("").equals(taint.path("value").asText(""))) return true;
    }
    return false;
  }
}
