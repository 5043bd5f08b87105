package dev.anvil.emit.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every object under out/kubernetes/ against the real schemas of the versions Anvil writes for
 * (kept in test/upstream/ with their source and checksum): core kinds against the Kubernetes 1.31
 * OpenAPI, NodePools and EC2NodeClasses against Karpenter v1.14.1's CRDs, ServiceMonitors and
 * PrometheusRules against prometheus-operator v0.93.0's, the GPU Operator's Helm
 * values against the v26.7.0 chart's own values. Strict, as kubectl's default field validation is:
 * a field the schema does not know is an error.
 */
class KubernetesSchemaTest {
  static final Path UPSTREAM = TestSupport.testDir("upstream");
  static final Path OUT = TestSupport.repoRoot().resolve("out/kubernetes");
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The pinned schema files and their checksums, as their SOURCE.md names them. */
  static final Map<String, String> PINNED = Map.of(
      "kubernetes-v1.31/core-v1.json", "a792f6b099a5dad4ca3dddb43b5c6326fdf147d371b39a56e387f9276c653cca",
      "karpenter-provider-aws-v1.14.1/karpenter.sh_nodepools.yaml",
      "3bb64a20c80776b77aa19a699ebdaf34480a7b2e7ec4ef890b43225b3517f878",
      "karpenter-provider-aws-v1.14.1/karpenter.k8s.aws_ec2nodeclasses.yaml",
      "62dec59f01c0972d4503ca3ed25f243ba9c2f561be0d964ce7a14c8df406132f",
      "prometheus-operator-v0.93.0/monitoring.coreos.com_servicemonitors.yaml",
      "a99047972c9dd7679ce2050b9968e8a08773492e671b3e17abd476d42aa78a32",
      "prometheus-operator-v0.93.0/monitoring.coreos.com_podmonitors.yaml",
      "45a93443daa687d3654f7e9631909ff7edcdf3ec09c5e60251b74aa2722aee5d",
      "prometheus-operator-v0.93.0/monitoring.coreos.com_prometheusrules.yaml",
      "78be98554b9c8506ab2b4f4feb91c5f3a56e536a0a510f3a8e876a459970d56d");

  /** apiVersion/kind → its schema. */
  static final Map<String, JsonSchema> SCHEMAS = schemas();

  static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static Map<String, JsonSchema> schemas() {
    try {
      for (Map.Entry<String, String> pinned : new TreeMap<>(PINNED).entrySet()) {
        assertEquals(pinned.getValue(), sha256(UPSTREAM.resolve(pinned.getKey())), pinned.getKey());
      }
      JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
      Map<String, JsonSchema> out = new TreeMap<>();
      JsonNode core = JSON.readTree(UPSTREAM.resolve("kubernetes-v1.31/core-v1.json").toFile());
      for (String kind : List.of("ConfigMap", "Node")) {
        ObjectNode root = JSON.createObjectNode();
        root.set("definitions", strict(core.get("definitions").deepCopy()));
        root.putArray("allOf").addObject().put("$ref", "#/definitions/io.k8s.api.core.v1." + kind);
        out.put("v1/" + kind, factory.getSchema(root));
      }
      for (String crd : new java.util.TreeSet<>(PINNED.keySet())) {
        if (!crd.endsWith(".yaml")) continue;
        JsonNode doc = YAML.readTree(UPSTREAM.resolve(crd).toFile());
        String group = doc.at("/spec/group").asText();
        String kind = doc.at("/spec/names/kind").asText();
        for (JsonNode version : doc.at("/spec/versions")) {
          JsonNode schema = strict(version.at("/schema/openAPIV3Schema").deepCopy());
          out.put(group + "/" + version.get("name").asText() + "/" + kind, factory.getSchema(schema));
        }
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Kubernetes refuses unknown fields (kubectl's default field validation is strict since 1.27),
   * which OpenAPI leaves open: every object schema with properties is closed, unless it keeps
   * unknown fields on purpose.
   */
  static JsonNode strict(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      if (o.has("properties") && !o.has("additionalProperties")
          && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        o.put("additionalProperties", false);
      }
      o.fields().forEachRemaining(e -> strict(e.getValue()));
    } else if (node.isArray()) {
      node.forEach(KubernetesSchemaTest::strict);
    }
    return node;
  }

  /** Every object of every YAML file under out/kubernetes/, but the Helm values. */
  static List<Map.Entry<String, JsonNode>> objects() throws Exception {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(OUT)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        if (f.getFileName().toString().equals("gpu-operator-values.yaml")) continue;
        int i = 0;
        for (Object doc : new Yaml().loadAll(Files.readString(f))) {
          if (doc != null) out.add(Map.entry(OUT.relativize(f) + "#" + i++, JSON.valueToTree(doc)));
        }
      }
    }
    return out;
  }

  static Set<ValidationMessage> validate(JsonNode object) {
    String key = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    JsonSchema schema = SCHEMAS.get(key);
    assertNotNull(schema, "a schema for " + key);
    return schema.validate(object);
  }

  @Test
  void everyEmittedObjectIsValidAgainstItsPinnedSchema() throws Exception {
    Map<String, Integer> kinds = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : objects()) {
      Set<ValidationMessage> errors = validate(e.getValue());
      assertTrue(errors.isEmpty(), e.getKey() + ": " + errors);
      kinds.merge(e.getValue().path("kind").asText(), 1, Integer::sum);
    }
    // both example clusters: two ConfigMaps, a ServiceMonitor, a PodMonitor and four rule families
    // each; the on-prem cluster's two nodes, the EKS cluster's three pools
    assertEquals(Map.of("ConfigMap", 4, "Node", 2, "NodePool", 3, "EC2NodeClass", 3, "ServiceMonitor", 2,
        "PodMonitor", 2, "PrometheusRule", 8), kinds);
  }

