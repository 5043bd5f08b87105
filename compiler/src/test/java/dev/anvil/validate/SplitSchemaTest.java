package dev.anvil.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The split Host schema gives the whole schema's verdict on every document, whichever part makes it
 * invalid, also for a value it has seen before; and no split is built where it could differ.
 */
class SplitSchemaTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final List<String> SHARED = List.of("primary_group", "groups", "labels", "provider", "hardware");

  private static final String VALID = """
      apiVersion: anvil.dev/v1
      kind: Host
      name: gpu-01
      address: 10.0.0.1
      primary_group: infrastructure:dc1/rack-a
      groups: [logical:ml-training, environment:production]
      labels: {team: ml}
      provider: {name: onprem, rack: a1}
      hardware:
        cpu: {cores: 64}
        memory_gb: 512
        accelerators:
          - {vendor: nvidia, model: H100, count: 8, memory_gb: 80}
        nics:
          - {name: ib0, type: infiniband, rate_gbps: 400}
      """;

  @Test
  void theSplitJudgesEveryDocumentAsTheWholeSchemaDoes() throws Exception {
    JsonNode tree = hostSchema();
    SplitSchema split = SplitSchema.of(tree, SHARED, SchemaValidator.factory(), SchemaValidator.config());
    assertNotNull(split, "the Host schema splits at the properties hosts share");
    JsonSchema whole = SchemaValidator.factory().getSchema(tree, SchemaValidator.config());

    List<String> documents = List.of(
        VALID,
        VALID,  // the shared values again, now remembered
        VALID.replace("vendor: nvidia", "vendor: bogus"),
        VALID.replace("vendor: nvidia", "vendor: bogus"),  // an invalid value remembered stays invalid
        VALID.replace("count: 8", "count: 0"),
        VALID.replace("cores: 64", "cores: 64, sockets: 2"),
        VALID.replace("logical:ml-training", "Bad Group"),
        VALID.replace("environment:production", "logical:ml-training"),  // uniqueItems
        VALID.replace("team: ml", "\"team-name\": ml"),
        VALID.replace("name: onprem", "name: ibm"),
        VALID.replace("infrastructure:dc1/rack-a", "rack-a"),
        VALID.replace("name: gpu-01", "name: gpu/01"),  // the rest: not a shared property
        VALID.replace("address: 10.0.0.1\n", ""),  // required, the rest too
        VALID + "extra: 1\n",  // additionalProperties
        VALID.replace("memory_gb: 512", "memory_gb: 256"));  // valid, a new hardware value
    int invalid = 0;
    for (String doc : documents) {
      JsonNode node = YAML.readTree(doc);
      boolean valid = whole.validate(node).isEmpty();
      assertEquals(valid, split.valid(node), doc);
      if (!valid) invalid++;
    }
    assertEquals(12, invalid, "every document but the three valid ones breaks the schema");
  }

  @Test
  void aFleetOfDistinctValuesRemembersAtMostTheLimit() throws Exception {
    SplitSchema split = SplitSchema.of(hostSchema(), SHARED, SchemaValidator.factory(), SchemaValidator.config());
    ObjectNode doc = (ObjectNode) YAML.readTree(VALID);
    for (int i = 1; i <= SplitSchema.MAX_REMEMBERED + 100; i++) {
      // a new tree each time: loaded trees are never changed
      doc.set("hardware", ((ObjectNode) doc.get("hardware")).deepCopy().put("memory_gb", i));
      assertTrue(split.valid(doc));
    }
    assertEquals(SplitSchema.MAX_REMEMBERED, split.remembered("hardware"));
  }

  /** A tree that documents share (the loader's shared entries) is judged again without walking it. */
  @Test
  void aSharedTreeIsFoundByIdentity() throws Exception {
    SplitSchema split = SplitSchema.of(hostSchema(), SHARED, SchemaValidator.factory(), SchemaValidator.config());
    ObjectNode doc = (ObjectNode) YAML.readTree(VALID);
    int[] walks = {0};
    ObjectNode hardware = new ObjectNode(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance) {
      @Override
      public int hashCode() {
        walks[0]++;
        return super.hashCode();
      }
    };
    hardware.setAll((ObjectNode) doc.get("hardware"));
    int firstTime = 0;
    for (int i = 0; i < 3; i++) {
      ObjectNode host = doc.deepCopy();
      host.set("hardware", hardware);
      assertTrue(split.valid(host));
      if (i == 0) firstTime = walks[0];
    }
    assertTrue(firstTime > 0);
    assertEquals(firstTime, walks[0], "hashed only when first seen");
  }

  @Test
  void noSplitWhereTheTopLevelOrAPartCouldJudgeOtherwise() throws Exception {
    ObjectNode tree = (ObjectNode) hostSchema();
    ObjectNode combined = tree.deepCopy();
    combined.putArray("allOf").addObject().putArray("required").add("labels");
    assertNull(SplitSchema.of(combined, SHARED, SchemaValidator.factory(), SchemaValidator.config()),
        "a top-level keyword that judges properties together");
    ObjectNode referring = tree.deepCopy();
    ((ObjectNode) referring.get("properties").get("hardware")).put("$ref", "#/properties/labels");
    assertNull(SplitSchema.of(referring, SHARED, SchemaValidator.factory(), SchemaValidator.config()),
        "a shared property's schema that refers elsewhere");
  }

  private static JsonNode hostSchema() throws Exception {
    try (InputStream in = SchemaValidator.class.getResourceAsStream("/dev/anvil/schema/host.schema.json")) {
      return new ObjectMapper().readTree(in);
    }
  }
}
