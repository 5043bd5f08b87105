package dev.anvil.model;

import java.util.regex.Pattern;

/**
 * An Alertmanager label matcher as written in the input ({@code name="v"}, {@code !=},
 * {@code =~}, {@code !~}; the value quoted). A regex is anchored and compiled with RE2 semantics
 * (RE2/J), as Alertmanager compiles it with Go's regexp: what Java's regex accepts and RE2 refuses
 * (backreferences, lookaround, possessive quantifiers) must be refused here too.
 */
public record LabelMatcher(String name, String op, String value, com.google.re2j.Pattern regex) {
  private static final Pattern SYNTAX =
      Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");

  /** Parses one matcher; throws IllegalArgumentException with the reason. */
  public static LabelMatcher parse(String text) {
    java.util.regex.Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) throw new IllegalArgumentException("not a matcher: " + text);
    String value = m.group(3).replaceAll("\\\\(.)", "$1");
    String op = m.group(2);
    com.google.re2j.Pattern regex = null;
    if (op.contains("~")) {
      try {
        regex = com.google.re2j.Pattern.compile("^(?:" + value + ")$");
      } catch (com.google.re2j.PatternSyntaxException e) {
        throw new IllegalArgumentException("regex '" + value + "' is not valid RE2 (the syntax Alertmanager uses): "
            + e.getDescription());
      }
    }
    return new LabelMatcher(m.group(1), op, value, regex);
  }

  /** A missing label matches as the empty string, as in Alertmanager. */
  /** As Alertmanager writes it: {@code severity="critical"}. */
  public String spelled() {
    return name + op + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  public boolean matches(java.util.Map<String, String> labels) {
    String v = labels.getOrDefault(name, "");
    return switch (op) {
      case "=" -> v.equals(value);
      case "!=" -> !v.equals(value);
      case "=~" -> regex.matches(v);
      default -> !regex.matches(v);
    };
  }
}