  @Test
  void theSchemasRefuseWhatKubernetesRefuses() throws Exception {
    // an unknown field, a wrong type, an unknown enum value: each is refused
    assertRefused("NodePool", "/spec", "consolidation", "yes", "unknown field");
    assertRefused("NodePool", "/spec", "weight", "ten", "weight is an integer");
    assertRefused("NodePool", "/spec/disruption", "consolidationPolicy", "Always", "consolidationPolicy is an enum");
    assertRefused("ServiceMonitor", "/spec/endpoints/0/relabelings/0", "action", "rename",
        "a relabelling action prometheus-operator does not know");
    assertRefused("ConfigMap", "/data", "replicas", 4, "ConfigMap data are strings");
  }

  /** The first emitted object of {@code kind}, with {@code field} at {@code at} set to {@code value}, is refused. */
  private static void assertRefused(String kind, String at, String field, Object value, String why) throws Exception {
    ObjectNode object = objects().stream().map(Map.Entry::getValue)
        .filter(o -> o.path("kind").asText().equals(kind)).findFirst().orElseThrow().deepCopy();
    ((ObjectNode) object.at(at)).set(field, JSON.valueToTree(value));
    assertFalse(validate(object).isEmpty(), why);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theOperatorValuesSetOnlyKeysTheChartHas() throws Exception {
    assertEquals("21ebfaa82dbfb6ad92b3c0ff33d7c891c7e66c9a0b008ce1c60a1897bae34418",
        sha256(UPSTREAM.resolve("gpu-operator-v26.7.0/values.yaml")));
    JsonNode chart = YAML.readTree(UPSTREAM.resolve("gpu-operator-v26.7.0/values.yaml").toFile());
    int checked = 0;
    try (Stream<Path> files = Files.walk(OUT)) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals("gpu-operator-values.yaml")).toList()) {
        JsonNode values = JSON.valueToTree(new Yaml().load(Files.readString(f)));
        checked += sameShape(values, chart, f.toString());
      }
    }
    assertEquals(14, checked, "7 values in each of two clusters");
  }

  /** Every leaf of {@code values} is a leaf of {@code chart} with a value of the same JSON type. */
  private static int sameShape(JsonNode values, JsonNode chart, String where) {
    int n = 0;
    var it = values.fields();
    while (it.hasNext()) {
      var e = it.next();
      JsonNode theirs = chart.get(e.getKey());
      assertNotNull(theirs, where + ": the chart has no value '" + e.getKey() + "'");
      if (e.getValue().isObject()) {
        assertTrue(theirs.isObject(), where + ": " + e.getKey() + " is no map in the chart");
        n += sameShape(e.getValue(), theirs, where + " " + e.getKey());
      } else {
        assertEquals(theirs.getNodeType(), e.getValue().getNodeType(), where + ": " + e.getKey());
        n++;
      }
    }
    return n;
  }
}
