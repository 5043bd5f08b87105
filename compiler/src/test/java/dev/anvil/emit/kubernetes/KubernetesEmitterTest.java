package dev.anvil.emit.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The example fleet's clusters, read back as the Go tools read it (YAML 1.1, where 0x20B0 is a
 * number and yes a boolean): every label a node carries names a config that exists, and the
 * settings come from the policy that wins by namespace priority.
 */
class KubernetesEmitterTest {
  static final Path DIR = TestSupport.repoRoot().resolve("out/kubernetes/onprem-serving");
  static final Path EKS = TestSupport.repoRoot().resolve("out/kubernetes/eks-inference");

  @SuppressWarnings("unchecked")
  static Map<String, Object> load(String file) throws Exception {
    String text = Files.readString(DIR.resolve(file));
    return (Map<String, Object>) new Yaml().load(text);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> nodes() throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(Files.readString(DIR.resolve("nodes.yaml")))) {
      out.add((Map<String, Object>) doc);
    }
    return out;
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyNodeLabelNamesAConfigThatExists() throws Exception {
    Map<String, Object> plugin = (Map<String, Object>) load("device-plugin-config.yaml").get("data");
    Map<String, Object> migParted = new Yaml().load((String) ((Map<String, Object>) load("mig-parted-config.yaml")
        .get("data")).get("config.yaml"));
    Map<String, Object> migConfigs = (Map<String, Object>) migParted.get("mig-configs");
    List<Map<String, Object>> nodes = nodes();
    assertEquals(2, nodes.size(), "the NVIDIA nodes of the cluster");
    for (Map<String, Object> node : nodes) {
      Map<String, Object> labels = (Map<String, Object>) ((Map<String, Object>) node.get("metadata")).get("labels");
      assertTrue(plugin.containsKey(labels.get(KubernetesEmitter.PLUGIN_LABEL)), labels.toString());
      Object mig = labels.get(KubernetesEmitter.MIG_LABEL);
      if (mig != null) assertTrue(migConfigs.containsKey(mig), labels.toString());
    }
    // the device filters stay strings for a YAML 1.1 reader
    List<Map<String, Object>> layouts = (List<Map<String, Object>>) migConfigs.get("inference-mixed");
    for (Map<String, Object> entry : layouts) {
      for (Object id : (List<Object>) entry.get("device-filter")) assertInstanceOf(String.class, id);
    }
    // each plugin config is a v1 device plugin config with the flag every mode needs
    for (Object text : plugin.values()) {
      Map<String, Object> config = new Yaml().load((String) text);
      assertEquals("v1", config.get("version"));
      assertTrue(((Map<String, Object>) config.get("flags")).containsKey("migStrategy"), text.toString());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theChildGroupsMigLayoutBeatsTheParentsTimeSlicing() throws Exception {
    Map<String, Map<String, Object>> labels = new java.util.TreeMap<>();
    for (Map<String, Object> node : nodes()) {
      Map<String, Object> meta = (Map<String, Object>) node.get("metadata");
      labels.put((String) meta.get("name"), (Map<String, Object>) meta.get("labels"));
    }
    assertEquals(Map.of(KubernetesEmitter.PLUGIN_LABEL, "mig-mixed", KubernetesEmitter.MIG_LABEL, "inference-mixed"),
        labels.get("h100-infer-01"));
    // L40S: no MIG, so no mig.config label
    assertEquals(Map.of(KubernetesEmitter.PLUGIN_LABEL, "time-slicing-4"), labels.get("mixed-node-01"));
    TestSupport.Run explain = TestSupport.anvil("-C", TestSupport.repoRoot().toString(), "explain", "h100-infer-01",
        "gpu_sharing.nvidia.mode");
    assertEquals(0, explain.exit(), explain.err());
    assertTrue(explain.out().contains("logical:inference/onprem-k8s/mig"), explain.out());
    assertTrue(explain.out().contains("time_slicing"), "the parent's value, overridden: " + explain.out());
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyPoolIsANodePoolWithItsNodeClassAndItsSharingLabels() throws Exception {
    Map<String, Map<String, Object>> pools = new java.util.TreeMap<>();
    java.util.Set<String> nodeClasses = new java.util.TreeSet<>();
    for (Object doc : new Yaml().loadAll(Files.readString(EKS.resolve("karpenter.yaml")))) {
      Map<String, Object> o = (Map<String, Object>) doc;
      String name = (String) ((Map<String, Object>) o.get("metadata")).get("name");
      if (o.get("kind").equals("NodePool")) pools.put(name, (Map<String, Object>) o.get("spec"));
      else if (o.get("kind").equals("EC2NodeClass")) nodeClasses.add(name);
    }
    assertEquals(java.util.Set.of("a100-burst", "h100-mig", "t4-spot"), pools.keySet(),
        "the three pool groups under logical:inference/eks, not the parent that holds their defaults");
    assertEquals(pools.keySet(), nodeClasses);
    Map<String, Object> plugin = (Map<String, Object>) new Yaml().<Map<String, Object>>load(
        Files.readString(EKS.resolve("device-plugin-config.yaml"))).get("data");
    Map<String, Map<String, Object>> labels = new java.util.TreeMap<>();
    pools.forEach((name, spec) -> {
      Map<String, Object> template = (Map<String, Object>) spec.get("template");
      Map<String, Object> l = (Map<String, Object>) ((Map<String, Object>) template.get("metadata")).get("labels");
      labels.put(name, l);
      assertTrue(plugin.containsKey(l.get(KubernetesEmitter.PLUGIN_LABEL)), name + " " + l);
      Map<String, Object> ref = (Map<String, Object>) ((Map<String, Object>) template.get("spec")).get("nodeClassRef");
      assertEquals(name, ref.get("name"));
    });
    assertEquals("inference-mixed", labels.get("h100-mig").get(KubernetesEmitter.MIG_LABEL));
    assertEquals("time-slicing-4-strict", labels.get("t4-spot").get(KubernetesEmitter.PLUGIN_LABEL));
    // an A100 pool without MIG still turns MIG off on its nodes
    assertEquals(KubernetesEmitter.MIG_DISABLED, labels.get("a100-burst").get(KubernetesEmitter.MIG_LABEL));
    // the parent's taint and disruption budgets reach every pool
    for (Map<String, Object> spec : pools.values()) {
      Map<String, Object> podSpec = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
      assertEquals(List.of(Map.of("key", "nvidia.com/gpu", "value", "true", "effect", "NoSchedule")), podSpec.get("taints"));
      assertEquals(2, ((List<Object>) ((Map<String, Object>) spec.get("disruption")).get("budgets")).size());
    }
  }

  @Test
  void explainSaysWhyAPoolHasItsSettings() {
    TestSupport.Run explain = TestSupport.anvil("-C", TestSupport.repoRoot().toString(), "explain",
        "logical:inference/eks/t4-spot", "kubernetes.pool.cluster");
    assertEquals(0, explain.exit(), explain.err());
    assertTrue(explain.out().contains("kubernetes.pool.cluster = eks-inference"), explain.out());
    assertTrue(explain.out().contains("set by   logical:inference/eks (merge)  policies/logical/eks.yaml:8:"),
        "inherited from the parent group: " + explain.out());
  }
}
