package dev.anvil.emit.alertmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.anvil.model.IntervalSyntax;

/**
 * Alertmanager time intervals: named recurring ones from the Alerting settings, and maintenance
 * windows. A one-off window becomes one interval per calendar day it touches (Alertmanager's
 * intervals recur, so a date range is spelled as year, month and day of month); a recurring time
 * range that crosses midnight becomes two ({@link IntervalSyntax#split}).
 */
final class TimeIntervals {
  private TimeIntervals() {}

  static List<Object> emit(ObjectNode named, Map<String, JsonNode> maintenance, String prefix) {
    List<Object> out = new ArrayList<>();
    named.fields().forEachRemaining(e -> out.add(Map.of("name", e.getKey(), "time_intervals", IntervalSyntax.split(e.getValue()))));
    maintenance.forEach((name, w) -> out.add(Map.of("name", prefix + name,
        "time_intervals", w.has("start") ? oneOff(w) : IntervalSyntax.split(w))));
    return out;
  }

  private static List<Object> oneOff(JsonNode w) {
    LocalDateTime start = LocalDateTime.parse(w.get("start").asText());
    LocalDateTime end = LocalDateTime.parse(w.get("end").asText());
    List<Object> days = new ArrayList<>();
    for (LocalDate d = start.toLocalDate(); !d.isAfter(end.toLocalDate()); d = d.plusDays(1)) {
      String from = d.equals(start.toLocalDate()) ? hhmm(start) : "00:00";
      String to = d.equals(end.toLocalDate()) ? hhmm(end) : "24:00";
      if (from.equals(to)) continue;  // a window ending at midnight touches the next day for no time
      Map<String, Object> day = new LinkedHashMap<>();
      day.put("years", List.of(String.valueOf(d.getYear())));
      day.put("months", List.of(d.getMonth().name().toLowerCase(Locale.ROOT)));
      day.put("days_of_month", List.of(String.valueOf(d.getDayOfMonth())));
      day.put("times", List.of(Map.of("start_time", from, "end_time", to)));
      day.put("location", w.get("location").asText());
      days.add(day);
    }
    return days;
  }

  private static String hhmm(LocalDateTime t) {
    return String.format(java.util.Locale.ROOT, "%02d:%02d", t.getHour(), t.getMinute());
  }
}
