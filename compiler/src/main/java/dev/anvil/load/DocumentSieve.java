package dev.anvil.load;

import java.util.ArrayList;
import java.util.List;

/**
 * One file's documents, taken a few at a time by the words they may hold ({@link WordScan}), without
 * parsing: how {@code anvil explain} reads one host's document out of a file of a thousand.
 *
 * <p>Documents are split at the lines that start with {@code ---} (then a space, a tab or the line's
 * end): YAML forbids such a line inside any document's content, so each one starts a document, or
 * the file is not YAML (then the parser says so). A file's documents are handed over as a copy of
 * the file in which every other document is empty, its lines blank: the line numbers, and so every
 * position reported against the copy, are the file's own.
 */
public final class DocumentSieve {
  private final SourceFile file;
  private final String text;
  /** Where each part starts: the text before the first marker line, then each marker line on. */
  private final int[] starts;
  private final boolean[] taken;
  /** Whether the text has line breaks other than {@code \n}, which a blank document must keep. */
  private final boolean otherBreaks;

  public DocumentSieve(SourceFile file) {
    this.file = file;
    this.text = file.text();
    this.otherBreaks = hasOtherLineBreaks(text);
    this.starts = starts(text);
    this.taken = new boolean[starts.length];
  }

  /**
   * Where each part of {@code text} starts: at 0 (the text before the first marker line), then at
   * each marker line.
   */
  static int[] starts(String text) {
    List<Integer> at = new ArrayList<>();
    at.add(0);
    for (int i = text.indexOf("\n---"); i >= 0; i = text.indexOf("\n---", i + 1)) {
      if (startsLine(text, i + 1, "---")) at.add(i + 1);
    }
    return at.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Whether {@code text} has line breaks the YAML parser counts besides {@code \n}: CR, U+0085, U+2028, U+2029. */
  static boolean hasOtherLineBreaks(String text) {
    return text.indexOf('\r') >= 0 || text.indexOf('\u0085') >= 0 || text.indexOf('\u2028') >= 0
        || text.indexOf('\u2029') >= 0;
  }

  /** What a document's text is asked before it is taken: whether it may hold what is sought. */
  public interface Scan {
    /** Whether the text from {@code from} to {@code to} may hold what is sought. */
    boolean mayHold(String text, int from, int to);

    /**
     * False when no part of {@code text} can hold what is sought, found at a fraction of the cost of
     * asking each document: most files of a large fleet are other hosts'.
     */
    boolean mayHoldAnywhere(String text);

    /** Both scans: the text may hold what each seeks (this one asked first). */
    default Scan and(Scan other) {
      Scan self = this;
      return new Scan() {
        @Override public boolean mayHold(String text, int from, int to) {
          return self.mayHold(text, from, to) && other.mayHold(text, from, to);
        }

        @Override public boolean mayHoldAnywhere(String text) {
          return self.mayHoldAnywhere(text) && other.mayHoldAnywhere(text);
        }
      };
    }
  }

  /**
   * The documents not taken before that the scan says may hold what it seeks, in a copy of the file
   * with the others blank (the file itself when that is all of them); null when there are none.
   */
  public SourceFile take(Scan words) {
    if (!words.mayHoldAnywhere(text)) return null;
    boolean[] now = new boolean[starts.length];
    boolean any = false;
    boolean all = true;
    for (int d = 0; d < starts.length; d++) {
      now[d] = !taken[d] && words.mayHold(text, starts[d], end(d));
      any |= now[d];
      all &= now[d];
    }
    if (!any) return null;
    for (int d = 0; d < starts.length; d++) taken[d] |= now[d];
    if (all) return file;
    StringBuilder copy = new StringBuilder();
    for (int d = 0; d < starts.length; d++) {
      if (now[d]) copy.append(text, starts[d], end(d));
      else blank(starts[d], end(d), copy);
    }
    return new SourceFile(file.path(), copy.toString());
  }

  private int end(int document) {
    return document + 1 < starts.length ? starts[document + 1] : text.length();
  }

  /**
   * A document left out: its marker line {@code --- ~} (an empty document, which the reader skips),
   * the lines between documents ({@code ...} ends, {@code %} directives) as they are, and of every
   * other line only its line breaks — each one the YAML parser counts ({@code \r}, U+0085, U+2028,
   * U+2029) written as {@code \n}.
   */
  private void blank(int from, int to, StringBuilder copy) {
    for (int line = from; line < to; ) {
      int next = text.indexOf('\n', line);
      int end = next < 0 || next >= to ? to : next;
      if (line == from && startsLine(text, line, "---")) {
        copy.append("--- ~");
        breaks(line + 3, end, copy);
      } else if (startsLine(text, line, "...") || text.startsWith("%", line)) {
        copy.append(text, line, end);
      } else {
        breaks(line, end, copy);
      }
      if (end < to) copy.append('\n');
      line = end + 1;
    }
  }

  private void breaks(int from, int to, StringBuilder copy) {
    if (!otherBreaks) return;  // a host file's thousand other documents need no look at each character
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      boolean crBeforeLf = c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
      if (c == '\r' && !crBeforeLf || c == '\u0085' || c == '\u2028' || c == '\u2029') copy.append('\n');
    }
  }

  /**
   * Whether the line at {@code line} of {@code text} is {@code marker} ("---" or "...") and then a
   * space, a tab or its end.
   */
  static boolean startsLine(String text, int line, String marker) {
    if (!text.startsWith(marker, line)) return false;
    if (line + 3 == text.length()) return true;
    char c = text.charAt(line + 3);
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
}
