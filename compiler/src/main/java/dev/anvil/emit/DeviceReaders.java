package dev.anvil.emit;

import dev.anvil.diag.Diagnostics;
import dev.anvil.model.Exporter;
import dev.anvil.model.FacilityDevice;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which host reads each facility device: the device's {@code via} host, or the one host that runs
 * an exporter probing its type. The Prometheus output scrapes that host's exporter for the device;
 * the playbook reads the device's secret file on that host.
 */
public final class DeviceReaders {
  private DeviceReaders() {}

  /**
   * The devices {@code exporter} reads, each with its reading host, in declaration order.
   *
   * @param diagnostics where a device nothing reads is reported; null: not reported (another emitter does)
   */
  public static Map<FacilityDevice, ResolvedHost> of(Exporter exporter, ResolvedFleet resolved, Diagnostics diagnostics) {
    Map<String, ResolvedHost> running = new TreeMap<>();
    // per host in a lambda, whose body is a method of its own (docs/architecture.md, "Performance")
    resolved.hosts().forEach(h -> {
      if (h.runs(exporter.name())) running.put(h.name(), h);
    });
    Map<FacilityDevice, ResolvedHost> out = new LinkedHashMap<>();
    for (FacilityDevice d : resolved.fleet().devices()) {
      if (!exporter.probes().contains(d.type())) continue;
      ResolvedHost host = d.via() != null ? running.get(d.via())
          : running.size() == 1 ? running.values().iterator().next() : null;
      if (host != null) {
        out.put(d, host);
      } else if (diagnostics != null) {
        String why = d.via() != null ? "host " + d.via() + " does not run " + exporter.name()
            : running.isEmpty() ? "no host runs " + exporter.name()
            : "several hosts run " + exporter.name() + " (" + String.join(", ", running.keySet()) + "): say which with via";
        diagnostics.error(d.source().at(d.via() != null ? "/via" : "/name"), "nothing reads facility device '" + d.name()
            + "': " + why);
      }
    }
    return out;
  }

  /** The placeholder that stands for a device's secret in its exporter's configuration until the playbook fills it in. */
  public static String placeholder(FacilityDevice device) {
    return "anvil_secret_" + device.moduleName();
  }
}
