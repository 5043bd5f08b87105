package dev.anvil.emit.slurm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Slurm hostlist compression: {@code gpu-node-01,gpu-node-02,gpu-node-04} → {@code gpu-node-[01-02,04]}.
 * Names group by prefix and digit width: zero-padded numbers ({@code 01}) only range with numbers of
 * the same width, unpadded ones ({@code 1}, {@code 10}) with each other.
 */
public final class Hostlist {

  private Hostlist() {}

  /** A host name's prefix and trailing number, as written. */
  private record Numbered(String prefix, String digits) {}

  /**
   * Numbered names of one prefix and digit width (0: unpadded), which one range may cover. Hashed per
   * name: equals and hashCode written out, as the record's generated ones link through method handles.
   */
  private record Group(String prefix, int width) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Group g && width == g.width && prefix.equals(g.prefix);
    }

    @Override
    public int hashCode() {
      return prefix.hashCode() * 31 + width;
    }
  }

  /** Digits beyond this many are no number a range could hold (Slurm's are 64-bit): such a name stays whole. */
  private static final int MAX_DIGITS = 18;

  public static String compress(Collection<String> names) {
    // each group's numbers; the groups' order does not matter: the parts are sorted by their first name at the end
    Map<Group, java.util.stream.LongStream.Builder> groups = new java.util.HashMap<>();
    List<String> plain = new ArrayList<>();
    // first pass: each name parsed once, sorted; and the padded widths in use per prefix ("node08" pads to 2).
    // Both passes go name by name in lambdas, whose bodies are methods of their own: a loop's body in a
    // method called a few times per run would stay interpreted (docs/architecture.md, "Performance")
    Collection<String> sorted = isSorted(names) ? names : new TreeSet<>(names);
    List<Numbered> numbered = new ArrayList<>(sorted.size());
    Map<String, java.util.Set<Integer>> padded = new java.util.HashMap<>();
    sorted.forEach(name -> {
      // the trailing number: the longest run of ASCII digits at the end
      int at = name.length();
      while (at > 0 && name.charAt(at - 1) >= '0' && name.charAt(at - 1) <= '9') at--;
      if (at == name.length() || name.length() - at > MAX_DIGITS) {
        plain.add(name);
        return;
      }
      String prefix = name.substring(0, at);
      String digits = name.substring(at);
      numbered.add(new Numbered(prefix, digits));
      if (digits.length() > 1 && digits.startsWith("0")) {
        padded.computeIfAbsent(prefix, k -> new java.util.HashSet<>()).add(digits.length());
      }
    });
    numbered.forEach(n -> {
      String prefix = n.prefix();
      String digits = n.digits();
      // padded numbers keep their width, and an unpadded number of that many digits ("10" next to
      // "08") joins them, as Slurm pads every number of a range to its first number's width;
      // other unpadded numbers share width 0
      boolean isPadded = digits.length() > 1 && digits.startsWith("0");
      int width = isPadded || padded.getOrDefault(prefix, java.util.Set.of()).contains(digits.length()) ? digits.length() : 0;
      groups.computeIfAbsent(new Group(prefix, width), k -> java.util.stream.LongStream.builder()).add(Long.parseLong(digits));
    });
    TreeMap<String, String> parts = new TreeMap<>();
    for (String name : plain) parts.put(name, name);
    groups.forEach((group, numbers) -> {
      // distinct: the names are, and so are their numbers within a prefix and width
      long[] sortedNumbers = numbers.build().sorted().toArray();
      int width = group.width();
      String prefix = group.prefix();
      String first = prefix + pad(sortedNumbers[0], width);
      if (sortedNumbers.length == 1) {
        parts.put(first, first);
        return;
      }
      List<String> ranges = new ArrayList<>();
      long start = sortedNumbers[0];
      long prev = start;
      for (int i = 1; i < sortedNumbers.length; i++) {
        long n = sortedNumbers[i];
        if (n != prev + 1) {
          ranges.add(range(start, prev, width));
          start = n;
        }
        prev = n;
      }
      ranges.add(range(start, prev, width));
      parts.put(first, prefix + "[" + String.join(",", ranges) + "]");
    });
    return String.join(",", parts.values());
  }

  /** Whether the names are distinct and in order already (a sorted set, or a list of sorted names). */
  private static boolean isSorted(Collection<String> names) {
    if (names instanceof java.util.SortedSet<String> s) return s.comparator() == null;
    if (!(names instanceof List<String> list)) return false;
    for (int i = 1; i < list.size(); i++) if (list.get(i - 1).compareTo(list.get(i)) >= 0) return false;
    return true;
  }

  /** The names of a hostlist Anvil wrote itself (see {@link #compress}). */
  public static List<String> expand(String hostlist) {
    return expand(hostlist, Integer.MAX_VALUE);
  }

  /**
   * The names of a Slurm hostlist: comma-separated items, each with any number of bracketed ranges
   * ({@code rack[1-2]-node[01-04]-ib,login1}). At most {@code limit} names: a short list must not
   * expand into an unbounded one.
   *
   * @throws IllegalArgumentException on a malformed list or one longer than {@code limit}
   */
  public static List<String> expand(String hostlist, int limit) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i <= hostlist.length(); i++) {
      char c = i < hostlist.length() ? hostlist.charAt(i) : ',';
      if (c == '[') depth++;
      else if (c == ']') depth--;
      if (depth < 0 || depth > 1) throw new IllegalArgumentException("unbalanced brackets in hostlist");
      if (c == ',' && depth == 0) {
        if (i > from) expandItem(hostlist.substring(from, i), "", out, limit);
        from = i + 1;
      }
    }
    if (depth != 0) throw new IllegalArgumentException("unbalanced brackets in hostlist");
    return out;
  }

  /** Appends every name of {@code rest} (one item) after {@code prefix}, the first bracket first. */
  private static void expandItem(String rest, String prefix, List<String> out, int limit) {
    int open = rest.indexOf('[');
    if (open < 0) {
      if (out.size() >= limit) throw new IllegalArgumentException("hostlist has more than " + limit + " names");
      out.add(prefix + rest);
      return;
    }
    int close = rest.indexOf(']', open);
    String head = prefix + rest.substring(0, open);
    String tail = rest.substring(close + 1);
    for (String range : rest.substring(open + 1, close).split(",", -1)) {
      if (!RANGE.matcher(range).matches()) throw new IllegalArgumentException("not a range: '" + range + "'");
      String[] ends = range.split("-");
      // Slurm pads every number to the width of the range's first one ("[08-10]": 08 09 10)
      int width = ends[0].length();
      long first = Long.parseLong(ends[0]);
      long last = ends.length == 2 ? Long.parseLong(ends[1]) : first;
      if (last < first) throw new IllegalArgumentException("range '" + range + "' runs backwards");
      if (last - first >= limit) throw new IllegalArgumentException("hostlist has more than " + limit + " names");
      for (long n = first; n <= last; n++) expandItem(tail, head + pad(n, width), out, limit);
    }
  }

  private static final Pattern RANGE = Pattern.compile("[0-9]{1,18}(-[0-9]{1,18})?");

  private static String range(long from, long to, int width) {
    return from == to ? pad(from, width) : pad(from, width) + "-" + pad(to, width);
  }

  private static String pad(long n, int width) {
    String s = Long.toString(n);
    return width > s.length() ? "0".repeat(width - s.length()) + s : s;
  }
}
