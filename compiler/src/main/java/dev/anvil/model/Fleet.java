package dev.anvil.model;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** Everything the sources declare, validated: the input of resolution. {@code alerting} may be null. */
public record Fleet(
    Map<String, Namespace> namespaces,
    SortedMap<GroupName, Group> groups,
    List<Host> hosts,
    List<Policy> policies,
    SortedMap<String, Exporter> exporters,
    List<AlertRule> alertRules,
    PrometheusSettings prometheus,
    SortedMap<String, Receiver> receivers,
    Alerting alerting,
    List<RoutingTest> routingTests,
    List<Partition> partitions,
    List<Dashboard> dashboards,
    List<ExporterContract> contracts,
    List<FacilityDevice> devices,
    SortedMap<String, Cluster> clusters) {

  public int priorityOf(String namespace) {
    return namespaces.get(namespace).priority();
  }
}
