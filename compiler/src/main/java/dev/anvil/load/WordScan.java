package dev.anvil.load;

import java.util.Set;

/**
 * Tells, without parsing, whether a YAML text can hold a scalar equal to one of a few words: what
 * lets {@code anvil explain} leave other hosts' documents unparsed ({@link DocumentSieve}).
 *
 * <p>Sound for words made of host-name characters (letters, digits, '.', '_', '-'), such as host
 * names and kinds. YAML spells such a scalar either as itself — plain, quoted or in a block, and
 * then bounded by characters outside that set (whitespace, quotes, indicators) — or with a
 * backslash escape inside double quotes. Folding only adds spaces and line breaks, which no such
 * word has. Of YAML's escapes only three can stand for such a character (a backslash and then x, u
 * or U), and an escaped line break joins two runs into one; every other escape stands for a character
 * outside the set. So a text without those in which no maximal run of those characters is one of the
 * words has no scalar equal to any of them.
 */
public final class WordScan implements DocumentSieve.Scan {
  private final Set<String> words;
  private final int shortest;
  private final int longest;
  /**
   * The words' hash codes, sorted (for a binary search), and a 64-bit filter of them: a run of the
   * text is hashed as it is read, so that nearly every run is ruled out without a substring (a host
   * file is all runs).
   */
  private final int[] hashes;
  private final long filter;

  private WordScan(Set<String> words) {
    this.words = words;
    int min = Integer.MAX_VALUE;
    int max = 0;
    int[] h = new int[words.size()];
    int n = 0;
    long f = 0;
    // a plain loop: a run makes only a few scans, and a stream's set-up would be interpreted
    for (String w : words) {
      min = Math.min(min, w.length());
      max = Math.max(max, w.length());
      h[n++] = w.hashCode();
      f |= 1L << w.hashCode();  // a shift takes the low six bits of the hash
    }
    java.util.Arrays.sort(h);
    this.shortest = min;
    this.longest = max;
    this.hashes = h;
    this.filter = f;
  }

  /**
   * A scan for {@code words}, made once for all the texts it is run on. Words this scan cannot vouch
   * for (see {@link #scannable}) are left out: no host's name or kind is made like them.
   */
  public static WordScan of(Set<String> words) {
    Set<String> kept = new java.util.HashSet<>();
    for (String w : words) if (scannable(w)) kept.add(w);
    return new WordScan(kept);
  }

  public boolean isEmpty() {
    return words.isEmpty();
  }

  /** Whether {@code word} is made only of the characters this scan's reasoning holds for. */
  public static boolean scannable(String word) {
    if (word.isEmpty()) return false;
    for (int i = 0; i < word.length(); i++) if (!wordChar(word.charAt(i))) return false;
    return true;
  }

  /**
   * True when {@code text} may hold a scalar equal to one of the words: one of them is a whole word
   * in it, or it has an escape that could spell a part of one ({@link #mayJoinOrSpell}).
   */
  public boolean mayHold(String text) {
    return mayHold(text, 0, text.length());
  }

  /**
   * Whether one of the words is in the text at all, even inside a longer one, or a backslash is. Each
   * word costs a search of the whole text, so a scan of more than two asks each document instead,
   * which is one pass.
   */
  @Override
  public boolean mayHoldAnywhere(String text) {
    return words.size() > 2 || holdsAnyOrBackslash(text, words);
  }

  /** Whether {@code text} holds one of {@code words} anywhere, even inside a longer one, or a backslash. */
  static boolean holdsAnyOrBackslash(String text, java.util.Collection<String> words) {
    if (text.indexOf('\\') >= 0) return true;
    for (String w : words) if (text.contains(w)) return true;
    return false;
  }

  /** {@link #mayHold(String)} for the text from {@code from} to {@code to}. */
  @Override
  public boolean mayHold(String text, int from, int to) {
    int start = -1;
    int hash = 0;  // String.hashCode of the run so far
    for (int i = from; i <= to; i++) {
      char c = i < to ? text.charAt(i) : ' ';
      if (c < 128 && WORD_CHAR[c]) {  // wordChar written out: this runs for each character of every file
        if (start < 0) {
          start = i;
          hash = 0;
        }
        hash = 31 * hash + c;
        continue;
      }
      if (c == '\\' && mayJoinOrSpell(text, i + 1, to)) return true;
      if (start >= 0) {
        int length = i - start;
        if (length >= shortest && length <= longest && (filter & 1L << hash) != 0
            && java.util.Arrays.binarySearch(hashes, hash) >= 0 && words.contains(text.substring(start, i))) {
          return true;
        }
        start = -1;
      }
    }
    return false;
  }

  /**
   * Whether a backslash followed by the text at {@code next} may be an escape that spells a host-name
   * character (x, u or U after it) or an escaped line break, which joins the runs on either side; the
   * end of the text may be followed by anything.
   */
  static boolean mayJoinOrSpell(String text, int next, int to) {
    if (next >= to) return true;
    char c = text.charAt(next);
    return c == 'x' || c == 'u' || c == 'U' || c == '\n' || c == '\r';
  }

  /** A host-name character: a letter, a digit, '.', '_' or '-'. */
  static boolean wordChar(char c) {
    return c < 128 && WORD_CHAR[c];
  }

  private static final boolean[] WORD_CHAR = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      WORD_CHAR[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-';
    }
  }
}
