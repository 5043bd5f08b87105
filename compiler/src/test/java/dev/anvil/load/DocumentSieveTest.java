package dev.anvil.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.diag.Diagnostics;
import dev.anvil.diag.Position;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The documents explain takes out of a file: the same trees at the same lines and columns as in the whole file. */
class DocumentSieveTest {
  /** Line breaks of every kind the YAML reader counts, directives, ends and markers with content, in documents left out. */
  private static final String FILE = String.join("\n",
      "# a comment before the first document",
      "kind: Host",
      "name: first",
      "---",
      "kind: Host\r",
      "name: crlf-skipped\r",
      "description: \"a\\u0020b\" # an escape: this one may hold anything",
      "---",
      "kind: Host",
      "name: lone-cr-skipped\rlabels: {a: b}",
      "notes: one # c\u2028# d\u0085# e\u2029# f",
      "...",
      "%YAML 1.1",
      "--- {kind: Host, name: flow-skipped}",
      "--- |",
      "  a block scalar",
      "---",
      "kind: Host",
      "name: wanted",
      "groups: [x]",
      "---   # a marker with a comment",
      "kind: Host",
      "name: referenced",
      "---",
      "kind: Host",
      "name: wanted-not",
      "");

  @Test
  void takenDocumentsKeepTheirTreesAndPositions() {
    SourceFile file = new SourceFile("inventory/h.yaml", FILE);
    Map<String, Document> whole = byName(file);
    assertEquals(Set.of("first", "crlf-skipped", "lone-cr-skipped", "flow-skipped", "wanted", "referenced", "wanted-not"),
        whole.keySet());

    DocumentSieve sieve = new DocumentSieve(file);
    SourceFile first = sieve.take(WordScan.of(Set.of("wanted")));
    // the escape makes its document a maybe; the other documents are left out
    assertEquals(Set.of("crlf-skipped", "wanted"), byName(first).keySet());
    SourceFile second = sieve.take(WordScan.of(Set.of("referenced", "first", "wanted")));
    assertEquals(Set.of("first", "referenced"), byName(second).keySet(), "what was taken is not taken again");
    assertNull(sieve.take(WordScan.of(Set.of("wanted", "nobody"))));

    for (SourceFile part : List.of(first, second)) {
      byName(part).forEach((name, doc) -> {
        Document same = whole.get(name);
        assertEquals(same.root(), doc.root(), name);
        for (String pointer : List.of("", "/name", "/kind", "/groups/0")) {
          Position at = doc.ref().at(pointer);
          assertEquals(same.ref().at(pointer), at, name + " " + pointer);
          assertEquals(same.ref().keyAt(pointer), doc.ref().keyAt(pointer), name + " key " + pointer);
        }
      });
    }
  }

  @Test
  void aFileWhoseDocumentsAreAllTakenIsTheFileItself() {
    SourceFile file = new SourceFile("policies/p.yaml", "kind: Policy\n---\nkind: Group\n");
    assertSame(file, new DocumentSieve(file).take(WordScan.of(Set.of("Policy", "Group"))));
  }

  @Test
  void aTripleDashInsideALineOrFollowedByTextIsNoMarker() {
    SourceFile file = new SourceFile("h.yaml", "kind: Host\nname: a\ndescription: x --- y\n----\n---x: 1\n---\nkind: Host\nname: b\n");
    SourceFile part = new DocumentSieve(file).take(WordScan.of(Set.of("b")));
    // two documents only: the first (with its odd lines) is left out whole, not cut at "----" or "---x"
    assertEquals(Set.of("b"), byName(part).keySet());
    assertTrue(part.text().startsWith("\n\n\n\n\n---\nkind: Host"), part.text());
  }

  private static Map<String, Document> byName(SourceFile file) {
    Diagnostics d = new Diagnostics();
    Map<String, Document> out = new LinkedHashMap<>();
    for (Document doc : YamlReader.read(file, d)) {
      if (doc.root().isObject()) out.put(doc.root().path("name").asText(), doc);
    }
    assertEquals(List.of(), d.all(), file.text());
    return out;
  }
}
