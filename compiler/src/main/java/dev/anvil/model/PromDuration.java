package dev.anvil.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus duration as prometheus/common's model.ParseDuration reads it: units y, w, d, h, m,
 * s, ms, each at most once and in that order ("1h30m", not "30m1h"), or "0". The schemas use the
 * same expression; this gives its value, to compare durations with each other.
 */
public final class PromDuration {
  private static final Pattern FORMAT = Pattern.compile(
      "^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$");
  private static final long[] UNIT_MS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};

  private PromDuration() {}

  /** Milliseconds; throws IllegalArgumentException for text Prometheus refuses. */
  public static long millis(String text) {
    if (text.equals("0")) return 0;
    Matcher m = FORMAT.matcher(text);
    if (text.isEmpty() || !m.matches()) throw new IllegalArgumentException("'" + text + "' is not a Prometheus duration");
    long total = 0;
    for (int i = 0; i < UNIT_MS.length; i++) {
      if (m.group(i + 1) == null) continue;
      try {
        total = Math.addExact(total, Math.multiplyExact(Long.parseLong(m.group(i + 1)), UNIT_MS[i]));
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException("duration '" + text + "' is too long for Prometheus");
      }
    }
    return total;
  }
}
