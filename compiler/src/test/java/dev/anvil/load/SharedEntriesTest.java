package dev.anvil.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.TestSupport;
import dev.anvil.diag.Diagnostics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Documents read from shared entries are the whole-file reader's: the same trees, indexes and first
 * lines; a file in any other form, or one that does not parse, is left to that reader.
 */
class SharedEntriesTest {
  private static final String HOST = """
      apiVersion: anvil.dev/v1
      kind: Host
      name: %s
      address: %s
      primary_group: infrastructure:rack-1
      groups: [logical:training, environment:production]
      hardware:
        cpu: {cores: 64}
        accelerators:
          - {vendor: nvidia, model: H100, count: 8}
      """;

  /** Forms this reads and the whole-file reader must agree on, and forms it must leave alone. */
  private static final List<String> TEXTS = List.of(
      "---\n" + HOST.formatted("a", "10.0.0.1") + "---\n" + HOST.formatted("b", "10.0.0.2"),
      // a document before the first marker, comments and blank lines between and after entries
      "# hosts\n" + HOST.formatted("a", "10.0.0.1") + "\n# the next one\n---\n\n# first\n" + HOST.formatted("b", "x.example"),
      // empty documents count; "--- ~" is one (what explain's sieve leaves)
      "---\n---\n# only a comment\n--- ~\n\n\n---\nkind: Host\nname: c\n",
      // a list at column 0 under its key, block scalars that keep their trailing lines, flow over lines
      "a: 1\nlist:\n- x\n- {y: 2}\nkeep: |+\n  text\n\n\nfold: >-\n  one\n  two\nflow: {a: 1,\n  b: [2,\n    3]}\nlast: z\n",
      // values whose parse could depend on where they stand: an explicit indentation, folded and plain
      // lines, a quoted scalar over lines (each parsed under a key of another length)
      "averyveryverylongkeyname: |2\n   indented text\n  less\nk: >\n  folded\n  text\n\n  para\n"
          + "description: plain\n  continued\n\n  lines\nq: \"one\n  two \\\n  three\"\nz: 0x1F\n",
      // a quoted scalar and a flow mapping running over a line at column 0 that looks like a key
      "note: \"hello\nworld: x\"\nother: 1\n",
      "labels: {a: 1,\nb: 2}\n",
      "labels: {a: hello\nworld: x}\n",
      // duplicate keys, within one document's unknown entries and between a known one and another
      HOST.formatted("a", "1") + "name: again\n",
      "---\n" + HOST.formatted("a", "1") + "---\n" + HOST.formatted("b", "2") + "groups: [x]\n",
      // forms read whole: anchors, tags, directives, ends, other documents, CRLF, tabs, other characters
      "a: &x [1]\nb: *x\n",
      "a: !!str 1\n",
      "%YAML 1.1\n---\na: 1\n",
      "a: 1\n...\n---\nb: 2\n",
      "- a\n- b\n",
      "--- {a: 1}\n",
      "---\n  indented: 1\n",
      "a: 1\r\nb: 2\r\n",
      "a:\t1\n",
      "a: caf\u00e9\n",
      "\"quoted key\": 1\n",
      "? complex\n: value\n",
      "a: 1",
      "key:value\n",
      "",
      // YAML that is not well formed: whatever the whole-file reader says stands
      "a: [1, 2\nb: 3\n",
      "a: 1\n b: 2\n");

  @Test
  void documentsAreTheWholeFileReadersOnesOrLeftToIt() {
    SharedEntries shared = new SharedEntries();
    for (int pass = 0; pass < 3; pass++) {
      for (String text : TEXTS) assertSameAsWholeFile(new SourceFile("inventory/h.yaml", text), shared);
    }
  }

  /** Every YAML file of the example repository and the test fixtures, read twice so that known entries are taken. */
  @Test
  void everyRepositoryFileReadsAsByTheWholeFileReader() throws IOException {
    SharedEntries shared = new SharedEntries();
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("inventory", "policies", "rules", "dashboards", "test")) {
      try (Stream<Path> s = Files.walk(TestSupport.repoRoot().resolve(dir))) {
        s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().forEach(files::add);
      }
    }
    assertTrue(files.size() > 100, "found " + files.size());
    int read = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (Path p : files) {
        if (assertSameAsWholeFile(new SourceFile(p.toString(), Files.readString(p)), shared)) read++;
      }
    }
    assertTrue(read > 40, "read from shared entries: " + read);
  }

  @Test
  void aHostFileIsReadAndItsRepeatedEntriesShareOneTree() {
    SharedEntries shared = new SharedEntries();
    String text = "---\n" + HOST.formatted("a", "10.0.0.1") + "---\n" + HOST.formatted("b", "10.0.0.2");
    List<Document> docs = shared.read(new SourceFile("inventory/a.yaml", text));
    assertNotNull(docs, "a file of Host documents is read from entries");
    assertSame(docs.get(0).root().get("hardware"), docs.get(1).root().get("hardware"), "parsed once in a file");
    assertEquals("b", docs.get(1).root().get("name").asText());
    // another file: what the first one repeated is known; what it had once (a name) is parsed again
    List<Document> other = shared.read(new SourceFile("inventory/b.yaml", "---\n" + HOST.formatted("a", "10.0.0.3")));
    assertSame(docs.get(0).root().get("hardware"), other.get(0).root().get("hardware"));
    assertNotSame(docs.get(0).root().get("name"), other.get(0).root().get("name"));
    assertEquals(docs.get(0).root().get("name"), other.get(0).root().get("name"));
  }

  @Test
  void formsItDoesNotKnowAreLeftToTheWholeFileReader() {
    SharedEntries shared = new SharedEntries();
    for (String text : List.of("a: &x [1]\nb: *x\n", "- a\n", "a: 1\r\n", "%YAML 1.1\n---\na: 1\n", "a: 1",
        "labels: {a: 1,\nb: 2}\n", "name: a\nname: b\n")) {
      assertNull(shared.read(new SourceFile("f.yaml", text)), text);
    }
  }

  /**
   * Reads {@code file} with and without shared entries; where shared entries read it, the documents
   * are the same; diagnostics always are. Returns whether shared entries read it.
   */
  private static boolean assertSameAsWholeFile(SourceFile file, SharedEntries shared) {
    Diagnostics whole = new Diagnostics();
    List<Document> expected = new ArrayList<>();
    boolean parsed = YamlReader.read(file, whole, expected::add);
    List<Document> direct = shared.read(file);
    if (direct != null) {
      assertTrue(parsed, file.path());
      assertEquals(describe(expected), describe(direct), file.path() + ":\n" + file.text());
    }
    Diagnostics viaShared = new Diagnostics();
    List<Document> actual = new ArrayList<>();
    assertEquals(parsed, YamlReader.read(file, viaShared, actual::add, shared), file.path());
    assertEquals(describe(expected), describe(actual), file.path());
    assertEquals(whole.all().toString(), viaShared.all().toString(), file.path());
    return direct != null;
  }

  private static List<String> describe(List<Document> docs) {
    return docs.stream().map(d -> d.ref().documentIndex() + "@" + d.ref().startLine() + " " + d.root()).toList();
  }
}
