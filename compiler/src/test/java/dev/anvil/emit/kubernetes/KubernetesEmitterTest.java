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
 * The example fleet's on-prem cluster, read back as the Go tools read it (YAML 1.1, where 0x20B0 is a
 * number and yes a boolean): every label a node carries names a config that exists, and the
 * settings come from the policy that wins by namespace priority.
 */
class KubernetesEmitterTest {
  static final Path DIR = TestSupport.repoRoot().resolve("out/kubernetes/onprem-serving");

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
}
