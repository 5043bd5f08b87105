package dev.anvil.emit.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target's alert class follows the host's own settings for each rule, also between hosts that
 * have the same exporters, checks and devices (the emitter works out once per such combination which
 * rules a host has what they need for, and apart from that which rules its settings leave on).
 */
class AlertClassTest {
  @TempDir Path tmp;

  @Test
  void aHostsOwnSettingsForARuleSetItsClassApartFromAHostThatHasWhatTheSameRulesNeed() throws Exception {
    Path repo = TestSupport.copyOfExampleFleet(tmp.resolve("repo"));
    Map<String, String> before = compile(repo);
    String shared = before.get("gaudi2-01");
    assertEquals(shared, before.get("amd-mi300x-01"), "the example fleet gives both hosts one class");
    Path system = repo.resolve("out/prometheus/rules/system.yml");
    String cpuHigh = TestSupport.ruleParams(system, "cpu_high", shared);
    String memoryHigh = TestSupport.ruleParams(system, "memory_high", shared);

    Files.writeString(repo.resolve("policies/hosts-own.yaml"), """
        apiVersion: anvil.dev/v1
        kind: Policy
        name: amd-mi300x-01-quiet
        host: amd-mi300x-01
        alerts:
          cpu_high: {enabled: false}
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        name: gaudi2-01-busy
        host: gaudi2-01
        alerts:
          cpu_high: {threshold: 97}
        """);
    Map<String, String> after = compile(repo);
    assertNotEquals(after.get("gaudi2-01"), after.get("amd-mi300x-01"));
    // amd-mi300x-01 comes first (hosts are taken by name): what it has and what it sets must not carry over
    assertThrows(AssertionError.class, () -> TestSupport.ruleParams(system, "cpu_high", after.get("amd-mi300x-01")));
    assertEquals(cpuHigh.replaceAll("threshold=[0-9]+", "threshold=97"),
        TestSupport.ruleParams(system, "cpu_high", after.get("gaudi2-01")));
    // a rule the policies leave alone still covers both, with the parameters it had
    assertEquals(memoryHigh, TestSupport.ruleParams(system, "memory_high", after.get("gaudi2-01")));
    assertEquals(memoryHigh, TestSupport.ruleParams(system, "memory_high", after.get("amd-mi300x-01")));
  }

  /** Compiles into the repository's out/; each host's alert class on the node job. */
  private static Map<String, String> compile(Path repo) throws Exception {
    TestSupport.Run run = TestSupport.anvil("-C", repo.toString(), "compile", "--verify=off");
    assertEquals(0, run.exit(), run.err());
    Map<String, String> classes = new HashMap<>();
    for (JsonNode group : new ObjectMapper().readTree(repo.resolve("out/prometheus/targets/node.json").toFile())) {
      JsonNode labels = group.path("labels");
      if (labels.has("instance")) classes.put(labels.get("instance").asText(), labels.path("anvil_class").asText(null));
    }
    return classes;
  }
}
