package dev.anvil.emit.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anvil.TestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Ansible output judged by ansible-core (Debian package ansible-core). */
class AnsibleTest {
  static final String PACKAGE = "ansible-core";

  @Test
  void theInventoryParsesStrictlyWithTheExpectedGroupsAndVars(@TempDir Path tmp) throws Exception {
    Path out = compile(TestSupport.repoRoot(), tmp);
    String inventory = TestSupport.tool("ansible-inventory", PACKAGE);
    var r = TestSupport.exec(out.resolve("ansible"), "env", "ANSIBLE_INVENTORY_ENABLED=yaml",
        "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=True", "ANSIBLE_DUPLICATE_YAML_DICT_KEY=error", "ANSIBLE_NOCOLOR=1",
        inventory, "-i", "inventory.yml", "--list");
    assertEquals(0, r.exit(), r.output());
    assertFalse(r.output().contains("[WARNING]"), r.output());
    JsonNode inv = TestSupport.unwrapUnsafe(new ObjectMapper().readTree(r.output().substring(r.output().indexOf('{'))));

    assertEquals(List.of("logical__ml_training__gpu_workers"), strings(inv.path("logical__ml_training").path("children")));
    assertTrue(strings(inv.path("logical").path("children")).containsAll(List.of("logical__ml_training", "logical__inference")));
    assertEquals(Set.of("amd-mi300x-01", "az-nd-a100-01", "gaudi2-01", "gpu-server-01", "i-1234567890", "vm-gpu-worker-001"),
        new TreeSet<>(strings(inv.path("logical__ml_training__gpu_workers").path("hosts"))));
    assertTrue(strings(inv.path("infrastructure__onprem__datacenter_01__rack_a").path("children"))
        .contains("infrastructure__onprem__datacenter_01__rack_a__chassis_1"));

    JsonNode gpu = inv.path("_meta").path("hostvars").path("gpu-server-01");
    assertEquals("10.0.1.11", gpu.path("ansible_host").asText());
    assertEquals(9401, gpu.path("anvil_exporters").path("all-smi").path("port").asInt());
    assertEquals("1.8.2", gpu.path("anvil_exporters").path("node_exporter").path("version").asText());
    assertEquals(8, gpu.path("anvil_accelerators").get(0).path("count").asInt());
    assertTrue(gpu.path("anvil_checks").toString().contains("\"name\":\"home\""));
    assertEquals("/opt/anvil/exporters", gpu.path("anvil_exporter_dir").asText(), "all.vars reach every host");
    assertEquals("onprem", gpu.path("anvil_provider").path("name").asText());
    assertFalse(inv.path("_meta").path("hostvars").path("storage-server-01").path("anvil_exporters").has("all-smi"));
  }

  @Test
  void hostAndNamespaceNamesThatLookLikeYamlKeywordsStayStrings(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("repo");
    TestSupport.writeFile(repo, "inventory/fleet.yaml", """
        apiVersion: anvil.dev/v1
        kind: Namespace
        name: "true"
        priority: 20
        ---
        apiVersion: anvil.dev/v1
        kind: Group
        name: infrastructure:lab
        ---
        apiVersion: anvil.dev/v1
        kind: Group
        name: true:null
        """ + String.join("", List.of("yes", "on", "null", "123").stream().map(h -> """
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: "%s"
        address: 127.0.0.1
        primary_group: infrastructure:lab
        groups: ["true:null"]
        """.formatted(h)).toList()));
    Path out = compile(repo, tmp);
    var r = TestSupport.exec(out.resolve("ansible"), "env", "ANSIBLE_INVENTORY_ENABLED=yaml",
        "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=True", TestSupport.tool("ansible-inventory", PACKAGE), "-i",
        "inventory.yml", "--list");
    assertEquals(0, r.exit(), r.output());
    JsonNode inv = TestSupport.unwrapUnsafe(new ObjectMapper().readTree(r.output().substring(r.output().indexOf('{'))));
    assertEquals(Set.of("123", "null", "on", "yes"), new TreeSet<>(strings(inv.path("true__null").path("hosts"))));
    assertEquals(List.of("true__null"), strings(inv.path("true").path("children")));
    assertEquals("127.0.0.1", inv.path("_meta").path("hostvars").path("null").path("ansible_host").asText());
  }

  @Test
  void thePlaybookPassesSyntaxCheck(@TempDir Path tmp) throws Exception {
    Path out = compile(TestSupport.repoRoot(), tmp);
    String playbook = TestSupport.tool("ansible-playbook", PACKAGE);
    var r = TestSupport.exec(out.resolve("ansible"), playbook, "-i", "inventory.yml", "exporters.yml", "--syntax-check");
    assertEquals(0, r.exit(), r.output());
  }

