package dev.anvil.emit.prometheus;

import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.emit.kubernetes.ClusterMembers;
import dev.anvil.emit.kubernetes.Manifests;
import dev.anvil.model.AlertRule;
import dev.anvil.model.Cluster;
import dev.anvil.model.Fleet;
import dev.anvil.resolve.ResolvedHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code kubernetes/<cluster>/monitoring.yaml}: the cluster's own Prometheus (prometheus-operator)
 * scrapes the GPU Operator's dcgm-exporter (a ServiceMonitor) and all-smi pods (a PodMonitor), and
 * evaluates the same alert rules as the file rules — the very rule groups of out/prometheus/rules/
 * that read those exporters' series, as PrometheusRule objects. The rules select
 * their hosts by alert class; in the cluster, the ServiceMonitor's relabelling gives each node's
 * series its class: a declared node by its name, a pool's node by its pool and GPU count (labels
 * Karpenter sets on the node, read through attachMetadata). Each node's class is worked out like a
 * host's, from the node's or pool's resolved thresholds, so the rule files hold its rules too.
 */
final class ClusterMonitoring {
  /** The Anvil exporter that the GPU Operator runs on every GPU node. */
  static final String DCGM = "dcgm-exporter";

  /**
   * An exporter the cluster runs, and how its Prometheus finds it.
   *
   * @param exporter the Anvil exporter (its job, rules and classes)
   * @param kind ServiceMonitor (through a Service) or PodMonitor (the pods themselves)
   * @param selector the labels of the Service or pods
   * @param namespace where they are; null: any namespace
   * @param port the name of the metrics port
   */
  record InCluster(String exporter, String kind, Map<String, String> selector, String namespace, String port) {}

  /**
   * The GPU Operator's dcgm-exporter Service (gpu-operator v26.7.0,
   * assets/state-dcgm-exporter/0400_service.yaml: label app=nvidia-dcgm-exporter, port gpu-metrics),
   * and all-smi pods, which no upstream manifest deploys: a DaemonSet of yours, labelled
   * app.kubernetes.io/name=all-smi with a port named metrics (docs/kubernetes.md).
   */
  static List<InCluster> exporters(Cluster cluster) {
    return List.of(
        new InCluster(DCGM, "ServiceMonitor", Map.of("app", "nvidia-dcgm-exporter"), cluster.gpuOperatorNamespace(),
            "gpu-metrics"),
        new InCluster("all-smi", "PodMonitor", Map.of("app.kubernetes.io/name", "all-smi"), null, "metrics"));
  }
  /** Node labels in Prometheus' Kubernetes discovery, with attachMetadata.node. */
  static final String NODE_NAME = "__meta_kubernetes_pod_node_name";
  static final String NODEPOOL = "__meta_kubernetes_node_label_karpenter_sh_nodepool";
  static final String GPU_COUNT = "__meta_kubernetes_node_label_karpenter_k8s_aws_instance_gpu_count";

  /**
   * A node, or a pool's node shape, and the labels its series get: its alert class, and the labels
   * a host's targets carry (groups, team, routing class), so that its alerts route as a host's do.
   */
  record NodeClass(List<String> sourceLabels, String regex, java.util.SortedMap<String, String> labels) {

    String classId() {
      return labels.get(AlertRule.CLASS_LABEL);
    }
  }

  private ClusterMonitoring() {}

  /**
   * Each cluster's nodes and pool shapes with their dcgm alert classes, recorded in {@code dcgm} so
   * that the rules are rendered for them; call before the rules are rendered.
   */
  static List<NodeClass> classes(Fleet fleet, ClusterMembers members, JobTargets job) {
    String exporter = job.exporter.name();
    List<NodeClass> classes = new ArrayList<>();
    for (ResolvedHost node : members.nodes()) {
      // node names are [a-z0-9.-]: a dot is the one character to escape in Prometheus' (RE2, anchored) regex
      add(classes, List.of(NODE_NAME), node.name().replace(".", "\\."), node.running(exporter), fleet, job);
    }
    for (ClusterMembers.PoolShape shape : members.poolShapes()) {
      add(classes, List.of(NODEPOOL, GPU_COUNT), shape.pool() + ";" + shape.gpus(), shape.node().running(exporter), fleet,
          job);
    }
    return classes;
  }

  private static void add(List<NodeClass> into, List<String> sourceLabels, String regex, ResolvedHost node, Fleet fleet,
      JobTargets dcgm) {
    String id = dcgm.classOf(node);
    if (id == null) return;
    java.util.SortedMap<String, String> labels = new TreeMap<>(dev.anvil.emit.TargetLabels.of(node, fleet));
    labels.remove("instance");  // the node's name, set for every target
    labels.put(AlertRule.CLASS_LABEL, id);
    into.add(new NodeClass(sourceLabels, regex, labels));
  }

