package dev.anvil.diag;

/**
 * Makes input text safe to echo on a terminal or into a CI log: control characters, line and
 * paragraph separators and bidirectional overrides become visible escapes, so a crafted value can
 * neither forge a {@code file:line:col: error:} line nor hide what it says; long values are cut.
 */
public final class Text {
  /** Longest value shown in a message before it is cut. */
  public static final int MAX_SHOWN = 120;

  private Text() {}

  /** The value escaped and cut to {@link #MAX_SHOWN} characters. */
  public static String shown(String value) {
    return escape(value, MAX_SHOWN);
  }

  /** The value escaped and cut to {@code max} characters (of the original), saying how much is left out. */
  public static String escape(String value, int max) {
    if (value == null) return "null";
    StringBuilder sb = null;
    int n = Math.min(value.length(), max);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      String esc = escapeOf(c);
      if (esc != null && sb == null) sb = new StringBuilder(value.length() + 16).append(value, 0, i);
      if (sb != null) {
        if (esc != null) sb.append(esc);
        else sb.append(c);
      }
    }
    String s = sb != null ? sb.toString() : value.substring(0, n);
    if (value.length() > max) s += "…(" + (value.length() - max) + " more characters)";
    return s;
  }

  /** Whether {@code c} would be escaped: what single-line fields of the input must not hold. */
  public static boolean isUnsafe(char c) {
    return escapeOf(c) != null;
  }

  private static String escapeOf(char c) {
    return switch (c) {
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      default -> (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029'
          || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\ufeff')
          ? String.format("\\u%04x", (int) c) : null;
    };
  }
}
