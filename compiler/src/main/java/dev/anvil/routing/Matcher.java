package dev.anvil.routing;

import java.util.Map;
import java.util.regex.Pattern;

/** An Alertmanager label matcher ({@code name="v"}, {@code !=}, {@code =~}, {@code !~}); regexes are anchored. */
record Matcher(String name, String op, String value, Pattern regex) {
  private static final Pattern SYNTAX =
      Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");

  static Matcher parse(String text) {
    java.util.regex.Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) throw new IllegalArgumentException("not a matcher: " + text);
    String value = m.group(3).replaceAll("\\\\(.)", "$1");
    String op = m.group(2);
    return new Matcher(m.group(1), op, value, op.contains("~") ? Pattern.compile("^(?:" + value + ")$") : null);
  }

  /** A missing label matches as the empty string, as in Alertmanager. */
  boolean matches(Map<String, String> labels) {
    String v = labels.getOrDefault(name, "");
    return switch (op) {
      case "=" -> v.equals(value);
      case "!=" -> !v.equals(value);
      case "=~" -> regex.matcher(v).matches();
      default -> !regex.matcher(v).matches();
    };
  }
}
