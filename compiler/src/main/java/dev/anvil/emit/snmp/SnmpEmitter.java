package dev.anvil.emit.snmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.diag.Diagnostics;
import dev.anvil.emit.DeviceReaders;
import dev.anvil.emit.Emitter;
import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.model.FacilityDevice;
import dev.anvil.resolve.ResolvedFleet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code snmp/snmp.yml}: snmp_exporter's configuration, with the modules the fleet's facility
 * devices are read with (modules.yml says where each OID comes from).
 * snmp_exporter 0.21 takes a community only inline, so a device whose community is in a file gets
 * a copy of its module whose community is a placeholder; the inventory gives the reading host the
 * placeholder and the file (anvil_secrets), and the playbook puts the file's content in its place
 * there. No secret is ever in out/.
 */
public final class SnmpEmitter implements Emitter {
  public static final String FILE = "snmp/snmp.yml";
  /** The exporter whose hosts get the configuration (even without devices, so that it always starts). */
  static final String EXPORTER = "snmp_exporter";
  private static final JsonNode MODULES = load();

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    Map<String, JsonNode> modules = new TreeMap<>();
    for (FacilityDevice d : resolved.fleet().devices()) {
      if (!MODULES.has(d.module())) continue;
      ObjectNode module = MODULES.get(d.module()).deepCopy();
      if (d.secretFile() != null) module.putObject("auth").put("community", DeviceReaders.placeholder(d));
      modules.put(d.moduleName(), module);
    }
    if (modules.isEmpty() && resolved.hosts().stream().noneMatch(h -> h.runs(EXPORTER))) return List.of();
    return List.of(Output.yaml(FILE, modules));
  }

  private static JsonNode load() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(Output.resource(SnmpEmitter.class, "modules.yml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
