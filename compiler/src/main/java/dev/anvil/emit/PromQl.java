package dev.anvil.emit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What Anvil checks in the PromQL it emits, before any tool sees it: the vector selectors an
 * expression reads (so that a per-host rule can be required to carry its host selector on each),
 * calls of functions Prometheus does not have, and unbalanced brackets. It scans tokens as
 * Prometheus's lexer does (strings, numbers, durations, keywords) but does not build a tree: full
 * parsing is promtool's, in the verify phase.
 *
 * <p>The function and keyword names are those of Prometheus v2.42.0 (commit 225c611,
 * promql/parser/functions.go and lex.go), the version Debian ships and the tests run.
 */
public final class PromQl {
  static final Set<String> FUNCTIONS = Set.of("abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh",
      "atan", "atanh", "avg_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh",
      "count_over_time", "days_in_month", "day_of_month", "day_of_week", "day_of_year", "deg", "delta", "deriv", "exp",
      "floor", "histogram_count", "histogram_sum", "histogram_fraction", "histogram_quantile", "holt_winters", "hour",
      "idelta", "increase", "irate", "label_replace", "label_join", "last_over_time", "ln", "log10", "log2",
      "max_over_time", "min_over_time", "minute", "month", "pi", "predict_linear", "present_over_time",
      "quantile_over_time", "rad", "rate", "resets", "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt",
      "stddev_over_time", "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year");
  static final Set<String> AGGREGATORS = Set.of("sum", "avg", "count", "min", "max", "group", "stddev", "stdvar", "topk",
      "bottomk", "count_values", "quantile");
  /** Keywords followed by a parenthesised list of label names. */
  static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  static final Set<String> OPERATORS = Set.of("and", "or", "unless", "atan2", "bool", "offset", "start", "end");

  private PromQl() {}

  /** A PromQL string literal. */
  public static String string(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  /** A vector selector: the metric name (empty for {@code {...}} alone) and the text between its braces. */
  public record Selector(String metric, String matchers) {
    @Override
    public String toString() {
      return metric + "{" + matchers + "}";
    }
  }

  /** The selectors read and the problems found (an empty list: nothing wrong that a scan can see). */
  public record Scan(List<Selector> selectors, List<String> problems) {}

  public static Scan scan(String expr) {
    List<Selector> selectors = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int depth = 0;  // open parentheses
    int i = 0;
    int n = expr.length();
    while (i < n) {
      char c = expr.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '#') {
        while (i < n && expr.charAt(i) != '\n') i++;
      } else if (c == '"' || c == '\'' || c == '`') {
        i = skipString(expr, i, problems);
      } else if (c == '{') {
        int end = closing(expr, i, problems);
        selectors.add(new Selector("", expr.substring(i + 1, Math.max(i + 1, end - 1))));
        i = end;
      } else if (c == '[') {
        int end = expr.indexOf(']', i);
        if (end < 0) {
          problems.add("unclosed '['");
          return new Scan(selectors, problems);
        }
        i = end + 1;
      } else if (c == '(') {
        depth++;
        i++;
      } else if (c == ')') {
        if (depth == 0) problems.add("unexpected ')'");
        else depth--;
        i++;
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_' || expr.charAt(i) == ':')) i++;
        String word = expr.substring(start, i);
        int next = skipSpace(expr, i);
        char after = next < n ? expr.charAt(next) : 0;
        String lower = word.toLowerCase(java.util.Locale.ROOT);
        if (LABEL_LISTS.contains(lower)) {
          if (after == '(') i = closingParen(expr, next, problems);
        } else if (AGGREGATORS.contains(lower) || OPERATORS.contains(lower) || lower.equals("inf") || lower.equals("nan")) {
          // an aggregation (its '(' is counted above), an operator or a number
        } else if (after == '(') {
          if (!FUNCTIONS.contains(word)) problems.add("unknown function '" + word + "'");
        } else if (after == '{') {
          int end = closing(expr, next, problems);
          selectors.add(new Selector(word, expr.substring(next + 1, Math.max(next + 1, end - 1))));
          i = end;
        } else {
          selectors.add(new Selector(word, ""));
        }
      } else if (Character.isDigit(c) || c == '.') {
        // numbers, hex, exponents and durations: letters and digits after a digit belong to it
        while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.'
            || ((expr.charAt(i) == '+' || expr.charAt(i) == '-') && (expr.charAt(i - 1) == 'e' || expr.charAt(i - 1) == 'E')))) {
          i++;
        }
      } else if (c == '$') {
        // a Grafana variable ($instance, ${job}, $__rate_interval) is not PromQL: skip its name
        i++;
        if (i < n && expr.charAt(i) == '{') i = Math.max(i + 1, expr.indexOf('}', i) + 1);
        while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_')) i++;
      } else if (c == '}' || c == ']') {
        problems.add("unexpected '" + c + "'");
        i++;
      } else {
        i++;  // operators, commas, '@'
      }
    }
    if (depth > 0) problems.add("unclosed '('");
    return new Scan(selectors, problems);
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    return i;
  }

  private static int skipString(String s, int i, List<String> problems) {
    char quote = s.charAt(i);
    for (int j = i + 1; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == '\\' && quote != '`') j++;
      else if (c == quote) return j + 1;
    }
    problems.add("unclosed string");
    return s.length();
  }

  /** The index after the '}' that closes the '{' at {@code i}; strings inside are skipped. */
  private static int closing(String s, int i, List<String> problems) {
    for (int j = i + 1; j < s.length(); ) {
      char c = s.charAt(j);
      if (c == '"' || c == '\'' || c == '`') j = skipString(s, j, problems);
      else if (c == '}') return j + 1;
      else j++;
    }
    problems.add("unclosed '{'");
    return s.length();
  }

  private static int closingParen(String s, int i, List<String> problems) {
    int end = s.indexOf(')', i);
    if (end < 0) {
      problems.add("unclosed '('");
      return s.length();
    }
    return end + 1;
  }
}
