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
    PositionTree a = plain.positions(1999);
    PositionTree b = compacted.positions(1999);
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
}
