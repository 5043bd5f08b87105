package dev.anvil.emit.snmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.diag.Diagnostics;
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
 * devices are read with (modules.yml says where each OID comes from). The playbook installs it
 * beside snmp_exporter; Prometheus asks for a device's module by name.
 */
public final class SnmpEmitter implements Emitter {
  public static final String FILE = "snmp/snmp.yml";
  private static final JsonNode MODULES = load();

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    Map<String, JsonNode> used = new TreeMap<>();
    for (FacilityDevice d : resolved.fleet().devices()) {
      if (MODULES.has(d.module())) used.put(d.module(), MODULES.get(d.module()));
    }
    if (used.isEmpty()) return List.of();
    return List.of(Output.yaml(FILE, used));
  }

  private static JsonNode load() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(Output.resource(SnmpEmitter.class, "modules.yml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
