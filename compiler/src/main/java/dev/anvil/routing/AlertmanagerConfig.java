package dev.anvil.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.model.IntervalSyntax;
import dev.anvil.model.LabelMatcher;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An emitted alertmanager.yml, evaluated the way Alertmanager does: depth-first route matching with
 * {@code continue}, inherited receivers, mute and active time intervals (not inherited), and
 * inhibition. It answers what {@code amtool config routes test} cannot: time and inhibition.
 */
public final class AlertmanagerConfig {
  private final Route root;
  private final List<Inhibition> inhibitions = new ArrayList<>();
  private final Map<String, JsonNode> intervals = new HashMap<>();

  /**
   * A leaf of the route tree that an alert reached, and whether time mutes it at that moment.
   *
   * @param path the matchers of each route from the root's child down to the leaf, as written
   */
  public record Delivery(String receiver, boolean muted, List<String> path) {}

  private record Route(List<LabelMatcher> matchers, String receiver, boolean cont, List<String> mute, List<String> active,
      List<Route> children) {}

  private record Inhibition(List<LabelMatcher> source, List<LabelMatcher> target, List<String> equal) {}

  public AlertmanagerConfig(JsonNode config) {
    root = route(config.get("route"), null);
    for (JsonNode r : config.path("inhibit_rules")) {
      inhibitions.add(new Inhibition(matchers(r.get("source_matchers")), matchers(r.get("target_matchers")),
          strings(r.get("equal"))));
    }
    for (JsonNode ti : config.path("time_intervals")) intervals.put(ti.get("name").asText(), ti.get("time_intervals"));
  }

  private Route route(JsonNode n, String parentReceiver) {
    String receiver = n.has("receiver") ? n.get("receiver").asText() : parentReceiver;
    List<Route> children = new ArrayList<>();
    for (JsonNode c : n.path("routes")) children.add(route(c, receiver));
    return new Route(matchers(n.get("matchers")), receiver, n.path("continue").asBoolean(false), strings(n.get("mute_time_intervals")),
        strings(n.get("active_time_intervals")), children);
  }

  /** Where an alert goes; with {@code at} null, time intervals are not evaluated (as amtool). */
  public List<Delivery> route(Map<String, String> labels, Instant at) {
    List<Delivery> out = new ArrayList<>();
    for (List<Route> path : match(root, labels)) {
      Route r = path.get(path.size() - 1);
      boolean muted = at != null && (r.mute.stream().anyMatch(name -> contains(name, at))
          || (!r.active.isEmpty() && r.active.stream().noneMatch(name -> contains(name, at))));
      List<String> matchers = path.subList(1, path.size()).stream()
          .map(step -> String.join(", ", step.matchers.stream().map(LabelMatcher::spelled).toList())).toList();
      out.add(new Delivery(r.receiver, muted, matchers));
    }
    return out;
  }

  /** The paths from {@code r} to each leaf the alert reaches ({@code r} first). */
  private static List<List<Route>> match(Route r, Map<String, String> labels) {
    if (!r.matchers.stream().allMatch(m -> m.matches(labels))) return List.of();
    List<List<Route>> all = new ArrayList<>();
    for (Route c : r.children) {
      List<List<Route>> found = match(c, labels);
      for (List<Route> f : found) {
        List<Route> path = new ArrayList<>(List.of(r));
        path.addAll(f);
        all.add(path);
      }
      if (!found.isEmpty() && !c.cont) break;
    }
    if (all.isEmpty()) all.add(List.of(r));
    return all;
  }

  /** Whether another firing alert inhibits this one (an alert never inhibits itself). */
  public boolean inhibited(Map<String, String> alert, List<Map<String, String>> firing) {
    for (Inhibition i : inhibitions) {
      if (!i.target.stream().allMatch(m -> m.matches(alert))) continue;
      for (Map<String, String> source : firing) {
        if (source.equals(alert) || !i.source.stream().allMatch(m -> m.matches(source))) continue;
        if (i.equal.stream().allMatch(l -> Objects.equals(source.getOrDefault(l, ""), alert.getOrDefault(l, "")))) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean contains(String interval, Instant at) {
    JsonNode specs = intervals.get(interval);
    if (specs == null) return false;
    for (JsonNode spec : specs) if (contains(spec, at)) return true;
    return false;
  }

  /** One time interval entry: every field given must hold, in its location (UTC by default). */
  static boolean contains(JsonNode spec, Instant at) {
    ZonedDateTime t = at.atZone(ZoneId.of(spec.path("location").asText("UTC")));
    if (spec.has("times")) {
      int minute = t.getHour() * 60 + t.getMinute();
      boolean any = false;
      for (JsonNode r : spec.get("times")) {
        any |= minute >= minutes(r.get("start_time").asText()) && minute < minutes(r.get("end_time").asText());
      }
      if (!any) return false;
    }
    if (spec.has("weekdays") && !inRanges(spec.get("weekdays"), t.getDayOfWeek().getValue() % 7, "weekdays")) {
      return false;
    }
    if (spec.has("days_of_month")) {
      int length = t.toLocalDate().lengthOfMonth();
      if (!inRanges(spec.get("days_of_month"), t.getDayOfMonth(), s -> {
        int d = Integer.parseInt(s);
        return d < 0 ? length + d + 1 : d;
      })) {
        return false;
      }
    }
    if (spec.has("months") && !inRanges(spec.get("months"), t.getMonthValue(), "months")) return false;
    return !spec.has("years") || inRanges(spec.get("years"), t.getYear(), Integer::parseInt);
  }

  private static boolean inRanges(JsonNode ranges, int value, java.util.function.ToIntFunction<String> parse) {
    for (JsonNode r : ranges) {
      String[] ends = r.asText().split(":");
      int from = parse.applyAsInt(ends[0]);
      int to = ends.length > 1 ? parse.applyAsInt(ends[1]) : from;
      if (value >= from && value <= to) return true;
    }
    return false;
  }

  /** A weekday or month range, parsed exactly as Alertmanager does. */
  private static boolean inRanges(JsonNode ranges, int value, String field) {
    for (JsonNode r : ranges) {
      IntervalSyntax.Range range = IntervalSyntax.parse(field, r.asText());
      if (value >= range.begin() && value <= range.end()) return true;
    }
    return false;
  }

  private static int minutes(String hhmm) {
    return Integer.parseInt(hhmm.substring(0, 2)) * 60 + Integer.parseInt(hhmm.substring(3, 5));
  }


  private static List<LabelMatcher> matchers(JsonNode n) {
    List<LabelMatcher> out = new ArrayList<>();
    if (n != null) n.forEach(m -> out.add(LabelMatcher.parse(m.asText())));
    return out;
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n != null) n.forEach(v -> out.add(v.asText()));
    return out;
  }
}
