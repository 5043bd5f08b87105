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
