package dev.anvil.model;

import java.util.ArrayList;
import java.util.List;

/** A group's full name, {@code namespace:path/to/group}. Ancestors are the path's prefixes. */
public record GroupName(String namespace, String path) implements Comparable<GroupName> {

  /** Parses "ns:a/b"; returns null when the text is not of that form. */
  public static GroupName parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) return null;
    String path = text.substring(colon + 1);
    if (path.startsWith("/") || path.endsWith("/") || path.contains("//")) return null;
    return new GroupName(text.substring(0, colon), path);
  }

  public int depth() {
    return (int) path.chars().filter(c -> c == '/').count() + 1;
  }

  public GroupName parent() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? null : new GroupName(namespace, path.substring(0, slash));
  }

  /** This group and its ancestors, nearest first. */
  public List<GroupName> selfAndAncestors() {
    List<GroupName> out = new ArrayList<>();
    for (GroupName g = this; g != null; g = g.parent()) out.add(g);
    return out;
  }

  public boolean isAncestorOf(GroupName other) {
    return namespace.equals(other.namespace) && other.path.startsWith(path + "/");
  }

  @Override
  public int compareTo(GroupName o) {
    int c = namespace.compareTo(o.namespace);
    return c != 0 ? c : path.compareTo(o.path);
  }

  /**
   * Written out, with the formula of the record's own: a record's generated equals and hashCode
   * call through method handles, which C1 (the launcher's only compiler) runs about half as fast,
   * and group names are hash keys throughout loading, resolution and the emitters.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof GroupName g && namespace.equals(g.namespace) && path.equals(g.path);
  }

  @Override
  public int hashCode() {
    return 31 * namespace.hashCode() + path.hashCode();
  }

  @Override
  public String toString() {
    return namespace + ":" + path;
  }
}
