package dev.anvil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.diag.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example fleet's rules and dashboards against its exporter contracts (rules/contracts/): they
 * pass as shipped, and renaming one family in a contract, as an upstream release would, makes
 * {@code anvil check} fail at every rule and query that uses it.
 */
class ExporterContractTest {
  @TempDir Path tmp;

  @Test
  void renamingAFamilyInTheContractFailsEveryRuleAndQueryThatUsesIt() throws Exception {
    Path repo = TestSupport.copyOfExampleFleet(tmp.resolve("fleet"));
    assertEquals(List.of(), errors(repo), "the example fleet passes its contracts as shipped");

    Path contract = repo.resolve("rules/contracts/all-smi.yaml");
    Files.writeString(contract, Files.readString(contract).replace("all_smi_gpu_temperature_celsius:",
        "all_smi_gpu_temp_celsius:"));
    List<String> errors = errors(repo);
    assertTrue(errors.stream().anyMatch(e -> e.startsWith("rules/accelerators.yaml:") && e.contains(
        "alert rule 'accelerator_temperature_high': all-smi 0.14.0 does not emit all_smi_gpu_temperature_celsius")),
        errors.toString());
    assertTrue(errors.stream().anyMatch(e -> e.startsWith("dashboards/nvidia.yaml:") && e.contains("panel 'Temperature'")),
        errors.toString());
    assertTrue(errors.stream().allMatch(e -> e.matches("^[a-z/._-]+\\.yaml:[0-9]+:[0-9]+: .*")), errors.toString());

    Path dcgm = repo.resolve("rules/contracts/dcgm-exporter.yaml");
    Files.writeString(dcgm, Files.readString(dcgm).replace("DCGM_FI_DEV_XID_ERRORS:", "DCGM_FI_DEV_XID_ERROR:"));
    assertTrue(errors(repo).stream().anyMatch(e -> e.startsWith("rules/nvidia.yaml:")
        && e.contains("dcgm-exporter 3.3.9-3.6.1 does not emit DCGM_FI_DEV_XID_ERRORS")), errors(repo).toString());
  }

  private List<String> errors(Path repo) throws Exception {
    return Compiler.compile(repo).diagnostics().all().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR)
        .map(d -> d.position() + ": " + d.message()).toList();
  }

  /**
   * The check agent is an exporter of this repository: its families in the node_exporter contract
   * are exactly those its source declares (HELP), with the same type and the line that declares them.
   */
  @Test
  void theCheckAgentsFamiliesAreThoseItsSourceDeclares() throws Exception {
    java.util.Map<String, String> declared = new java.util.TreeMap<>();
    List<String> lines = Files.readAllLines(TestSupport.repoRoot().resolve("agent/anvil-check-agent"));
    java.util.regex.Pattern help = java.util.regex.Pattern.compile("^\\s+\"(anvil_[a-z0-9_]+)\": \\(\"([a-z]+)\",");
    for (int i = 0; i < lines.size(); i++) {
      var m = help.matcher(lines.get(i));
      if (m.find()) declared.put(m.group(1), m.group(2) + " at agent/anvil-check-agent:" + (i + 1));
    }
    var contract = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .readTree(TestSupport.repoRoot().resolve("rules/contracts/node_exporter.yaml").toFile()).path("metrics");
    java.util.Map<String, String> listed = new java.util.TreeMap<>();
    contract.fields().forEachRemaining(e -> {
      if (e.getValue().path("at").asText().startsWith("agent/")) {
        listed.put(e.getKey(), e.getValue().path("type").asText() + " at " + e.getValue().path("at").asText());
      }
    });
    assertTrue(declared.size() >= 25, declared.toString());
    assertEquals(declared, listed);
  }
}
