package dev.anvil.emit.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anvil.TestSupport;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts made of the same resolved sections, groups and accelerator vendors share their encoded target
 * labels, each with its own instance label; a host that differs in any of these has labels of its own.
 */
class HostLabelsTest {
  @TempDir Path tmp;

  @Test
  void hostsOfOneBasisShareTheirLabelsButNotTheirNameAndAnyDifferenceShows() throws Exception {
    StringBuilder hosts = new StringBuilder();
    String[][] spec = {{"twin-a", "amd"}, {"twin-b", "amd"}, {"other-hw", "intel-gaudi"}, {"own-labels", "amd"}};
    for (int i = 0; i < spec.length; i++) {
      hosts.append(TestSupport.exampleWorker(spec[i][0], "10.9.9." + (i + 1), 64, spec[i][1], "X"));
    }
    Path repo = TestSupport.compiledExampleFleetWith(tmp.resolve("repo"), Map.of(
        "inventory/hosts/shapes.yaml", hosts.toString(),
        "policies/own-labels.yaml", """
            apiVersion: anvil.dev/v1
            kind: Policy
            name: own-labels
            host: own-labels
            labels: {team: solo}
            """));

    Map<String, ObjectNode> labels = new HashMap<>();
    for (JsonNode group : new ObjectMapper().readTree(repo.resolve("out/prometheus/targets/node.json").toFile())) {
      if (group.path("labels").has("instance")) {
        String instance = group.path("labels").get("instance").asText();
        labels.put(instance, (ObjectNode) group.get("labels"));
        String target = group.path("targets").get(0).asText();
        if (target.startsWith("10.9.9.")) {
          int i = Integer.parseInt(target.substring("10.9.9.".length(), target.indexOf(':'))) - 1;
          assertEquals(spec[i][0], instance, "each target's instance is the host at its address");
        }
      }
    }
    assertEquals(4, spec.length);
    for (String[] host : spec) assertEquals(host[0], labels.get(host[0]).get("instance").asText());
    assertEquals(without(labels.get("twin-a")), without(labels.get("twin-b")), "one basis, the same labels");
    assertEquals("amd", labels.get("twin-b").get("accelerators").asText());
    // no group selects these two vendors apart: the hosts differ in their hardware alone
    assertEquals(without(labels.get("twin-a")).without("accelerators"), without(labels.get("other-hw")).without("accelerators"));
    assertEquals("intel-gaudi", labels.get("other-hw").get("accelerators").asText(), "other hardware, its own labels");
    assertEquals("solo", labels.get("own-labels").get("team").asText(), "a host's own labels are its own");
    assertNotEquals("solo", labels.get("twin-a").path("team").asText());
  }

  private static ObjectNode without(ObjectNode labels) {
    ObjectNode copy = labels.deepCopy();
    copy.remove("instance");
    return copy;
  }
}
