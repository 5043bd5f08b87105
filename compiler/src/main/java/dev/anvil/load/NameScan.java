package dev.anvil.load;

import java.util.List;

/**
 * Tells, without parsing, whether a YAML text can hold a scalar equal to one of a few group names
 * ({@code namespace:path/to/group}): which policies {@code anvil explain} reads for a host.
 *
 * <p>Sound for names made of host-name characters ({@link WordScan}), ':' and '/', which YAML writes
 * as themselves. Such a scalar is either in the text as it is — plain, quoted or in a block — or
 * spelled with a backslash escape inside double quotes. As it is, no host-name character or '/' is
 * next to it: a plain scalar would go on through those, and a quoted one ends at its quote. So a
 * text without such an escape in which no name stands alone like that has no scalar equal to one.
 */
public final class NameScan implements DocumentSieve.Scan {
  private final List<String> names;

  private NameScan(List<String> names) {
    this.names = names;
  }

  public static NameScan of(java.util.Collection<String> names) {
    return new NameScan(List.copyOf(names));
  }

  /** Whether one of the names is in the text at all, or a backslash is. */
  @Override
  public boolean mayHoldAnywhere(String text) {
    return WordScan.holdsAnyOrBackslash(text, names);
  }

  @Override
  public boolean mayHold(String text, int from, int to) {
    // searched in a copy: a search of the whole text from a document on would cost the rest of the file
    String part = text.substring(from, to);
    for (String name : names) {
      for (int at = part.indexOf(name); at >= 0; at = part.indexOf(name, at + 1)) {
        if (!continues(part, at - 1) && !continues(part, at + name.length())) return true;
      }
    }
    for (int i = part.indexOf('\\'); i >= 0; i = part.indexOf('\\', i + 1)) {
      // '/' may be escaped too (YAML 1.2)
      if (WordScan.mayJoinOrSpell(part, i + 1, part.length()) || part.charAt(i + 1) == '/') return true;
    }
    return false;
  }

  /** Whether the character at {@code i} would make a name written next to it part of a longer scalar. */
  private static boolean continues(String text, int i) {
    if (i < 0 || i >= text.length()) return false;
    char c = text.charAt(i);
    return WordScan.wordChar(c) || c == '/';
  }
}
