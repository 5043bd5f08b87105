package dev.anvil.alerttest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shipped alert, run by promtool (Debian package 'prometheus') on series written as the
 * pinned exporter versions emit them: it fires just past its threshold and stays quiet at it, for
 * every parameter set and every accelerator vendor of the example fleet; every dashboard query
 * finds series. Mutations show that the tests see what they claim to.
 */
class AlertTestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ALERT = Pattern.compile("(?m)^  alert: ([A-Za-z0-9_]+)$");
  private static final Set<String> FLEET_VENDORS = Set.of("nvidia", "amd", "intel-gaudi", "rebellions", "furiosa",
      "tenstorrent", "google-tpu");

  @TempDir static Path tmp;
  static String promtool;

  @BeforeAll
  static void tools() {
    promtool = TestSupport.tool("promtool", "prometheus");
  }

  /** anvil test --format json on {@code repo}: its exit status and its tests. */
  private record Report(int exit, JsonNode doc, String err) {
    List<JsonNode> tests(String kind, String nameContains) {
      List<JsonNode> out = new ArrayList<>();
      doc.path("tests").forEach(t -> {
        if (t.path("kind").asText().equals(kind) && t.path("name").asText().contains(nameContains)) out.add(t);
      });
      return out;
    }
  }

  private static Report anvilTest(Path repo, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("-C", repo.toString(), "test", "--format", "json", "--promtool", promtool));
    args.addAll(List.of(more));
    TestSupport.Run r = TestSupport.anvil(args.toArray(String[]::new));
    return new Report(r.exit(), JSON.readTree(r.out()), r.err());
  }

  @Test
  void everyShippedAlertFiresPastItsThresholdAndStaysQuietAtItForEveryVendor() throws Exception {
    Report r = anvilTest(TestSupport.repoRoot());
    assertEquals(0, r.exit(), r.doc().toPrettyString());
    assertEquals(0, r.doc().path("failed").asInt());
    assertEquals(0, r.doc().path("not_run").asInt());

    Set<String> shipped = new TreeSet<>();
    try (var files = Files.list(TestSupport.repoRoot().resolve("rules"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        Matcher m = ALERT.matcher(Files.readString(f));
        while (m.find()) shipped.add(m.group(1));
      }
    }
    assertTrue(shipped.size() >= 35, "the shipped alerts: " + shipped);
    for (String alert : shipped) {
      List<JsonNode> cases = r.tests("alert", alert + " ");
      assertTrue(cases.stream().anyMatch(t -> t.path("name").asText().endsWith(": fires")), alert + " has a firing case");
      assertTrue(cases.stream().anyMatch(t -> t.path("name").asText().endsWith(": quiet")), alert + " has a quiet case");
      cases.forEach(t -> assertTrue(t.path("passed").asBoolean(), t.toPrettyString()));
    }
    // the vendor-neutral all-smi alerts are proven on a host of every vendor the fleet has
    for (String vendor : FLEET_VENDORS) {
      assertTrue(r.tests("alert", "AcceleratorTemperatureHigh").stream()
          .anyMatch(t -> t.path("name").asText().contains("(" + vendor + ")")), vendor);
      assertTrue(r.tests("alert", "AcceleratorOffline").stream()
          .anyMatch(t -> t.path("name").asText().contains("(" + vendor + ")")), vendor);
    }
    // one case per emitted dashboard whose queries read exporter series (not "alerts": ALERTS only)
    assertEquals(12, r.tests("dashboard", "").size(), r.doc().toPrettyString());
    // every recording rule records something from contract-shaped series, once per price the fleet sets
    assertEquals(4, r.tests("recording", "team:accelerator_cost_per_hour:sum {price=").size(), r.doc().toPrettyString());
    for (String record : List.of("team:accelerator_utilization:avg", "logical:accelerator_utilization:avg",
        "team:accelerator_devices:count", "team:accelerator_busy_devices:sum")) {
      assertEquals(1, r.tests("recording", record + ":").size(), record);
    }
    r.tests("recording", "").forEach(t -> assertTrue(t.path("passed").asBoolean(), t.toPrettyString()));
  }

  @Test
  void aRecordingRuleThatRecordsNothingFailsAndSoDoesTheDashboardThatReadsIt() throws Exception {
    Path repo = mutated("records-nothing", "rules/recording.yaml",
        "count by (team) (all_smi_gpu_utilization{[[selector]]}) * [[price]]",
        "count by (team) (all_smi_gpu_utilization{[[selector]]} > 100) * [[price]]");

    Report r = anvilTest(repo);
    assertEquals(1, r.exit());
    List<String> failed = failed(r).stream().map(t -> t.path("name").asText()).toList();
    assertEquals(4, failed.stream().filter(n -> n.startsWith("team:accelerator_cost_per_hour:sum {price=")).count(), failed.toString());
    assertTrue(failed.stream().anyMatch(n -> n.startsWith("Accelerator usage and cost")), failed.toString());
    assertEquals(5, failed.size(), failed.toString());
  }

  @Test
  void aRuleThatNoLongerFiresAtItsThresholdFails() throws Exception {
    // the first rule on it is the warning tier, AcceleratorTemperatureHigh
    Path repo = mutated("shifted", "rules/accelerators.yaml", "all_smi_gpu_temperature_celsius{[[selector]]} > [[threshold]]",
        "all_smi_gpu_temperature_celsius{[[selector]]} > [[threshold]] + 5");

    Report r = anvilTest(repo);
    assertEquals(1, r.exit());
    List<JsonNode> failed = failed(r);
    assertEquals(9, failed.size(), "one firing case per parameter set and vendor: " + failed);
    for (JsonNode t : failed) {
      assertTrue(t.path("name").asText().startsWith("AcceleratorTemperatureHigh {"), t.toPrettyString());
      assertTrue(t.path("name").asText().endsWith(": fires"), t.toPrettyString());
      assertTrue(t.path("detail").asText().startsWith("it does not fire 20m after these series start (for: 5m)"),
          t.toPrettyString());
      assertTrue(t.path("at").asText().startsWith("rules/accelerators.yaml:"), t.toPrettyString());
    }
  }

  @Test
  void anAlertOnAFamilyTheExporterDoesNotWriteForAVendorFailsOnThatVendorsHosts() throws Exception {
    // the contract as if all-smi wrote device temperatures for NVIDIA devices only
    Path repo = mutated("vendor", "rules/contracts/all-smi.yaml",
        "{type: gauge, unit: celsius, labels: [gpu, instance, uuid, index], vendors: all, at: src/api/metrics/gpu.rs:67}",
        "{type: gauge, unit: celsius, labels: [gpu, instance, uuid, index], vendors: [nvidia], at: src/api/metrics/gpu.rs:67}");

    Report r = anvilTest(repo);
    assertEquals(1, r.exit());
    Set<String> failing = new TreeSet<>();
    for (JsonNode t : failed(r)) failing.add(t.path("name").asText());
    for (String vendor : List.of("amd", "intel-gaudi", "rebellions", "furiosa", "tenstorrent", "google-tpu")) {
      assertTrue(failing.stream().anyMatch(n -> n.startsWith("AcceleratorTemperatureHigh") && n.contains("(" + vendor
          + ")") && n.endsWith(": fires")), vendor + " in " + failing);
    }
    assertTrue(failing.stream().noneMatch(n -> n.contains("(nvidia)")), failing.toString());
    // the vendor dashboards' temperature panels find no series either
    assertTrue(failing.contains("AMD GPUs: every query finds series"), failing.toString());
  }

  @Test
  void aRuleWithoutExamplesAndAMissingPromtoolAreNotPasses() throws Exception {
    Path repo = mutated("bare", "rules/npu.yaml",
        "examples: {fires: {all_smi_tpu_hlo_queue_size: \"[[threshold]] + 1\"}, quiet: {all_smi_tpu_hlo_queue_size: \"[[threshold]]\"}}\n",
        "");
    Report r = anvilTest(repo);
    assertEquals(1, r.exit());
    List<JsonNode> failed = failed(r);
    assertEquals(1, failed.size(), failed.toString());
    assertEquals("alert rule 'tpu_queue_backlog' has no examples: nothing proves it fires at its threshold",
        failed.get(0).path("detail").asText());

    TestSupport.Run off = TestSupport.anvil("-C", TestSupport.repoRoot().toString(), "test", "--promtool", "off");
    assertEquals(0, off.exit(), off.err());
    assertTrue(off.out().matches("(?s).*\\n[0-9]+ passed, 0 failed, [0-9]+ not run\\n"), off.out());
    TestSupport.Run missing = TestSupport.anvil("-C", TestSupport.repoRoot().toString(), "test", "--promtool",
        tmp.resolve("no-promtool").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("--promtool") && missing.err().contains("no such executable"), missing.err());
  }

  /** A copy of the example fleet with the first {@code from} in {@code file} replaced by {@code to}. */
  private static Path mutated(String name, String file, String from, String to) throws Exception {
    Path repo = TestSupport.copyOfExampleFleet(tmp.resolve(name));
    String text = Files.readString(repo.resolve(file));
    String changed = text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to));
    assertTrue(!changed.equals(text), from + " is in " + file);
    Files.writeString(repo.resolve(file), changed);
    return repo;
  }

  private static List<JsonNode> failed(Report r) {
    List<JsonNode> out = new ArrayList<>();
    r.doc().path("tests").forEach(t -> {
      if (!t.path("passed").asBoolean(true)) out.add(t);
    });
    return out;
  }

  /** A dashboard case holds one host per exporter release and vendor set: 500 more hosts add nothing to it. */
  @Test
  void dashboardCasesDoNotGrowWithTheFleet() throws Exception {
    Path repo = TestSupport.copyOfExampleFleet(tmp.resolve("grown"));
    Map<String, Integer> before = dashboardSeries(repo);
    StringBuilder hosts = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      hosts.append("---\napiVersion: anvil.dev/v1\nkind: Host\nname: extra-").append(i).append("\naddress: 10.9.")
          .append(i / 250).append('.').append(i % 250 + 1)
          .append("\nprimary_group: infrastructure:onprem/datacenter-01/rack-a/chassis-1\n");
    }
    Files.writeString(repo.resolve("inventory/extra.yaml"), hosts.toString());
    Map<String, Integer> after = dashboardSeries(repo);
    assertEquals(before, after);
    assertTrue(before.get("System") > 0, before.toString());
  }

  /** Dashboard title → how many input series its generated case holds. */
  private static Map<String, Integer> dashboardSeries(Path repo) throws Exception {
    var c = dev.anvil.Compiler.compile(repo);
    assertTrue(c.ok(), c.diagnostics().all().toString());
    Map<String, Integer> out = new java.util.TreeMap<>();
    for (AlertTests.Case k : AlertTests.generate(c.fleet(), c.files())) {
      if (!k.kind().equals("dashboard")) continue;
      int n = 0;
      for (int i = k.yaml().indexOf("- series:"); i >= 0; i = k.yaml().indexOf("- series:", i + 1)) n++;
      out.put(k.name().replaceFirst(": every query finds series$", ""), n);
    }
    return out;
  }
}
