package dev.anvil.model;

/** Dotted numeric versions (0.14.0); anything else compares as text. */
public final class Versions {
  private Versions() {}

  public static boolean isVersion(String v) {
    return v.matches("[0-9]+(\\.[0-9]+)*");
  }

  public static int compare(String a, String b) {
    if (!isVersion(a) || !isVersion(b)) return a.compareTo(b);
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = number(i < x.length ? x[i] : "0").compareTo(number(i < y.length ? y[i] : "0"));
      if (c != 0) return c;
    }
    return 0;
  }

  private static java.math.BigInteger number(String digits) {
    return new java.math.BigInteger(digits);  // any length: the digits are input
  }
}
