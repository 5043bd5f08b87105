package dev.anvil.importer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * slurm.conf and gres.conf as Slurm reads them: lines of {@code Key=Value} words, keys in any case,
 * {@code #} comments, {@code \} continuations, double-quoted values, and {@code Include} of further
 * files (relative to the including file's directory).
 */
final class SlurmConf {
  /** Deeper than this an Include is a loop, not a layout. */
  private static final int MAX_INCLUDE_DEPTH = 16;

  /** One line: its words in order, keys lower-cased; {@code where} is file:line for notes. */
  record Line(Map<String, String> words, String where) {
    /** The line's kind and name: its first word ({@code nodename}, {@code partitionname}, ...). */
    String kind() {
      return words.keySet().iterator().next();
    }

    String name() {
      return words.values().iterator().next();
    }

    String get(String key) {
      return words.get(key);
    }
  }

  private SlurmConf() {}

  /** The lines of {@code file} and of everything it includes, in order. */
  static List<Line> read(Path file) throws IOException {
    List<Line> out = new ArrayList<>();
    read(file, 0, out);
    return out;
  }

  private static void read(Path file, int depth, List<Line> out) throws IOException {
    if (depth > MAX_INCLUDE_DEPTH) throw new IOException("Include nested deeper than " + MAX_INCLUDE_DEPTH + " files");
    List<String> physical = Files.readAllLines(file);
    StringBuilder logical = new StringBuilder();
    int first = 0;
    for (int i = 0; i < physical.size(); i++) {
      if (logical.length() == 0) first = i + 1;
      String line = stripComment(physical.get(i));
      if (line.endsWith("\\")) {
        logical.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      logical.append(line);
      String text = logical.toString().strip();
      logical.setLength(0);
      if (text.isEmpty()) continue;
      String where = file.getFileName() + ":" + first;
      if (text.regionMatches(true, 0, "include ", 0, 8)) {
        Path included = file.toAbsolutePath().getParent().resolve(text.substring(8).strip());
        read(included, depth + 1, out);
        continue;
      }
      Map<String, String> words = words(text);
      if (!words.isEmpty()) out.add(new Line(words, where));
    }
  }

  /** The line without its comment: a {@code #} not escaped as {@code \#}. */
  private static String stripComment(String line) {
    StringBuilder out = new StringBuilder(line.length());
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '#') {
        out.append('#');
        i++;
      } else if (c == '#') {
        break;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * {@code Key=Value} words, split on blanks; a value that starts with a double quote runs to the
   * next one, blanks included, and loses its quotes (elsewhere a quote is just a character, as in Slurm).
   */
  private static Map<String, String> words(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : ' ';
      if (c == '"' && (quoted || word.length() > 0 && word.charAt(word.length() - 1) == '=')) {
        quoted = !quoted;
      } else if (!quoted && Character.isWhitespace(c)) {
        int eq = word.indexOf("=");
        if (eq > 0) out.putIfAbsent(word.substring(0, eq).toLowerCase(Locale.ROOT), word.substring(eq + 1));
        else if (word.length() > 0) out.putIfAbsent(word.toString().toLowerCase(Locale.ROOT), "");
        word.setLength(0);
      } else {
        word.append(c);
      }
    }
    return out;
  }
}
