package dev.anvil.load;

import dev.anvil.model.AlertRule;
import dev.anvil.model.Dashboard;
import dev.anvil.model.Alerting;
import dev.anvil.model.Receiver;
import dev.anvil.model.RoutingTest;
import dev.anvil.model.Exporter;
import dev.anvil.model.Group;
import dev.anvil.model.Host;
import dev.anvil.model.Namespace;
import dev.anvil.model.Partition;
import dev.anvil.model.Policy;
import dev.anvil.model.PrometheusSettings;
import java.util.List;

/** Every schema-valid document mapped to its model record, before cross-references are checked. */
public record Declarations(
    List<Namespace> namespaces,
    List<Group> groups,
    List<Host> hosts,
    List<Policy> policies,
    List<Exporter> exporters,
    List<AlertRule> alertRules,
    List<PrometheusSettings> prometheus,
    List<Receiver> receivers,
    List<Alerting> alerting,
    List<RoutingTest> routingTests,
    List<Partition> partitions,
    List<Dashboard> dashboards) {}
