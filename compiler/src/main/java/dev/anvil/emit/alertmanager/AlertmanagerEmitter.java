package dev.anvil.emit.alertmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.diag.Diagnostics;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.emit.TargetLabels;
import dev.anvil.model.Alerting;
import dev.anvil.model.Fleet;
import dev.anvil.model.Receiver;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.Resolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code alertmanager/}: alertmanager.yml and its notification templates. Hosts are routed by the
 * {@code anvil_routing} label their targets carry (see {@link TargetLabels}): one route per distinct
 * routing class, its children per severity and receiver; maintenance windows mute a class's routes.
 * Secrets appear only as {@code *_file} paths.
 */
public final class AlertmanagerEmitter implements Emitter {
  static final String DIR = "alertmanager/";
  static final String MAINTENANCE_PREFIX = "maintenance-";

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    Fleet fleet = resolved.fleet();
    Alerting alerting = fleet.alerting();
    if (alerting == null) return List.of();

    // routing class → the resolved routing and maintenance of its hosts (equal for all of them)
    Map<String, ResolvedHost> classes = new TreeMap<>();
    // per host in a lambda, whose body is a method of its own (docs/architecture.md, "Performance")
    resolved.hosts().forEach(h -> {
      String cls = TargetLabels.routingClass(h);
      if (cls != null) classes.putIfAbsent(cls, h);
    });
    // a Kubernetes pool's nodes are no declared hosts, and their alerts route like a host's
    for (var members : dev.anvil.emit.kubernetes.ClusterMembers.of(resolved).values()) {
      for (var shape : members.poolShapes()) {
        String cls = TargetLabels.routingClass(shape.node());
        if (cls != null) classes.putIfAbsent(cls, shape.node());
      }
    }

    Map<String, Object> route = new LinkedHashMap<>();
    route.put("receiver", alerting.receiver());
    route.put("group_by", alerting.groupBy());
    route.put("group_wait", alerting.groupWait());
    route.put("group_interval", alerting.groupInterval());
    route.put("repeat_interval", alerting.repeatInterval());
    List<Object> routes = new ArrayList<>();
    if (alerting.remediation() != null) routes.add(remediationRoute());
    Map<String, JsonNode> windows = new TreeMap<>();
    classes.forEach((cls, host) -> {
      List<String> mute = new ArrayList<>();
      host.section(Resolver.MAINTENANCE).fields().forEachRemaining(w -> {
        windows.putIfAbsent(w.getKey(), w.getValue());
        mute.add(MAINTENANCE_PREFIX + w.getKey());
      });
      Map<String, Object> classRoute = new LinkedHashMap<>();
      classRoute.put("matchers", List.of(TargetLabels.ROUTING + "=" + quote(cls)));
      if (!mute.isEmpty()) classRoute.put("mute_time_intervals", mute);
      classRoute.put("routes", severityRoutes(host.section(Resolver.ROUTING), mute));
      routes.add(classRoute);
    });
    routes.addAll(severityRoutes(alerting.defaultRoutes(), List.of()));
    if (!routes.isEmpty()) route.put("routes", routes);

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("route", route);
    List<Object> inhibit = new ArrayList<>();
    alerting.inhibitRules().fields().forEachRemaining(e -> {
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("source_matchers", strings(e.getValue().get("source")));
      rule.put("target_matchers", strings(e.getValue().get("target")));
      if (e.getValue().has("equal")) rule.put("equal", strings(e.getValue().get("equal")));
      inhibit.add(rule);
    });
    if (!inhibit.isEmpty()) config.put("inhibit_rules", inhibit);
    List<Object> intervals = TimeIntervals.emit(alerting.timeIntervals(), windows, MAINTENANCE_PREFIX);
    if (!intervals.isEmpty()) config.put("time_intervals", intervals);
    List<Object> receivers = new ArrayList<>();
    if (alerting.remediation() != null) receivers.add(Receivers.remediation(alerting.remediation()));
    for (Receiver r : fleet.receivers().values()) receivers.add(Receivers.emit(r, alerting.secretsDir()));
    config.put("receivers", receivers);
    config.put("templates", List.of("templates/*.tmpl"));
    List<OutputFile> files = new java.util.ArrayList<>(List.of(Output.yaml(DIR + "alertmanager.yml", config),
        new OutputFile(DIR + "templates/anvil.tmpl", Output.resource(AlertmanagerEmitter.class, "anvil.tmpl"))));
    List<String> peers = resolved.fleet().prometheus().alertmanagerPeers();
    if (!peers.isEmpty()) files.add(clusterFlags(peers));
    return files;
  }

  /**
   * alertmanager.env: the cluster's peers as Debian's /etc/default/prometheus-alertmanager, which its
   * service reads ({@code ARGS}); every Alertmanager gets the same list (its own address included).
   */
  private static OutputFile clusterFlags(List<String> peers) {
    return Output.defaultsFile(DIR + "alertmanager.env", "/etc/default/prometheus-alertmanager",
        " on every Alertmanager of the cluster.", peers.stream().map(p -> "--cluster.peer=" + p).toList());
  }

  /**
   * First, and continuing: a marked alert still reaches its people. Grouped per alert and node, sent
   * at once; repeated hourly, when the receiver's hourly limits may have room again.
   */
  private static Map<String, Object> remediationRoute() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("receiver", Alerting.REMEDIATION_RECEIVER);
    r.put("matchers", List.of("remediate=\"drain\""));
    r.put("group_by", List.of("alertname", "instance"));
    r.put("group_wait", "0s");
    r.put("group_interval", "1m");
    r.put("repeat_interval", "1h");
    r.put("continue", true);
    return r;
  }

  /**
   * One child route per severity and receiver; all but the last receiver of a severity continue,
   * so every receiver gets the alert. Mute intervals are repeated: Alertmanager does not inherit them.
   */
  private static List<Object> severityRoutes(ObjectNode routing, List<String> mute) {
    List<Object> out = new ArrayList<>();
    routing.fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      JsonNode receivers = v.get("receivers");
      for (int i = 0; i < receivers.size(); i++) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("matchers", List.of("severity=" + quote(e.getKey())));
        r.put("receiver", receivers.get(i).asText());
        for (String timing : List.of("group_wait", "group_interval", "repeat_interval")) {
          if (v.has(timing)) r.put(timing, v.get(timing).asText());
        }
        if (v.has("active")) r.put("active_time_intervals", strings(v.get("active")));
        if (!mute.isEmpty()) r.put("mute_time_intervals", mute);
        if (i + 1 < receivers.size()) r.put("continue", true);
        out.add(r);
      }
    });
    return out;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  /** A double-quoted matcher value. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

}
