package dev.anvil.load;

import java.util.List;

/**
 * One input file's text. Positions of YAML nodes are computed on first use by re-parsing, so that a
 * 100k-host fleet does not keep a position per node in memory when nothing needs them.
 */
public final class SourceFile {
  private final String path;
  /** The text; null once {@link #compact}ed, then inflated from {@link #packed} on demand. */
  private String text;
  private byte[] packed;
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

  public synchronized String text() {
    return text != null ? text : inflate(packed);
  }

  /**
   * Keeps the text deflated from now on: after loading it is read again only for a diagnostic's
   * position or lines, while a 100k-host fleet's 34 MB of YAML would stay in memory for the whole
   * compilation. Small files are left as they are.
   */
  public synchronized void compact() {
    if (text == null || text.length() < COMPACT_FROM) return;
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED);
    try {
      deflater.setInput(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      deflater.finish();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length() / 8);
      byte[] buffer = new byte[1 << 16];
      while (!deflater.finished()) out.write(buffer, 0, deflater.deflate(buffer));
      packed = out.toByteArray();
      text = null;
    } finally {
      deflater.end();
    }
  }

  private static final int COMPACT_FROM = 1 << 16;

  private static String inflate(byte[] packed) {
    try (var in = new java.util.zip.InflaterInputStream(new java.io.ByteArrayInputStream(packed))) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public synchronized List<String> lines() {
    if (lines == null) lines = List.of(text().split("\r?\n", -1));
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

  /**
   * Position tree of the document with the given index (0-based, empty documents count), whose first
   * token is on {@code startLine}. Where the document's lines can be told without parsing, only they
   * are parsed: {@code anvil explain} asks where one host of a thousand is declared. Otherwise, or
   * when they parse as anything but that document, the whole file is.
   */
  public synchronized PositionTree positions(int documentIndex, int startLine) {
    if (positions == null) {
      PositionTree alone = documentPositions.get(documentIndex);
      // each costs a pass over the text: for a file's many diagnostics, its positions at once
      if (alone == null && documentPositions.size() < MAX_ALONE && (alone = positionsAlone(startLine)) != null) {
        documentPositions.put(documentIndex, alone);
      }
      if (alone != null) return alone;
      positions = YamlReader.positionsOf(this);
    }
    return documentIndex < positions.size() ? positions.get(documentIndex) : PositionTree.EMPTY;
  }

  private static final int MAX_ALONE = 8;

  /** Whether the whole file was parsed for positions (for tests: a document alone should not need it). */
  synchronized boolean parsedWholeForPositions() {
    return positions != null;
  }

  /** Position trees of documents parsed alone, by index, until the whole file's are needed. */
  private final java.util.Map<Integer, PositionTree> documentPositions = new java.util.HashMap<>();

  /**
   * The document at {@code startLine} parsed from its own lines: from the last marker line ({@code ---})
   * at or before it to the next one. Null when line breaks other than {@code \n} could make the
   * parser's line numbers differ from this count, or when those lines are not that one document.
   */
  private PositionTree positionsAlone(int startLine) {
    String t = text();
    if (DocumentSieve.hasOtherLineBreaks(t)) return null;
    int at = 0;  // where line startLine starts
    for (int line = 1; line < startLine; line++) {
      at = t.indexOf('\n', at) + 1;
      if (at == 0) return null;
    }
    // the part that holds that line, as DocumentSieve parts a file
    int[] starts = DocumentSieve.starts(t);
    int found = java.util.Arrays.binarySearch(starts, at);
    int part = found >= 0 ? found : -found - 2;
    int from = starts[part];
    int to = part + 1 < starts.length ? starts[part + 1] : t.length();
    int fromLine = startLine;
    for (int i = t.indexOf('\n', from); i >= 0 && i < at; i = t.indexOf('\n', i + 1)) fromLine--;
    return YamlReader.positionsOfDocument(this, t.substring(from, to), fromLine, startLine);
  }

  @Override
  public String toString() {
    return path;
  }
}
