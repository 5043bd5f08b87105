package dev.anvil.emit.ansible;

import dev.anvil.contract.ContractChecker;
import dev.anvil.emit.Output;
import dev.anvil.emit.OutputFile;
import dev.anvil.model.ExporterContract;
import dev.anvil.model.Fleet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * dcgm-exporter collects only the DCGM fields of its counters file. When the rules or dashboards use
 * a field its default file leaves out (rules/contracts/dcgm-exporter.yaml: default_counters: false),
 * the hosts running that version get a counters file of their own — the default fields plus those —
 * and dcgm-exporter is started with {@code -f} pointing at it, instead of silently collecting nothing.
 */
final class DcgmCounters {
  static final String EXPORTER = "dcgm-exporter";

  private DcgmCounters() {}

  /** dcgm-exporter version → the counters file it needs (only versions that need one). */
  static Map<String, OutputFile> of(Fleet fleet) {
    Map<String, OutputFile> out = new TreeMap<>();
    for (ExporterContract c : fleet.contracts()) {
      if (!c.exporter().equals(EXPORTER)) continue;
      Set<String> used = ContractChecker.familiesUsed(fleet, c);
      List<String> extra = used.stream().filter(f -> c.metrics().containsKey(f)
          && Boolean.FALSE.equals(c.metrics().get(f).defaultCounters())).toList();
      if (extra.isEmpty()) continue;
      List<Map.Entry<String, ExporterContract.Family>> fields = new ArrayList<>();
      for (var e : c.metrics().entrySet()) {
        if (Boolean.TRUE.equals(e.getValue().defaultCounters()) || extra.contains(e.getKey())) fields.add(e);
      }
      fields.sort(Comparator.comparingInt(e -> line(e.getValue().at())));
      StringBuilder csv = new StringBuilder("# ").append(Output.GENERATED).append("\n# dcgm-exporter ")
          .append(c.version()).append(": its default counters (").append(c.tag()).append(", etc/default-counters.csv)")
          .append(" plus what the rules and dashboards use: ").append(String.join(", ", extra)).append('\n')
          .append("# DCGM FIELD, Prometheus metric type, help message\n");
      for (var f : fields) {
        csv.append(f.getKey()).append(", ").append(f.getValue().type()).append(", ")
            .append(helpText(f.getValue().help())).append('\n');
      }
      out.put(c.version(), new OutputFile(AnsibleEmitter.DIR + "files/" + fileName(c.version()), csv.toString()));
    }
    return out;
  }

  /** The file's name; versions with a contract are [0-9A-Za-z.+-] (schema), so it stays one name. */
  static String fileName(String version) {
    return "dcgm-counters-" + version + ".csv";
  }

  /**
   * dcgm-exporter reads the file with Go's encoding/csv and wants exactly three fields: the help text
   * may hold no comma, quote or line break.
   */
  static String helpText(String help) {
    return help == null ? "" : help.replaceAll("[,\"\r\n]", " ").strip();
  }

  private static int line(String at) {
    return at == null ? Integer.MAX_VALUE : Integer.parseInt(at.substring(at.lastIndexOf(':') + 1));
  }
}
