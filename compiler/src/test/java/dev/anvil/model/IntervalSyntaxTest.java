package dev.anvil.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Alertmanager's time interval rules, and how a range that crosses midnight is spelled for it. */
class IntervalSyntaxTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void rangesAreParsedAsAlertmanagerParsesThem() {
    assertNull(IntervalSyntax.rangeError("weekdays", "Monday:FRIDAY"), "Alertmanager lower-cases");
    assertEquals(new IntervalSyntax.Range(1, 5), IntervalSyntax.parse("weekdays", "monday:friday"));
    assertEquals(new IntervalSyntax.Range(5, 5), IntervalSyntax.parse("months", "may"));
    assertEquals(new IntervalSyntax.Range(-7, -1), IntervalSyntax.parse("days_of_month", "-7:-1"));
    for (String[] bad : new String[][] {{"weekdays", "mon"}, {"weekdays", "sundays"}, {"weekdays", "1"},
        {"weekdays", "friday:monday"}, {"weekdays", "monday:tuesday:friday"}, {"months", "13"}, {"months", "0"},
        {"months", "dec:jan"}, {"days_of_month", "0"}, {"days_of_month", "32"}, {"days_of_month", "-1:5"},
        {"days_of_month", "10:2"}, {"years", "2027:2026"}, {"years", "twenty"}}) {
      assertEquals(true, IntervalSyntax.rangeError(bad[0], bad[1]) != null, bad[0] + " " + bad[1]);
    }
    assertNull(IntervalSyntax.minutes("24:01"));
    assertNull(IntervalSyntax.minutes("7:00"));
    assertEquals(1440, IntervalSyntax.minutes("24:00"));
  }

  @Test
  void aRangeCrossingMidnightMovesItsMorningToTheNextWeekday() throws Exception {
    JsonNode tueThu = JSON.readTree("""
        {"weekdays": ["tuesday", "thursday"], "times": [{"start": "22:00", "end": "02:00"}], "location": "Asia/Seoul"}""");
    assertEquals(List.of(
        Map.of("weekdays", List.of("tuesday", "thursday"), "times", List.of(Map.of("start_time", "22:00", "end_time", "24:00")),
            "location", "Asia/Seoul"),
        Map.of("weekdays", List.of("wednesday", "friday"), "times", List.of(Map.of("start_time", "00:00", "end_time", "02:00")),
            "location", "Asia/Seoul")), IntervalSyntax.split(tueThu));

    // saturday's next day is sunday: the range splits, as sunday comes first in Alertmanager's week
    JsonNode weekend = JSON.readTree("""
        {"weekdays": ["friday:saturday"], "times": [{"start": "23:00", "end": "01:00"}]}""");
    assertEquals(List.of("saturday", "sunday"), IntervalSyntax.split(weekend).get(1).get("weekdays"));

    // no weekdays: both parts are ranges of every day; an end of 00:00 is the end of the day
    JsonNode daily = JSON.readTree("""
        {"times": [{"start": "20:00", "end": "00:00"}, {"start": "23:30", "end": "00:30"}]}""");
    assertEquals(List.of(Map.of("times", List.of(Map.of("start_time", "20:00", "end_time", "24:00"),
        Map.of("start_time", "23:30", "end_time", "24:00"), Map.of("start_time", "00:00", "end_time", "00:30")))),
        IntervalSyntax.split(daily));
  }
}
