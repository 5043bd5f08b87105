package dev.anvil.load;

import java.util.List;

/**
 * One input file's text. Positions of YAML nodes are computed on first use by re-parsing, so that a
 * 100k-host fleet does not keep a position per node in memory when nothing needs them.
 */
public final class SourceFile {
  private final String path;
  private final String text;
  private List<String> lines;
  private List<PositionTree> positions;

  public SourceFile(String path, String text) {
    this.path = path;
    this.text = text;
  }

  /** Repository-relative path with '/' separators, as printed in diagnostics. */
  public String path() {
    return path;
  }

  public String text() {
    return text;
  }

  public synchronized List<String> lines() {
    if (lines == null) lines = List.of(text.split("\r?\n", -1));
    return lines;
  }

  private final java.util.Set<Integer> hiddenLines = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Marks a line that holds a secret-bearing value: diagnostics never print it. */
  public void hideLine(int line) {
    hiddenLines.add(line);
  }

  /** The lines as diagnostics may show them: those holding secrets replaced by a notice. */
  public List<String> shownLines() {
    if (hiddenLines.isEmpty()) return lines();
    List<String> out = new java.util.ArrayList<>(lines());
    for (int l : hiddenLines) if (l >= 1 && l <= out.size()) out.set(l - 1, "(line not shown: it holds a secret-bearing value)");
    return out;
  }

  /** Position tree of the document with the given index (0-based, empty documents count). */
  public synchronized PositionTree positions(int documentIndex) {
    if (positions == null) positions = YamlReader.positionsOf(this);
    return documentIndex < positions.size() ? positions.get(documentIndex) : PositionTree.EMPTY;
  }

  @Override
  public String toString() {
    return path;
  }
}
