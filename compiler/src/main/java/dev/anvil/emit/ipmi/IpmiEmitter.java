package dev.anvil.emit.ipmi;

import dev.anvil.diag.Diagnostics;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.resolve.ResolvedFleet;
import java.util.List;

/**
 * {@code ipmi/ipmi.yml}: ipmi_exporter's configuration, when some host runs it. It reads the host's
 * own BMC in-band, so the file holds no credentials; the playbook installs it beside the exporter.
 */
public final class IpmiEmitter implements Emitter {
  public static final String FILE = "ipmi/ipmi.yml";
  static final String EXPORTER = "ipmi_exporter";

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    if (resolved.hosts().stream().noneMatch(h -> h.runs(EXPORTER))) return List.of();
    return List.of(new OutputFile(FILE, "# " + Output.GENERATED + "\n" + Output.resource(IpmiEmitter.class, "ipmi.yml")));
  }
}
