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
 * The shipped all-smi rules and dashboards against what all-smi really emits (contracts/all-smi.yaml,
 * read in its source at a pinned tag): every family they use is emitted, every label they show is
 * one the family has or a target label, and every accelerated host's vendor is one its all-smi
 * version can read.
 */
class ExporterContractTest {
  static final Path ROOT = TestSupport.repoRoot();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern FAMILY = Pattern.compile("\\ball_smi_[a-z0-9_]+");
  // labels shown to people: alert annotations and dashboard legends
  static final Pattern SHOWN = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)|\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");

  @Test
  void shippedRulesAndDashboardsUseOnlyWhatAllSmiEmits() throws IOException {
    assertEquals(List.of(), problems(YAML.readTree(ROOT.resolve("contracts/all-smi.yaml").toFile())));
  }

  @Test
  void aRenamedFamilyInTheContractIsCaught() throws IOException {
    ObjectNode contract = (ObjectNode) YAML.readTree(ROOT.resolve("contracts/all-smi.yaml").toFile());
    ObjectNode metrics = (ObjectNode) contract.get("metrics");
    metrics.set("all_smi_gpu_temp_celsius", metrics.remove("all_smi_gpu_temperature_celsius"));
    List<String> problems = problems(contract);
    assertTrue(problems.stream().anyMatch(p -> p.contains("rules/accelerators.yaml")
        && p.contains("all_smi_gpu_temperature_celsius is not emitted by all-smi 0.14.0")), problems.toString());
    ((ObjectNode) contract.get("metrics").get("all_smi_gpu_utilization")).set("labels",
        JSON.valueToTree(List.of("gpu", "uuid", "gpu_index")));
    assertTrue(problems(contract).stream().anyMatch(p -> p.contains("label 'index'")), problems(contract).toString());
    ((ObjectNode) contract.get("vendors")).put("amd", "0.20.0");
    assertTrue(problems(contract).stream().anyMatch(p -> p.contains("amd-mi300x-01") && p.contains("0.20.0")),
        problems(contract).toString());
  }

  /** Every way the shipped files disagree with {@code contract}, as "file: problem". */
  static List<String> problems(JsonNode contract) throws IOException {
    List<String> problems = new ArrayList<>();
    String version = contract.get("version").asText();
    JsonNode metrics = contract.get("metrics");
    Set<String> targetLabels = new TreeSet<>();
    JsonNode targets = JSON.readTree(ROOT.resolve("out/prometheus/targets/all-smi.json").toFile());
    for (JsonNode group : targets) group.get("labels").fieldNames().forEachRemaining(targetLabels::add);
    targetLabels.add("job");

    for (Path file : sources()) {
      for (JsonNode doc : YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class).readAll()) {
        ObjectNode body = doc.deepCopy();
        body.remove("name");  // a rule's name (all_smi_down) is not a family
        String text = body.toString();
        Set<String> used = new TreeSet<>();
        Matcher m = FAMILY.matcher(text);
        while (m.find()) used.add(m.group());
        if (used.isEmpty()) continue;
        String where = ROOT.relativize(file) + " (" + doc.path("name").asText(doc.path("title").asText()) + ")";
        Set<String> labels = new TreeSet<>(targetLabels);
        for (String family : used) {
          JsonNode f = metrics.get(family);
          if (f == null) {
            String why = contract.path("not_emitted").path(family).asText("");
            problems.add(where + ": " + family + " is not emitted by all-smi " + version
                + (why.isEmpty() ? "" : ": " + why));
          } else {
            f.get("labels").forEach(l -> labels.add(l.asText()));
          }
        }
        Matcher s = SHOWN.matcher(text);
        while (s.find()) {
          String label = s.group(1) != null ? s.group(1) : s.group(2);
          if (label.equals("value") || label.equals("humanize")) continue;
          if (!labels.contains(label)) problems.add(where + ": label '" + label + "' is not on " + used);
        }
      }
    }

    // every accelerated host's vendors are readable by the all-smi version it runs
    JsonNode inventory = YAML.readTree(ROOT.resolve("out/ansible/inventory.yml").toFile());
    inventory.path("all").path("hosts").fields().forEachRemaining(h -> {
      JsonNode allSmi = h.getValue().path("anvil_exporters").path("all-smi");
      if (allSmi.isMissingNode()) return;
      for (JsonNode a : h.getValue().path("anvil_accelerators")) {
        String vendor = a.get("vendor").asText();
        String since = contract.get("vendors").path(vendor).asText("");
        if (since.isEmpty()) {
          problems.add(h.getKey() + ": all-smi cannot read " + vendor + " devices in any version read");
        } else if (compare(allSmi.get("version").asText(), since) < 0) {
          problems.add(h.getKey() + ": all-smi " + allSmi.get("version").asText() + " cannot read " + vendor
              + " devices; " + since + " is the first version that can");
        }
      }
    });
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
