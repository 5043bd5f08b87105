package dev.anvil.model;

/** How a policy entry combines with weaker sources of the same entry. */
public enum Strategy {
  /** The stronger value replaces the weaker one entirely. */
  OVERRIDE,
  /** Maps deep-merge (stronger leaves win), lists union. */
  MERGE;

  public static Strategy parse(String s) {
    return s == null ? OVERRIDE : valueOf(s.toUpperCase(java.util.Locale.ROOT));
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
