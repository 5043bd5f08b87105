package dev.anvil.emit.ipmi;

import dev.anvil.diag.Diagnostics;
import dev.anvil.emit.DeviceReaders;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.model.FacilityDevice;
import dev.anvil.resolve.ResolvedFleet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ipmi/ipmi.yml}: ipmi_exporter 1.6.1's configuration, when some host runs it. Module
 * {@code default} reads the host's own BMC in-band (its /metrics endpoint; no credentials). Each
 * distinct BMC login gets a module for reading BMCs over the network ({@code /ipmi?target=…&module=…}),
 * whose password is a placeholder: ipmi_exporter takes a password only inline, so the playbook puts
 * the password file's content there on the host that reads the BMC. No secret is ever in out/.
 * Its collectors run one after the other, each a FreeIPMI session: each session's timeout is a
 * share of the scrape timeout, so that a BMC that does not answer reports ipmi_up 0 in time
 * instead of failing the scrape.
 */
public final class IpmiEmitter implements Emitter {
  public static final String FILE = "ipmi/ipmi.yml";
  static final String EXPORTER = "ipmi_exporter";
  /** The collectors whose families rules/contracts/ipmi_exporter.yaml lists. */
  static final List<String> COLLECTORS = List.of("ipmi", "dcmi", "chassis", "bmc", "sel");

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    if (resolved.hosts().stream().noneMatch(h -> h.runs(EXPORTER))) return List.of();
    long sessionTimeout = dev.anvil.model.PromDuration.millis(resolved.fleet().prometheus().scrapeTimeout())
        / (COLLECTORS.size() + 1);
    Map<String, Object> modules = new TreeMap<>();
    modules.put("default", Map.of("collectors", COLLECTORS));
    for (FacilityDevice d : resolved.fleet().devices()) {
      if (d.login() == null) continue;
      Map<String, Object> module = new TreeMap<>();
      module.put("user", d.login().user());
      module.put("pass", DeviceReaders.placeholder(d));
      module.put("driver", d.login().driver());
      module.put("privilege", d.login().privilege());
      module.put("timeout", sessionTimeout);
      module.put("collectors", COLLECTORS);
      modules.put(d.moduleName(), module);
    }
    return List.of(Output.yaml(FILE, Map.of("modules", modules)));
  }
}
