package dev.anvil.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trip with the real tool: an INI inventory (nested groups, host vars) → anvil import ansible
 * → anvil compile → out/ansible/inventory.yml; ansible-inventory --list of both: the same hosts at
 * the same addresses, each in the same groups (children's hosts counted in their parents; Anvil
 * names a group by its path, logical__parent__child), each with its variables as labels.
 */
class AnsibleImportTest {
  @TempDir Path tmp;

  @Test
  void importThenCompileKeepsHostsAddressesGroupsAndVariables() throws Exception {
    String ansibleInventory = TestSupport.tool("ansible-inventory", "ansible-core");
    Path inventory = Files.writeString(tmp.resolve("hosts.ini"), """
        [gpu]
        gpu-01 ansible_host=10.0.0.11 team=ml rack=r1
        gpu-02 ansible_host=10.0.0.12 team=ml

        [cpu]
        web-01 ansible_host=10.0.1.5 team=web

        [training:children]
        gpu

        [cluster:children]
        training
        cpu

        [cluster:vars]
        site=dc-1
        """);
    Path imported = tmp.resolve("imported");
    TestSupport.Run r = TestSupport.anvil("import", "ansible", inventory.toString(), "--out", imported.toString());
    assertEquals(0, r.exit(), r.err());
    TestSupport.Run c = TestSupport.anvil("-C", imported.toString(), "compile", "--out", tmp.resolve("out").toString());
    assertEquals(0, c.exit(), c.err() + "\n" + Files.readString(imported.resolve("inventory/hosts/imported.yaml")));

    JsonNode before = AnsibleImport.list(ansibleInventory, inventory);
    // Anvil writes every value !unsafe; ansible-inventory --list shows those wrapped
    JsonNode after = TestSupport.unwrapUnsafe(AnsibleImport.list(ansibleInventory, tmp.resolve("out/ansible/inventory.yml")));
    Map<String, Set<String>> groupsBefore = memberships(before);
    Map<String, Set<String>> groupsAfter = memberships(after);
    assertEquals(Set.of("cluster", "cpu", "gpu", "training"), groupsBefore.keySet());
    Map<String, String> anvilName = Map.of("cluster", "logical__cluster", "training", "logical__cluster__training",
        "gpu", "logical__cluster__training__gpu", "cpu", "logical__cluster__cpu");
    groupsBefore.forEach((g, hosts) -> assertEquals(hosts, groupsAfter.get(anvilName.get(g)), g + " → " + anvilName.get(g)));

    JsonNode varsBefore = before.path("_meta").path("hostvars");
    JsonNode varsAfter = after.path("_meta").path("hostvars");
    assertEquals(Set.of("gpu-01", "gpu-02", "web-01"), names(varsAfter));
    for (String h : names(varsBefore)) {
      assertEquals(varsBefore.path(h).path("ansible_host").asText(), varsAfter.path(h).path("ansible_host").asText(), h);
      varsBefore.path(h).fields().forEachRemaining(e -> {
        if (!e.getKey().startsWith("ansible_")) {
          assertEquals(e.getValue().asText(), varsAfter.path(h).path("anvil_labels").path(e.getKey()).asText(), h + " " + e.getKey());
        }
      });
    }
    assertTrue(Files.readString(imported.resolve("IMPORTED.md")).contains("3 hosts, 4 groups"));
  }

  private static Set<String> names(JsonNode n) {
    Set<String> out = new TreeSet<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** group → every host in it or in a group below it (Ansible's view of membership). */
  private static Map<String, Set<String>> memberships(JsonNode listed) {
    Map<String, Set<String>> out = new TreeMap<>();
    listed.fieldNames().forEachRemaining(g -> {
      if (!g.equals("_meta") && !g.equals("all") && !g.equals("ungrouped")) out.put(g, members(listed, g));
    });
    return out;
  }

  private static Set<String> members(JsonNode listed, String group) {
    Set<String> out = new TreeSet<>();
    listed.path(group).path("hosts").forEach(h -> out.add(h.asText()));
    listed.path(group).path("children").forEach(c -> out.addAll(members(listed, c.asText())));
    return out;
  }
}
