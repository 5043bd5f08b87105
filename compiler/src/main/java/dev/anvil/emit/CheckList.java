package dev.anvil.emit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.model.CheckType;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.Resolver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;

/**
 * A host's custom checks as the check agent reads them — the contract between the check files, the
 * Ansible host vars and {@code agent/anvil-check-agent}. Every default is filled in, so the list
 * says exactly what runs.
 */
public final class CheckList {
  /** The exporter whose textfile collector publishes the agent's results. */
  public static final String EXPORTER = "node_exporter";
  /** Defaults of settings the agent needs, where the check type takes them. */
  private static final Map<String, Object> DEFAULTS = Map.of("interval", "1m", "timeout", "10s", "warn_days", 30);

  private CheckList() {}

  /**
   * Whether the host's list is also written as {@code checks/<host>.json} ({@code rollout.checks.delivery:
   * file}). By default the Ansible playbook writes it on the host from the inventory's {@code anvil_checks},
   * so a fleet of 100 000 hosts does not get 100 000 small files that repeat the inventory.
   */
  public static boolean deliveredAsFile(ResolvedHost host) {
    return "file".equals(host.section(Resolver.ROLLOUT).path("checks").path("delivery").asText());
  }

  // hosts with equal contributions share one resolved section instance: build each list once
  private static final Map<Object, List<Map<String, Object>>> LISTS =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** The host's enabled checks, sorted by name: name, type, settings and defaults. */
  public static List<Map<String, Object>> of(ResolvedHost host) {
    Object section = host.sections().get(Resolver.CHECKS);
    if (section == null) return build(host);
    return LISTS.computeIfAbsent(section, k -> build(host));
  }

  private static List<Map<String, Object>> build(ResolvedHost host) {
    List<Map<String, Object>> out = new ArrayList<>();
    host.section(Resolver.CHECKS).fields().forEachRemaining(e -> {
      JsonNode settings = e.getValue();
      CheckType type = CheckType.parse(settings.path("type").asText());
      if (type == null || !settings.path("enabled").asBoolean(true)) return;
      Map<String, Object> check = new TreeMap<>();
      check.put("name", e.getKey());
      DEFAULTS.forEach((k, v) -> {
        if (type.accepts(k)) check.put(k, v);
      });
      settings.fields().forEachRemaining(s -> {
        if (!s.getKey().equals("enabled") && !s.getKey().equals("merge")) check.put(s.getKey(), s.getValue());
      });
      out.add(Collections.unmodifiableMap(check));
    });
    return Collections.unmodifiableList(out);
  }
}
