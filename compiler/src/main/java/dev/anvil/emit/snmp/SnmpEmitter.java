package dev.anvil.emit.snmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * devices are read with (modules.yml says where each OID comes from); and {@code snmp/secrets.json}
 * ({@code secrets}: placeholder → file).
 * snmp_exporter 0.21 takes a community only inline, so a device whose community is in a file gets
 * a copy of its module whose community is a placeholder; secrets.json maps each placeholder to its
 * file, and the playbook replaces it with the file's content on the host that runs the exporter.
 * No secret is ever in out/.
 */
public final class SnmpEmitter implements Emitter {
  public static final String FILE = "snmp/snmp.yml";
  public static final String SECRETS = "snmp/secrets.json";
  /** The exporter whose hosts get the configuration (even without devices, so that it always starts). */
  static final String EXPORTER = "snmp_exporter";
  private static final JsonNode MODULES = load();

  @Override
  public List<OutputFile> emit(ResolvedFleet resolved, Diagnostics diagnostics) {
    Map<String, JsonNode> modules = new TreeMap<>();
    Map<String, String> secrets = new TreeMap<>();
    for (FacilityDevice d : resolved.fleet().devices()) {
      if (!MODULES.has(d.module())) continue;
      ObjectNode module = MODULES.get(d.module()).deepCopy();
      if (d.communityFile() != null) {
        String placeholder = "anvil_secret_" + d.moduleName();
        module.putObject("auth").put("community", placeholder);
        secrets.put(placeholder, d.communityFile());
      }
      modules.put(d.moduleName(), module);
    }
    if (modules.isEmpty() && resolved.hosts().stream().noneMatch(h -> h.runs(EXPORTER))) return List.of();
    return List.of(Output.yaml(FILE, modules), Output.json(SECRETS, Map.of("generated", Output.GENERATED, "secrets", secrets)));
  }

  private static JsonNode load() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(Output.resource(SnmpEmitter.class, "modules.yml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
