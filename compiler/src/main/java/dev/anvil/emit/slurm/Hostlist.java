package dev.anvil.emit.slurm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Slurm hostlist compression: {@code gpu-node-01,gpu-node-02,gpu-node-04} → {@code gpu-node-[01-02,04]}.
 * Names group by prefix and digit width: zero-padded numbers ({@code 01}) only range with numbers of
 * the same width, unpadded ones ({@code 1}, {@code 10}) with each other.
 */
public final class Hostlist {
  private static final Pattern TRAILING_NUMBER = Pattern.compile("^(.*?[^0-9])?([0-9]+)$");

  private Hostlist() {}

  public static String compress(Collection<String> names) {
    Map<String, TreeSet<Long>> groups = new TreeMap<>();
    Map<String, String> prefixes = new TreeMap<>();
    List<String> plain = new ArrayList<>();
    // first pass: the padded widths in use per prefix ("node08" pads to 2)
    Map<String, java.util.Set<Integer>> padded = new TreeMap<>();
    for (String name : names) {
      Matcher m = TRAILING_NUMBER.matcher(name);
      if (m.matches() && m.group(2).length() > 1 && m.group(2).startsWith("0")) {
        padded.computeIfAbsent(m.group(1) == null ? "" : m.group(1), k -> new java.util.HashSet<>()).add(m.group(2).length());
      }
    }
    for (String name : new TreeSet<>(names)) {
      Matcher m = TRAILING_NUMBER.matcher(name);
      if (!m.matches()) {
        plain.add(name);
        continue;
      }
      String prefix = m.group(1) == null ? "" : m.group(1);
      String digits = m.group(2);
      // padded numbers keep their width, and an unpadded number of that many digits ("10" next to
      // "08") joins them, as Slurm pads every number of a range to its first number's width;
      // other unpadded numbers share width 0
      boolean isPadded = digits.length() > 1 && digits.startsWith("0");
      int width = isPadded || padded.getOrDefault(prefix, java.util.Set.of()).contains(digits.length()) ? digits.length() : 0;
      String key = prefix + "\u0000" + width;
      prefixes.put(key, prefix);
      groups.computeIfAbsent(key, k -> new TreeSet<>()).add(Long.parseLong(digits));
    }
    TreeMap<String, String> parts = new TreeMap<>();
    for (String name : plain) parts.put(name, name);
    groups.forEach((key, numbers) -> {
      int width = Integer.parseInt(key.substring(key.indexOf('\u0000') + 1));
      String prefix = prefixes.get(key);
      if (numbers.size() == 1) {
        String single = prefix + pad(numbers.first(), width);
        parts.put(single, single);
        return;
      }
      List<String> ranges = new ArrayList<>();
      long start = -1;
      long prev = -1;
      for (long n : numbers) {
        if (start < 0) {
          start = n;
        } else if (n != prev + 1) {
          ranges.add(range(start, prev, width));
          start = n;
        }
        prev = n;
      }
      ranges.add(range(start, prev, width));
      parts.put(prefix + pad(numbers.first(), width), prefix + "[" + String.join(",", ranges) + "]");
    });
    return String.join(",", parts.values());
  }

  /** The names of a hostlist in this class's own syntax ({@code a-[01-03,07],b}). */
  public static List<String> expand(String hostlist) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("([^,\\[]*)(?:\\[([^\\]]*)\\])?,?").matcher(hostlist);
    while (m.find() && m.end() > m.start()) {
      if (m.group(2) == null) {
        if (!m.group(1).isEmpty()) out.add(m.group(1));
        continue;
      }
      for (String range : m.group(2).split(",")) {
        String[] ends = range.split("-");
        int width = ends[0].length() > 1 && ends[0].startsWith("0") ? ends[0].length() : 0;
        long to = Long.parseLong(ends[ends.length - 1]);
        for (long n = Long.parseLong(ends[0]); n <= to; n++) out.add(m.group(1) + pad(n, width));
      }
    }
    return out;
  }

  private static String range(long from, long to, int width) {
    return from == to ? pad(from, width) : pad(from, width) + "-" + pad(to, width);
  }

  private static String pad(long n, int width) {
    String s = Long.toString(n);
    return width > s.length() ? "0".repeat(width - s.length()) + s : s;
  }
}