  /**
   * By default no host gets {@code out/checks/<host>.json}: the playbook writes the list on the host from the
   * inventory, the same document that {@code rollout.checks.delivery: file} asks to have in out/ — with
   * template syntax, quotes and shell in a check's command kept as text, never evaluated.
   */
  @Test
  void thePlaybookWritesTheCheckListThatDeliveryFileWouldWrite(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("repo");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml");
    Path sentinel = tmp.resolve("templated");
    String hostile = "{{ lookup('pipe', 'touch " + sentinel + "') }} {% if 1 %}x{% endif %} \\\"q\\\" $(touch " + sentinel + ")";
    TestSupport.writeFile(repo, "inventory/lab.yaml", TestSupport.LAB_GROUP + """
        apiVersion: anvil.dev/v1
        kind: Host
        name: by-ansible
        address: 127.0.0.1
        primary_group: infrastructure:lab
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: by-file
        address: 127.0.0.1
        primary_group: infrastructure:lab
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        group: infrastructure:lab
        checks:
          home: {type: mount, paths: [/home], fstype: nfs4}
          probe: {type: command, command: [/bin/echo, "%s"]}
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        host: by-file
        rollout: {checks: {delivery: file}}
        """.formatted(hostile));
    Path out = compile(repo, tmp);
    assertFalse(java.nio.file.Files.exists(out.resolve("checks/by-ansible.json")), "no list file unless asked for");
    var r = TestSupport.writeCheckListsWithAnsible(out.resolve("ansible"), tmp.resolve("etc"));
    assertEquals(0, r.exit(), r.output());
    ObjectMapper json = new ObjectMapper();
    JsonNode written = json.readTree(tmp.resolve("etc/by-ansible.json").toFile());
    JsonNode file = json.readTree(out.resolve("checks/by-file.json").toFile());
    assertEquals("by-ansible", written.path("host").asText());
    ((com.fasterxml.jackson.databind.node.ObjectNode) file).put("host", "by-ansible");
    assertEquals(file, written, "the playbook and out/checks/ write the same document");
    assertEquals(hostile.replace("\\\"", "\""),
        written.path("checks").get(1).path("command").get(1).asText());
    assertFalse(java.nio.file.Files.exists(sentinel), "nothing in a check list is templated or run");
  }

  /** A dry run on localhost: a rolling rollout of 5 hosts by 2 runs 3 batches, a 20 % canary 2 (1, then 4). */
  @Test
  void aCheckRunOnLocalhostRollsOutInBatches(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("repo");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml");
    StringBuilder fleet = new StringBuilder("""
        apiVersion: anvil.dev/v1
        kind: Group
        name: infrastructure:local
        ---
        apiVersion: anvil.dev/v1
        kind: Group
        name: environment:batch
        ---
        apiVersion: anvil.dev/v1
        kind: Group
        name: environment:canary
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        group: environment:batch
        rollout: {exporters: {strategy: rolling, batch_size: 2, on_failure: stop}}
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        group: environment:canary
        rollout: {exporters: {strategy: canary, canary: 20%, on_failure: stop}}
        """);
    for (String env : List.of("batch", "canary")) {
      for (int i = 1; i <= 5; i++) {
        fleet.append("---\napiVersion: anvil.dev/v1\nkind: Host\nname: ").append(env).append("-0").append(i)
            .append("\naddress: 127.0.0.1\nprimary_group: infrastructure:local\ngroups: [environment:").append(env)
            .append("]\n");
      }
    }
    TestSupport.writeFile(repo, "inventory/fleet.yaml", fleet.toString());
    Path out = compile(repo, tmp);
    var r = checkRun(out.resolve("ansible"));
    assertEquals(0, r.exit(), r.output());
    assertEquals(3, count(r.output(), "PLAY [Exporters: rolling, 2 hosts at a time"), r.output());
    assertEquals(2, count(r.output(), "PLAY [Exporters: canary 20% first"), r.output());
    List<Integer> canaryBatches = batchSizes(r.output(), "canary");
    assertEquals(List.of(1, 4), canaryBatches, r.output());
    assertEquals(List.of(2, 2, 1), batchSizes(r.output(), "batch"), r.output());
    // the check agent and each host's compiled check list are found and would be installed
    String listTask = r.output().substring(r.output().indexOf("TASK [The host's check list]"));
    assertTrue(listTask.contains("changed: [batch-01]"), r.output());
  }

  /** The emitted playbook, dry-run on localhost with this checkout's check agent. */
  static TestSupport.ToolResult checkRun(Path ansibleDir, String... extra) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("env", "ANSIBLE_NOCOLOR=1", "ANSIBLE_HOST_KEY_CHECKING=False",
        "ANSIBLE_LOCALHOST_WARNING=False", TestSupport.tool("ansible-playbook", PACKAGE), "-i", "inventory.yml",
        "exporters.yml", "--check", "-c", "local", "-e", "anvil_agent_dir=" + TestSupport.repoRoot().resolve("agent")));
    cmd.addAll(List.of(extra));
    return TestSupport.exec(ansibleDir, cmd.toArray(String[]::new));
  }

  /** Hosts of each batch, from the first task of each batch's run. */
  private static List<Integer> batchSizes(String output, String prefix) {
    List<Integer> sizes = new ArrayList<>();
    for (String block : output.split("PLAY \\[")) {
      if (!block.contains("TASK [Exporter directory]")) continue;
      String task = block.substring(block.indexOf("TASK [Exporter directory]"));
      int next = task.indexOf("TASK [", 5);
      Matcher m = Pattern.compile(": \\[(" + prefix + "-\\d+)\\]").matcher(next > 0 ? task.substring(0, next) : task);
      int n = 0;
      while (m.find()) n++;
      if (n > 0) sizes.add(n);
    }
    return sizes;
  }

  private static Path compile(Path repo, Path tmp) {
    Path out = tmp.resolve("out-" + repo.getFileName());
    TestSupport.Run r = TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString());
    assertEquals(0, r.exit(), r.err());
    return out;
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
    return n;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
