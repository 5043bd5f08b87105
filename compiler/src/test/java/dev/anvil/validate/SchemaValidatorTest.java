package dev.anvil.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.diag.Diagnostics;
import dev.anvil.load.Document;
import dev.anvil.load.SourceFile;
import dev.anvil.load.YamlReader;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Schemas are compiled a kind at a time, those that documents wait for first; a document waits only for its own kind's. */
class SchemaValidatorTest {
  @Test
  void kindsThatDocumentsWaitForAreCompiledFirst() {
    SchemaValidator v = new SchemaValidator();
    assertTrue(v.ready("NoSuchKind"), "an unknown kind needs no schema: validation reports it");
    assertFalse(v.ready("Partition"));
    assertFalse(v.ready("Group"));
    v.compile();
    List<String> order = v.compiledKinds();
    assertEquals(List.of("Partition", "Group", "Host"), order.subList(0, 3), "waited for, then Host's, then the rest");
    assertEquals(new TreeSet<>(SchemaValidator.KINDS.keySet()), new TreeSet<>(order), "each kind once");
    assertTrue(v.ready("Partition") && v.ready("Policy"));
  }

  @Test
  void aDocumentWaitsForItsKindsSchema() throws Exception {
    SchemaValidator v = new SchemaValidator();
    Document host = YamlReader.read(new SourceFile("inventory/h.yaml", """
        apiVersion: anvil.dev/v1
        kind: Host
        name: gpu-01
        address: 10.0.0.1
        primary_group: infrastructure:dc1
        """), new Diagnostics()).get(0);
    assertFalse(v.ready(host.kind()));
    Thread compiling = new Thread(v::compile);
    compiling.start();
    Diagnostics d = new Diagnostics();
    assertTrue(v.validate(host, d), d.all().toString());
    compiling.join();
  }
}
