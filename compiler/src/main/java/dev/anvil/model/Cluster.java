package dev.anvil.model;

import dev.anvil.load.SourceRef;

/**
 * A Kubernetes cluster. Hosts become its nodes through the {@code kubernetes.node} policy entry,
 * so which hosts are nodes, and how their GPUs are shared, resolve like every other setting.
 *
 * @param provider onprem, eks, gke or aks
 * @param kubernetes the minor version, e.g. "1.31"
 * @param gpuOperatorVersion the GPU Operator's chart version (e.g. v26.7.0)
 * @param gpuOperatorNamespace where the operator and its ConfigMaps live
 * @param monitoringNamespace where the ServiceMonitor and PrometheusRules go
 * @param monitoringLabels what the cluster's Prometheus selects them by
 * @param karpenterVersion as declared, or null
 * @param prometheusOperatorVersion as declared, or null
 */
public record Cluster(String name, String provider, String region, String kubernetes, String gpuOperatorVersion,
    String gpuOperatorNamespace, String monitoringNamespace, java.util.Map<String, String> monitoringLabels,
    String karpenterVersion, String prometheusOperatorVersion, SourceRef source) {

  /** The GPU Operator release Anvil's outputs are written for and tested against. */
  public static final String GPU_OPERATOR_VERSION = "v26.7.0";
  public static final String GPU_OPERATOR_NAMESPACE = "gpu-operator";
}
