package dev.anvil.emit.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The MIG table against its source, the GPU Operator's own default mig-parted config, and its search. */
class MigTableTest {
  static final Path OPERATOR_CONFIG = TestSupport.testDir("upstream").resolve("gpu-operator-v26.7.0/0400_configmap.yaml");
  static final MigTable TABLE = MigTable.get();

  /** The mig-configs of the operator's default config, read from the ConfigMap's config.yaml. */
  static JsonNode operatorConfigs() throws Exception {
    byte[] bytes = Files.readAllBytes(OPERATOR_CONFIG);
    assertEquals("e0d1f060dbdd4237ad5cc519536f0e32148b9f7adb3f3d37b0f1dc8ff9d37a2f", java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)),
        "the vendored operator config is the one SOURCE.md names");
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    String config = yaml.readTree(bytes).get("data").get("config.yaml").asText();
    return yaml.readTree(config).get("mig-configs");
  }

  /** The entry of a config that applies to a model: the one whose device filter names one of its IDs, or the only one. */
  static JsonNode entryFor(JsonNode config, MigTable.Model model) {
    JsonNode unfiltered = null;
    for (JsonNode entry : config) {
      JsonNode filter = entry.get("device-filter");
      if (filter == null) {
        unfiltered = entry;
        continue;
      }
      List<String> ids = new ArrayList<>();
      if (filter.isArray()) filter.forEach(f -> ids.add(f.asText())); else ids.add(filter.asText());
      if (ids.stream().anyMatch(model.pciDeviceIds()::contains)) return entry;
    }
    return unfiltered;
  }

  @Test
  void everyProfilesMaximumIsWhatTheOperatorCreatesOnThatModel() throws Exception {
    JsonNode configs = operatorConfigs();
    int checked = 0;
    for (MigTable.Model model : TABLE.models().values()) {
      for (MigTable.Profile p : model.profiles().values()) {
        String name = "all-" + p.name().replace('+', '.');
        JsonNode config = configs.get(name);
        assertNotNull(config, "the operator has " + name);
        JsonNode entry = entryFor(config, model);
        assertNotNull(entry, name + " applies to the " + model.name());
        assertEquals(p.max(), entry.get("mig-devices").get(p.name()).asInt(), name + " on the " + model.name());
        // the operator's layout fits, and one more instance does not
        assertNull(model.whyNot(new TreeMap<>(Map.of(p.name(), p.max()))), name + " on the " + model.name());
        assertNotNull(model.whyNot(new TreeMap<>(Map.of(p.name(), p.max() + 1))), name + " + 1 on the " + model.name());
        checked++;
      }
    }
    assertEquals(47, checked, "7 profiles on each of 6 models, 5 on the A30");
  }

  @Test
  void theOperatorsBalancedLayoutFitsEveryModel() throws Exception {
    JsonNode balanced = operatorConfigs().get("all-balanced");
    for (MigTable.Model model : TABLE.models().values()) {
      JsonNode entry = entryFor(balanced, model);
      assertNotNull(entry, "all-balanced covers the " + model.name());
      SortedMap<String, Integer> layout = new TreeMap<>();
      entry.get("mig-devices").fields().forEachRemaining(e -> layout.put(e.getKey(), e.getValue().asInt()));
      assertNull(model.whyNot(layout), model.name() + " " + layout);
    }
  }

  @Test
  void placementsNotJustSlicesDecideWhatFits() {
    MigTable.Model a100 = TABLE.models().get("A100-40GB");
    // 4g + 3g and 3 × 2g + 1g use all 7 compute slices and fit
    assertNull(a100.whyNot(new TreeMap<>(Map.of("4g.20gb", 1, "3g.20gb", 1))));
    assertNull(a100.whyNot(new TreeMap<>(Map.of("2g.10gb", 3, "1g.5gb", 1))));
    // 2 × 3g + 1g is only 7 compute slices, but each 3g takes half the memory: no room is left
    String why = a100.whyNot(new TreeMap<>(Map.of("3g.20gb", 2, "1g.5gb", 1)));
    assertNotNull(why);
    assertTrue(why.contains("no placement for 1 × 1g.5gb + 2 × 3g.20gb"), why);
    // 4g + 2 × 2g: 8 compute slices
    assertNotNull(a100.whyNot(new TreeMap<>(Map.of("4g.20gb", 1, "2g.10gb", 2))));
    // a profile of another model
    String other = a100.whyNot(new TreeMap<>(Map.of("1g.10gb+me", 1)));
    assertTrue(other.contains("has no MIG profile 1g.10gb+me"), other);
  }

  @Test
  void hostsFindTheirModelByFamilyAndMemory() {
    assertEquals("H100-80GB", TABLE.modelOf("H100", 80).name());
    assertEquals("H100-80GB", TABLE.modelOf("NVIDIA H100 80GB HBM3", 80).name());
    assertEquals("H100-94GB", TABLE.modelOf("H100 NVL", 94).name());
    assertEquals("A100-40GB", TABLE.modelOf("nvidia-tesla-a100", 40).name());
    assertEquals("A30-24GB", TABLE.modelOf("A30", 24).name());
    assertNull(TABLE.modelOf("Tesla T4", 16), "no MIG on a T4");
    assertNull(TABLE.modelOf("L40S", 48));
    assertNull(TABLE.modelOf("A100", 48), "no A100 with 48 GB");
    assertNull(TABLE.modelOf("A3000", 24), "an A3000 is no A30");
    assertFalse(TABLE.families().isEmpty());
  }
}
