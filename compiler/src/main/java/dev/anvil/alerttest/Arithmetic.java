package dev.anvil.alerttest;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The arithmetic of example values once their parameters are filled in ("85 + 1", "100 / 10 - 1"):
 * numbers, + - * /, unary minus and parentheses. Anything else is not arithmetic, and the value is
 * then taken as promtool's expanding notation.
 */
final class Arithmetic {
  private final String text;
  private int pos;

  private Arithmetic(String text) {
    this.text = text;
  }

  static boolean looksLike(String text) {
    return text.matches("[0-9.eE+\\-*/() ]+") && text.chars().anyMatch(Character::isDigit)
        && !text.trim().matches(".*[0-9.]\\s+[0-9.].*");  // "1 2 3" is promtool's, not a sum
  }

  /** The value of {@code text}; IllegalArgumentException when it is not well-formed. */
  static BigDecimal eval(String text) {
    Arithmetic a = new Arithmetic(text);
    BigDecimal v = a.sum();
    a.skipSpace();
    if (a.pos != text.length()) throw new IllegalArgumentException("unexpected '" + text.charAt(a.pos) + "'");
    return v;
  }

  private BigDecimal sum() {
    BigDecimal v = product();
    while (true) {
      skipSpace();
      if (accept('+')) v = v.add(product());
      else if (accept('-')) v = v.subtract(product());
      else return v;
    }
  }

  private BigDecimal product() {
    BigDecimal v = unary();
    while (true) {
      skipSpace();
      if (accept('*')) {
        v = v.multiply(unary());
      } else if (accept('/')) {
        BigDecimal d = unary();
        if (d.signum() == 0) throw new IllegalArgumentException("division by zero");
        v = v.divide(d, MathContext.DECIMAL64);
      } else {
        return v;
      }
    }
  }

  private BigDecimal unary() {
    skipSpace();
    if (accept('-')) return unary().negate();
    if (accept('(')) {
      BigDecimal v = sum();
      skipSpace();
      if (!accept(')')) throw new IllegalArgumentException("missing ')'");
      return v;
    }
    int start = pos;
    while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.'
        || ((text.charAt(pos) == 'e' || text.charAt(pos) == 'E') && pos > start)
        || ((text.charAt(pos) == '-' || text.charAt(pos) == '+') && pos > start
            && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E')))) {
      pos++;
    }
    if (start == pos) throw new IllegalArgumentException("a number expected at column " + (pos + 1));
    return new BigDecimal(text.substring(start, pos));
  }

  private boolean accept(char c) {
    if (pos < text.length() && text.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void skipSpace() {
    while (pos < text.length() && text.charAt(pos) == ' ') pos++;
  }
}
