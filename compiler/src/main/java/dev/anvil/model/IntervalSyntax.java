package dev.anvil.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Alertmanager's time interval syntax, as its {@code timeinterval} package parses it
 * (prometheus/alertmanager, timeinterval/timeinterval.go; the same rules at v0.25.0, commit
 * 258fab7, the version Debian ships, and on main at 07ba642): lower-cased names,
 * {@code begin:end} ranges with begin not after end, weekdays by full name only, months by name or
 * number, days of month from -31 to 31 but not 0, times as HH:MM with start before end. One rule
 * is stricter: a month number outside 1-12, which Alertmanager accepts but never matches, is an
 * error.
 *
 * <p>Anvil accepts one thing Alertmanager does not: a time range that crosses midnight
 * ({@code 22:00}–{@code 02:00}). {@link #split} spells it as Alertmanager can: the evening part on
 * the given weekdays and the morning part on the day after each.
 */
public final class IntervalSyntax {
  static final List<String> WEEKDAYS = List.of("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday");
  static final List<String> MONTHS = List.of("january", "february", "march", "april", "may", "june", "july", "august",
      "september", "october", "november", "december");

  private IntervalSyntax() {}

  /** An inclusive range of a field, as integers (weekday: Sunday = 0). */
  public record Range(int begin, int end) {}

  /**
   * Reports each problem in one recurring interval in Anvil's spelling ({@code times: [{start,
   * end}]}) to {@code problem} (pointer below the interval, message); a crossing of midnight is
   * allowed.
   */
  public static void check(JsonNode spec, BiConsumer<String, String> problem) {
    for (String field : List.of("weekdays", "days_of_month", "months", "years")) {
      JsonNode list = spec.get(field);
      if (list == null) continue;
      for (int i = 0; i < list.size(); i++) {
        String err = rangeError(field, list.get(i).asText());
        if (err != null) problem.accept("/" + field + "/" + i, err);
      }
    }
    JsonNode times = spec.get("times");
    if (times == null) return;
    for (int i = 0; i < times.size(); i++) {
      JsonNode t = times.get(i);
      Integer start = minutes(t.path("start").asText());
      Integer end = minutes(t.path("end").asText());
      if (start == null) problem.accept("/times/" + i + "/start", "invalid time '" + t.path("start").asText() + "' (HH:MM, 00:00 to 23:59)");
      if (end == null) problem.accept("/times/" + i + "/end", "invalid time '" + t.path("end").asText() + "' (HH:MM, 00:00 to 24:00)");
      if (start == null || end == null) continue;
      if (start.equals(end)) {
        problem.accept("/times/" + i + "/end", "time range " + t.path("start").asText() + "–" + t.path("end").asText() + " is empty");
      } else if (start > end && end != 0 && (spec.has("days_of_month") || spec.has("months") || spec.has("years"))) {
        problem.accept("/times/" + i, "a time range that crosses midnight can be combined with weekdays only, not with"
            + " days_of_month, months or years (the day after the 31st is not a day of month); give the two parts"
            + " as separate intervals");
      }
    }
  }

  /** Why {@code text} is not a valid Alertmanager range of {@code field}, or null when it is. */
  public static String rangeError(String field, String text) {
    try {
      parse(field, text);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** Parses one range as Alertmanager does; throws IllegalArgumentException with its reason. */
  public static Range parse(String field, String text) {
    String in = text.toLowerCase(Locale.ROOT);
    String[] parts = in.split(":", -1);
    if (parts.length > 2) throw new IllegalArgumentException("invalid range '" + text + "' (one ':' at most)");
    int begin = member(field, parts[0], text);
    int end = parts.length == 2 ? member(field, parts[1], text) : begin;
    switch (field) {
      case "weekdays" -> {
        if (begin > end) throw new IllegalArgumentException("weekday range '" + text + "' ends before it starts"
            + " (weeks run sunday to saturday; give two ranges)");
      }
      case "days_of_month" -> {
        if (begin == 0 || begin < -31 || begin > 31 || end == 0 || end < -31 || end > 31) {
          throw new IllegalArgumentException("day of month out of range in '" + text + "' (1 to 31, or -1 to -31 from the end)");
        }
        if (begin < 0 && end > 0) throw new IllegalArgumentException("in '" + text + "', the end must be negative when the start is");
        int b = begin < 0 ? 28 + begin : begin;
        int e = end < 0 ? 28 + end : end;
        if (b > e) throw new IllegalArgumentException("day range '" + text + "' always ends before it starts");
      }
      case "months" -> {
        if (begin < 1 || begin > 12 || end < 1 || end > 12) throw new IllegalArgumentException("month out of range in '" + text + "'");
        if (begin > end) throw new IllegalArgumentException("month range '" + text + "' ends before it starts");
      }
      case "years" -> {
        if (begin > end) throw new IllegalArgumentException("year range '" + text + "' ends before it starts");
      }
      default -> throw new IllegalArgumentException("unknown time interval field " + field);
    }
    return new Range(begin, end);
  }

  private static int member(String field, String s, String text) {
    switch (field) {
      case "weekdays" -> {
        int i = WEEKDAYS.indexOf(s);
        if (i < 0) throw new IllegalArgumentException("'" + s + "' is not a weekday (sunday, monday, ..., saturday; full names)");
        return i;
      }
      case "months" -> {
        int i = MONTHS.indexOf(s);
        if (i >= 0) return i + 1;
        return number(s, "'" + s + "' is not a month (january ... december, or 1 to 12)");
      }
      default -> {
        return number(s, "'" + s + "' in '" + text + "' is not a number");
      }
    }
  }

  private static int number(String s, String message) {
    if (!s.matches("-?[0-9]{1,9}")) throw new IllegalArgumentException(message);
    return Integer.parseInt(s);
  }

  /** Minutes since midnight of HH:MM (24:00 allowed), as Alertmanager's parseTime; null if invalid. */
  public static Integer minutes(String hhmm) {
    if (!hhmm.matches("(([01][0-9])|(2[0-3])):[0-5][0-9]|24:00")) return null;
    return Integer.parseInt(hhmm.substring(0, 2)) * 60 + Integer.parseInt(hhmm.substring(3, 5));
  }

  /**
   * One recurring interval in Anvil's spelling → Alertmanager's ({@code start_time}/{@code end_time}),
   * as one or two entries: ranges within a day stay in the first; the morning parts of ranges that
   * cross midnight go into a second entry whose weekdays are the next day of each given weekday.
   */
  public static List<Map<String, Object>> split(JsonNode spec) {
    List<Object> sameDay = new ArrayList<>();
    List<Object> nextDay = new ArrayList<>();
    JsonNode times = spec.get("times");
    if (times != null) {
      for (JsonNode t : times) {
        String start = t.get("start").asText();
        String end = t.get("end").asText();
        Integer s = minutes(start);
        Integer e = minutes(end);
        if (s != null && e != null && s > e && e != 0) {
          sameDay.add(time(start, "24:00"));
          nextDay.add(time("00:00", end));
        } else {
          sameDay.add(time(start, e != null && e == 0 ? "24:00" : end));
        }
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(entry(spec, times == null ? null : sameDay, strings(spec.get("weekdays"))));
    if (!nextDay.isEmpty()) {
      List<Object> shifted = spec.has("weekdays") ? nextWeekdays(spec.get("weekdays")) : null;
      if (!spec.has("weekdays")) {
        // every day: the morning part is just another range of the same entry
        @SuppressWarnings("unchecked")
        List<Object> t = (List<Object>) out.get(0).get("times");
        t.addAll(nextDay);
      } else {
        out.add(entry(spec, nextDay, shifted));
      }
    }
    return out;
  }

  private static Map<String, Object> entry(JsonNode spec, List<Object> times, List<Object> weekdays) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (weekdays != null) out.put("weekdays", weekdays);
    for (String field : List.of("days_of_month", "months", "years")) {
      if (spec.has(field)) out.put(field, strings(spec.get(field)));
    }
    if (times != null) out.put("times", new ArrayList<>(times));
    if (spec.has("location")) out.put("location", spec.get("location").asText());
    return out;
  }

  /** The day after each weekday range; saturday wraps to sunday, so a range ending saturday splits. */
  private static List<Object> nextWeekdays(JsonNode ranges) {
    List<Object> out = new ArrayList<>();
    for (JsonNode r : ranges) {
      Range range = parse("weekdays", r.asText());
      int b = range.begin() + 1;
      int e = range.end() + 1;
      if (e <= 6) {
        out.add(spell(b, e));
      } else {
        if (b <= 6) out.add(spell(b, 6));
        out.add(WEEKDAYS.get(0));
      }
    }
    return out;
  }

  private static String spell(int b, int e) {
    return b == e ? WEEKDAYS.get(b) : WEEKDAYS.get(b) + ":" + WEEKDAYS.get(e);
  }

  private static Map<String, Object> time(String start, String end) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("start_time", start);
    t.put("end_time", end);
    return t;
  }

  private static List<Object> strings(JsonNode n) {
    if (n == null) return null;
    List<Object> out = new ArrayList<>();
    n.forEach(v -> out.add(v.asText()));
    return out;
  }
}
