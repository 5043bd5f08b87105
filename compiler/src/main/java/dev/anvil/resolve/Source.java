package dev.anvil.resolve;

import dev.anvil.model.GroupName;

/**
 * Who contributes a value, and how strong it is: built-in or template defaults, a group (by
 * namespace priority, then depth within one hierarchy), or the host itself.
 */
public record Source(Kind kind, String label, GroupName group, int priority, int depth) {

  public enum Kind { DEFAULT, GROUP, HOST }

  public static Source defaults(String label) {
    return new Source(Kind.DEFAULT, label, null, Integer.MAX_VALUE, 0);
  }

  public static Source group(GroupName g, int priority) {
    return new Source(Kind.GROUP, g.toString(), g, priority, g.depth());
  }

  public static Source host(String name) {
    return new Source(Kind.HOST, "host:" + name, null, Integer.MIN_VALUE, 0);
  }

  /**
   * Positive when {@code a} beats {@code b}, negative when it loses, 0 when they have equal rank —
   * two hosts' own values, one group twice, or two groups of equal priority where neither is an
   * ancestor of the other. Equal rank is a partial order's "incomparable": sources that must agree.
   */
  public static int compare(Source a, Source b) {
    if (a.kind != b.kind) return Integer.compare(a.kind.ordinal(), b.kind.ordinal());
    if (a.kind != Kind.GROUP) return 0;
    if (a.priority != b.priority) return Integer.compare(b.priority, a.priority);
    if (a.group.isAncestorOf(b.group)) return -1;
    if (b.group.isAncestorOf(a.group)) return 1;
    return 0;
  }

  /** A total order consistent with {@link #compare}: weakest first. */
  static int sortKey(Source a, Source b) {
    if (a.kind != b.kind) return Integer.compare(a.kind.ordinal(), b.kind.ordinal());
    if (a.priority != b.priority) return Integer.compare(b.priority, a.priority);
    if (a.kind == Kind.GROUP) {
      int c = Integer.compare(a.depth, b.depth);
      if (c != 0) return c;
    }
    return a.label.compareTo(b.label);
  }
}