  /**
   * A declared node of a cluster already has the GPU Operator's dcgm-exporter: one that Anvil's
   * playbook installs as well reads the same GPUs twice, and both are scraped.
   */
  static void warnTwoExporters(Map<String, ClusterMembers> clusters, dev.anvil.diag.Diagnostics diagnostics) {
    Map<dev.anvil.diag.Position, TreeSet<String>> hosts = new TreeMap<>();
    clusters.values().forEach(m -> m.nodes().forEach(h -> {
      if (!h.runs(DCGM)) return;
      var entry = h.sections().get(dev.anvil.resolve.Resolver.KUBERNETES).entry("node");
      hosts.computeIfAbsent(entry.provenance().get("node.cluster").from().positionOf("cluster"), k -> new TreeSet<>())
          .add(h.name());
    }));
    hosts.forEach((at, names) -> diagnostics.add(dev.anvil.diag.Diagnostic.warning(at, "the GPU Operator runs"
        + " dcgm-exporter on the nodes of this cluster, and Anvil's playbook installs another "
        + dev.anvil.resolve.Resolver.hostsPhrase(names) + " (exporters." + DCGM + "): disable one of them; the cluster's"
        + " Prometheus scrapes the operator's (monitoring.yaml)")));
  }

  /** The families whose rules read the in-cluster exporters' series: what the cluster's Prometheus evaluates. */
  static TreeSet<String> families(Fleet fleet, java.util.Set<String> exporters) {
    TreeSet<String> out = new TreeSet<>();
    for (AlertRule r : fleet.alertRules()) if (exporters.contains(r.exporter()) && !r.fleetWide()) out.add(r.family());
    return out;
  }

  /** One in-cluster exporter, its Anvil job name, and the labels of each node's series. */
  record Monitor(InCluster exporter, String job, List<NodeClass> classes) {}

  static OutputFile file(Cluster cluster, List<Monitor> monitors, Map<String, List<Map<String, Object>>> rulesByFamily,
      TreeSet<String> families) {
    List<Object> objects = new ArrayList<>();
    for (Monitor m : monitors) objects.add(monitor(cluster, m));
    for (String family : families) {
      List<Map<String, Object>> rules = rulesByFamily.get(family);
      if (rules == null) continue;
      // the groups of out/prometheus/rules/<family>.yml, as they are
      objects.add(object("PrometheusRule", "anvil-" + family, cluster,
          Map.of("groups", PrometheusEmitter.ruleGroups(family, rules))));
    }
    return Manifests.documents("kubernetes/" + cluster.name() + "/monitoring.yaml",
        "kubectl apply --filename monitoring.yaml  (prometheus-operator monitoring.coreos.com/v1)", objects);
  }

  private static Map<String, Object> monitor(Cluster cluster, Monitor m) {
    List<Object> relabelings = new ArrayList<>();
    // the job and instance the rules and dashboards expect: Anvil's job name, the node's name
    relabelings.add(Map.of("action", "replace", "targetLabel", "job", "replacement", m.job()));
    relabelings.add(Map.of("action", "replace", "sourceLabels", List.of(NODE_NAME), "targetLabel", "instance"));
    for (NodeClass c : m.classes()) {
      c.labels().forEach((label, value) -> {
        Map<String, Object> r = new TreeMap<>();
        r.put("action", "replace");
        r.put("sourceLabels", c.sourceLabels());
        if (c.sourceLabels().size() > 1) r.put("separator", ";");
        r.put("regex", c.regex());
        r.put("targetLabel", label);
        // a literal: '$' would start a capture group reference
        r.put("replacement", value.replace("$", "$$"));
        relabelings.add(r);
      });
    }
    relabelings.add(Map.of("action", "replace", "targetLabel", "cluster", "replacement", cluster.name()));
    InCluster e = m.exporter();
    Map<String, Object> endpoint = new TreeMap<>();
    endpoint.put("port", e.port());
    endpoint.put("path", "/metrics");
    endpoint.put("relabelings", relabelings);
    Map<String, Object> spec = new TreeMap<>();
    spec.put("attachMetadata", Map.of("node", true));
    spec.put("selector", Map.of("matchLabels", e.selector()));
    spec.put("namespaceSelector", e.namespace() == null ? Map.of("any", true) : Map.of("matchNames", List.of(e.namespace())));
    spec.put(e.kind().equals("PodMonitor") ? "podMetricsEndpoints" : "endpoints", List.of(endpoint));
    return object(e.kind(), "anvil-" + e.exporter(), cluster, spec);
  }

  private static Map<String, Object> object(String kind, String name, Cluster cluster, Map<String, Object> spec) {
    Map<String, Object> o = Manifests.object("monitoring.coreos.com/v1", kind, name, cluster.monitoringNamespace(),
        cluster.monitoringLabels());
    o.put("spec", spec);
    return o;
  }
}
