package dev.anvil.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.Compiler;
import dev.anvil.diag.Diagnostic;
import dev.anvil.diag.Diagnostics;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A large file's text is kept deflated after loading; diagnostics still find its lines and positions. */
class SourceFileTest {
  /** {@code n} Host documents, the last one pointing at a group nobody declared. */
  private static String hosts(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("---\napiVersion: anvil.dev/v1\nkind: Host\nname: node-").append(i).append("\naddress: 10.0.")
          .append(i / 250).append('.').append(i % 250).append("\nprimary_group: infrastructure:")
          .append(i == n - 1 ? "nowhere" : "lab").append('\n');
    }
    return sb.toString();
  }

  @Test
  void compactedTextReadsBackTheSameLinesAndPositions() {
    String text = hosts(2000);
    assertTrue(text.length() > 1 << 16, "large enough to be compacted");
    SourceFile plain = new SourceFile("inventory/hosts.yaml", text);
    SourceFile compacted = new SourceFile("inventory/hosts.yaml", text);
    compacted.compact();
    assertEquals(text, compacted.text());
    assertEquals(plain.lines(), compacted.lines());
    PositionTree a = plain.positions(1999, 11996);
    PositionTree b = compacted.positions(1999, 11996);
    assertEquals(11996, a.line);
    assertEquals(a.line, b.line);
    assertEquals(a.column, b.column);
  }

  @Test
  void anErrorFoundAfterLoadingPointsAtItsLineInALargeFile() {
    String text = hosts(2000);
    List<SourceFile> sources = List.of(
        new SourceFile("inventory/groups.yaml", dev.anvil.TestSupport.LAB_GROUP),
        new SourceFile("inventory/hosts.yaml", text));
    Compiler.Compilation c = Compiler.compile(sources);
    Diagnostics d = c.diagnostics();
    Diagnostic unknown = d.all().stream().filter(x -> x.message().contains("nowhere")).findFirst().orElseThrow();
    List<String> lines = text.lines().toList();
    int line = unknown.position().line();
    assertEquals("primary_group: infrastructure:nowhere", lines.get(line - 1), unknown.toString());
    assertEquals(lines.get(line - 1), c.lines("inventory/hosts.yaml").get(line - 1));
  }

  /**
   * A document's positions parsed from its own lines are those of the whole file's parse: for each
   * document of texts with comments between documents, a first document without a marker, a flow
   * document on its marker line, explicit ends and directives, and CRLF line ends.
   */
  @Test
  void aDocumentsPositionsAloneAreThoseOfTheWholeFile() {
    List<String> texts = List.of(
        "# hosts\nname: a\nlist:\n  - x\n  - {y: 1,\n     z: 2}\n---\n# b\n\nname: b\nmap:\n  k: |\n    text\n    more\n  j: v\n"
            + "--- {name: c,\n  list: [1, 2]}\n---\n---\nname: d\n",
        "%YAML 1.1\n---\nname: a\n...\n%YAML 1.1\n---\nname: b\nk: v\n...\n# c\n---\nname: c\n",
        "---\r\nname: a\r\nk: v\r\n---\r\nname: b\r\nlist:\r\n  - 1\r\n---\r\nname: c\r\n",
        hosts(30));
    for (String text : texts) {
      SourceFile whole = new SourceFile("f.yaml", text);
      List<PositionTree> expected = YamlReader.positionsOf(whole);
      List<dev.anvil.load.Document> docs = YamlReader.read(whole, new Diagnostics());
      assertTrue(docs.size() >= 3, text);
      for (dev.anvil.load.Document d : docs) {
        SourceFile fresh = new SourceFile("f.yaml", text);
        PositionTree alone = fresh.positions(d.ref().documentIndex(), d.ref().startLine());
        assertSame(expected.get(d.ref().documentIndex()), alone, text + " #" + d.ref().documentIndex());
        assertEquals(text.contains("\r"), fresh.parsedWholeForPositions(), "only CR makes the whole file parsed");
      }
    }
  }

  private static void assertSame(PositionTree expected, PositionTree actual, String where) {
    assertEquals(List.of(expected.line, expected.column, expected.keyLine, expected.keyColumn),
        List.of(actual.line, actual.column, actual.keyLine, actual.keyColumn), where);
    assertEquals(expected.fields == null ? null : expected.fields.keySet(),
        actual.fields == null ? null : actual.fields.keySet(), where);
    if (expected.fields != null) expected.fields.forEach((k, v) -> assertSame(v, actual.fields.get(k), where + "/" + k));
    assertEquals(expected.items == null ? 0 : expected.items.size(), actual.items == null ? 0 : actual.items.size(), where);
    if (expected.items != null) {
      for (int i = 0; i < expected.items.size(); i++) assertSame(expected.items.get(i), actual.items.get(i), where + "/" + i);
    }
  }
}
