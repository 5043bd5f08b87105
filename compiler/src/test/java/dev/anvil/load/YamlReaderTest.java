package dev.anvil.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.diag.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlReaderTest {
  static List<Document> read(String text, Diagnostics d) {
    return YamlReader.read(new SourceFile("f.yaml", text), d);
  }

  /** A trailing "---", or one followed by comments only, is an empty document: nothing, as "--- ~" is. */
  @Test
  void emptyDocumentsAreNoDocuments() {
    Diagnostics d = new Diagnostics();
    List<Document> docs = read("---\n---\n# a comment\n---\nkind: Host\n---\n--- ~\n---\n", d);
    assertTrue(!d.hasErrors(), d.all().toString());
    assertEquals(1, docs.size());
    assertEquals(2, docs.get(0).ref().documentIndex(), "empty documents still count for positions");
    assertEquals(5, docs.get(0).ref().startLine());
    // Jackson reads an empty document as an empty string, so a document of just "" is nothing either
    assertEquals(List.of(), read("--- \"\"\n", d));
    assertEquals(1, read("--- \"x\"\n", d).size(), "other strings are documents, which the validator refuses");
  }

  @Test
  void aliasesExpandToTheAnchoredValueNotToItsName() {
    Diagnostics d = new Diagnostics();
    List<Document> docs = read("a: &x [1, 2]\nb: *x\nm: &m {k: v}\nn: *m\n", d);
    assertTrue(!d.hasErrors(), d.all().toString());
    assertEquals("[1,2]", docs.get(0).root().get("b").toString());
    assertEquals("{\"k\":\"v\"}", docs.get(0).root().get("n").toString());
  }

  @Test
  void anAliasOfAScalarIsAnErrorNotTheAliasName() {
    // Jackson reports no anchor on scalars and turns "*s" into the string "s"; we refuse instead
    Diagnostics d = new Diagnostics();
    read("c: &s hello\nd: *s\n", d);
    assertEquals("f.yaml:2:4", d.all().get(0).position().toString());
    assertTrue(d.all().get(0).message().contains("anchors work on maps and lists only"));
  }

  @Test
  void anchorsDoNotReachIntoTheNextDocument() {
    Diagnostics d = new Diagnostics();
    read("a: &x [1]\n---\nb: *x\n", d);
    assertEquals("f.yaml:3:4", d.all().get(0).position().toString());
    assertTrue(d.all().get(0).message().startsWith("unknown YAML alias '*x'"));
  }

  @Test
  void anAliasBombIsAnErrorNotAnExponentialTree() {
    StringBuilder y = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'h'; c++) {
      char prev = (char) (c - 1);
      y.append(c).append(": &").append(c).append(" [").append(("*" + prev + ", ").repeat(9)).append('*').append(prev)
          .append("]\n");
    }
    Diagnostics d = new Diagnostics();
    assertTrue(read(y.toString(), d).isEmpty());
    assertTrue(d.all().get(0).message().contains("alias bomb"), d.all().toString());
  }

  @Test
  void mergeKeysAndDuplicateKeysAreRejectedWithPositions() {
    Diagnostics d = new Diagnostics();
    read("base: &b {x: 1}\nthing:\n  <<: *b\n", d);
    assertEquals("f.yaml:3:3", d.all().get(0).position().toString());
    assertTrue(d.all().get(0).message().contains("merge keys"));

    Diagnostics dup = new Diagnostics();
    read("name: a\nport: 1\nname: b\n", dup);
    assertEquals(1, dup.all().size());
    assertEquals("duplicate key 'name'", dup.all().get(0).message());
    assertEquals("f.yaml:3:1", dup.all().get(0).position().toString());
    // in a nested mapping and a flow mapping too, at the second key
    Diagnostics nested = new Diagnostics();
    read("a:\n  b: 1\n  c: {x: 1, x: 2}\n", nested);
    assertEquals("f.yaml:3:13", nested.all().get(0).position().toString(), nested.all().toString());
  }

  @Test
  void overlongRunsAndLinesAreRefusedWhereTheyCrossTheLimit() {
    String run = "x".repeat(Limits.MAX_RUN_CHARS);
    Diagnostics fits = new Diagnostics();
    read("a: 1\nb: " + run + "\n", fits);
    assertTrue(!fits.hasErrors(), fits.all().toString());

    Diagnostics d = new Diagnostics();
    read("a: 1\n" + "c: \"" + run.substring(1) + " y\"\n" + "b:  " + run + "x\n", d);
    assertEquals(1, d.all().size(), d.all().toString());
    assertEquals("f.yaml:3:5", d.all().get(0).position().toString(), "where the run starts");
    assertTrue(d.all().get(0).message().startsWith("more than " + Limits.MAX_RUN_CHARS + " characters without a space"));

    Diagnostics line = new Diagnostics();
    read("a: 1\n\nb: \"" + "ab ".repeat(Limits.MAX_LINE_CHARS / 3 + 1) + "\"\n", line);
    assertEquals("f.yaml:3:1", line.all().get(0).position().toString());
    assertTrue(line.all().get(0).message().startsWith("a line longer than " + Limits.MAX_LINE_CHARS));
  }

  @Test
  void positionsOfEveryDocumentAreFoundByPointer() {
    SourceFile f = new SourceFile("f.yaml", "kind: A\n---\nkind: B\nspec:\n  items:\n    - x\n    - {name: y}\n");
    List<Document> docs = YamlReader.read(f, new Diagnostics());
    assertEquals(2, docs.size());
    SourceRef second = docs.get(1).ref();
    assertEquals("f.yaml:7:14", second.at("/spec/items/1/name").toString());
    assertEquals("f.yaml:7:8", second.keyAt("/spec/items/1/name").toString());
    assertEquals("f.yaml:5:3", second.keyAt("/spec/items/7").toString(), "a missing index lands on its parent");
  }
}
