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

/**
 * Alertmanager time intervals: named recurring ones from the Alerting settings, and maintenance
 * windows. A one-off window becomes one interval per calendar day it touches (Alertmanager's
 * intervals recur, so a date range is spelled as year, month and day of month).
 */
final class TimeIntervals {
  private TimeIntervals() {}

  static List<Object> emit(ObjectNode named, Map<String, JsonNode> maintenance, String prefix) {
    List<Object> out = new ArrayList<>();
    named.fields().forEachRemaining(e -> out.add(Map.of("name", e.getKey(), "time_intervals", List.of(recurring(e.getValue())))));
    maintenance.forEach((name, w) -> out.add(Map.of("name", prefix + name,
        "time_intervals", w.has("start") ? oneOff(w) : List.of(recurring(w)))));
    return out;
  }

  private static Map<String, Object> recurring(JsonNode spec) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String field : List.of("weekdays", "days_of_month", "months", "years")) {
      if (spec.has(field)) out.put(field, AlertmanagerEmitter.strings(spec.get(field)));
    }
    if (spec.has("times")) {
      List<Object> times = new ArrayList<>();
      spec.get("times").forEach(t -> times.add(Map.of("start_time", t.get("start").asText(), "end_time", t.get("end").asText())));
      out.put("times", times);
    }
    if (spec.has("location")) out.put("location", spec.get("location").asText());
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
    return String.format("%02d:%02d", t.getHour(), t.getMinute());
  }
}
