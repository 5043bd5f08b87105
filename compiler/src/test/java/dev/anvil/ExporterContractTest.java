package dev.anvil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped rules and dashboards against what their exporters really emit (contracts/*.yaml,
 * read in its source at a pinned tag): every family they use is emitted, every label they show is
 * one the family has or a target label, and every accelerated host's vendor is one its all-smi
 * version can read.
 */
class ExporterContractTest {
  static final Path ROOT = TestSupport.repoRoot();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();
  // labels shown to people: alert annotations and dashboard legends
  static final Pattern SHOWN = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)|\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");

  @Test
  void shippedRulesAndDashboardsUseOnlyWhatTheirExportersEmit() throws IOException {
    assertEquals(List.of(), problems(contracts()));
  }

  @Test
  void aRenamedFamilyInTheContractIsCaught() throws IOException {
    List<JsonNode> contracts = contracts();
    ObjectNode allSmi = (ObjectNode) contracts.get(0);
    ObjectNode metrics = (ObjectNode) allSmi.get("metrics");
    metrics.set("all_smi_gpu_temp_celsius", metrics.remove("all_smi_gpu_temperature_celsius"));
    List<String> problems = problems(contracts);
    assertTrue(problems.stream().anyMatch(p -> p.contains("rules/accelerators.yaml")
        && p.contains("all_smi_gpu_temperature_celsius is not emitted by all-smi 0.14.0")), problems.toString());
    ((ObjectNode) metrics.get("all_smi_gpu_utilization")).set("labels", JSON.valueToTree(List.of("gpu", "uuid", "gpu_index")));
    assertTrue(problems(contracts).stream().anyMatch(p -> p.contains("label 'index'")), problems(contracts).toString());
    ((ObjectNode) allSmi.get("vendors")).put("amd", "0.20.0");
    assertTrue(problems(contracts).stream().anyMatch(p -> p.contains("amd-mi300x-01") && p.contains("0.20.0")),
        problems(contracts).toString());
    ObjectNode dcgm = (ObjectNode) ((ObjectNode) contracts.get(1)).get("metrics");
    dcgm.remove("DCGM_FI_DEV_XID_ERRORS");
    assertTrue(problems(contracts).stream().anyMatch(p -> p.contains("rules/nvidia.yaml")
        && p.contains("DCGM_FI_DEV_XID_ERRORS is not emitted by dcgm-exporter")), problems(contracts).toString());
  }

  /** contracts/*.yaml, all-smi first. */
  static List<JsonNode> contracts() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(ROOT.resolve("contracts"))) {
      for (Path p : s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) out.add(YAML.readTree(p.toFile()));
    }
    return out;
  }

  /** Every way the shipped files disagree with the contracts, as "file: problem". */
  static List<String> problems(List<JsonNode> contracts) throws IOException {
    List<String> problems = new ArrayList<>();
    Set<String> targetLabels = new TreeSet<>(Set.of("job", "instance"));
    try (Stream<Path> s = Files.list(ROOT.resolve("out/prometheus/targets"))) {
      for (Path t : s.toList()) {
        for (JsonNode group : JSON.readTree(t.toFile())) group.get("labels").fieldNames().forEachRemaining(targetLabels::add);
      }
    }
    for (Path file : sources()) {
      for (JsonNode doc : YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class).readAll()) {
        ObjectNode body = doc.deepCopy();
        body.remove("name");  // a rule's name (all_smi_down) is not a family
        String text = body.toString();
        String where = ROOT.relativize(file) + " (" + doc.path("name").asText(doc.path("title").asText()) + ")";
        Set<String> used = new TreeSet<>();
        Set<String> labels = new TreeSet<>(targetLabels);
        for (JsonNode contract : contracts) {
          Matcher m = Pattern.compile("\\b" + contract.get("families").asText()).matcher(text);
          while (m.find()) {
            String family = m.group();
            used.add(family);
            JsonNode f = contract.get("metrics").get(family);
            if (f == null) {
              String why = contract.path("not_emitted").path(family).asText("");
              problems.add(where + ": " + family + " is not emitted by " + contract.get("exporter").asText() + " "
                  + contract.get("version").asText() + (why.isEmpty() ? "" : ": " + why));
            } else {
              (f.has("labels") ? f.get("labels") : contract.get("labels")).forEach(l -> labels.add(l.asText()));
            }
          }
        }
        if (used.isEmpty()) continue;
        Matcher s = SHOWN.matcher(text);
        while (s.find()) {
          String label = s.group(1) != null ? s.group(1) : s.group(2);
          if (!labels.contains(label)) problems.add(where + ": label '" + label + "' is not on " + used);
        }
      }
    }

    // every accelerated host's vendors are readable by the exporter version it runs
    JsonNode inventory = YAML.readTree(ROOT.resolve("out/ansible/inventory.yml").toFile());
    for (JsonNode contract : contracts) {
      if (!contract.has("vendors")) continue;
      String exporter = contract.get("exporter").asText();
      inventory.path("all").path("hosts").fields().forEachRemaining(h -> {
        JsonNode running = h.getValue().path("anvil_exporters").path(exporter);
        if (running.isMissingNode()) return;
        for (JsonNode a : h.getValue().path("anvil_accelerators")) {
          String vendor = a.get("vendor").asText();
          String since = contract.get("vendors").path(vendor).asText("");
          String version = running.get("version").asText();
          if (since.isEmpty()) {
            problems.add(h.getKey() + ": " + exporter + " cannot read " + vendor + " devices in any version read");
          } else if (compare(version, since) < 0) {
            problems.add(h.getKey() + ": " + exporter + " " + version + " cannot read " + vendor + " devices; "
                + since + " is the first version that can");
          }
        }
      });
    }
    return problems;
  }

  private static List<Path> sources() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("rules", "dashboards")) {
      try (Stream<Path> s = Files.walk(ROOT.resolve(dir))) {
        s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  private static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
      if (c != 0) return c;
    }
    return 0;
  }
}
