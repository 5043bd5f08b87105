package dev.anvil.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.diag.Diagnostic.Note;
import dev.anvil.diag.Diagnostics;
import dev.anvil.load.SourceRef;
import dev.anvil.model.Alerting;
import dev.anvil.model.Policy;
import dev.anvil.model.Receiver;
import dev.anvil.model.RoutingTest;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the alerting schemas cannot check: receivers and time intervals referenced exist, time zones
 * are real, maintenance windows of one target do not overlap, and every receiver fits the oldest
 * Alertmanager the repo supports — without ever inlining a secret.
 */
final class AlertingChecker {
  /** Alertmanager minor version that added each receiver type, and secret-from-file for its URL. */
  static final Map<String, Integer> RECEIVER_SINCE = Map.of("msteams", 27);
  static final int WEBHOOK_URL_FILE_SINCE = 26;

  private final Diagnostics diagnostics;
  private final dev.anvil.load.Declarations declarations;

  AlertingChecker(Diagnostics diagnostics, dev.anvil.load.Declarations declarations) {
    this.diagnostics = diagnostics;
    this.declarations = declarations;
  }

  Alerting alerting(List<Alerting> declared) {
    Alerting first = null;
    for (Alerting a : declared) {
      if (first != null) {
        diagnostics.error(a.source().at(""), "duplicate Alerting settings", new Note(first.source().at(""),
            "first declared here"));
      } else {
        first = a;
      }
    }
    return first;
  }

  TreeMap<String, Receiver> receivers(List<Receiver> declared, Alerting alerting) {
    TreeMap<String, Receiver> out = new TreeMap<>();
    for (Receiver r : declared) {
      if (r.type() == null) {
        diagnostics.error(r.source().at(""), "receiver '" + r.name() + "' needs exactly one of "
            + String.join(", ", Receiver.TYPES));
        continue;
      }
      Receiver first = out.putIfAbsent(r.name(), r);
      if (first != null) {
        diagnostics.error(r.source().at("/name"), "duplicate receiver '" + r.name() + "'",
            new Note(first.source().at("/name"), "first declared here"));
      }
      int version = alerting == null ? 25 : alerting.version().minor();
      Integer since = RECEIVER_SINCE.get(r.type());
      if (since != null && version < since) {
        diagnostics.error(r.source().keyAt("/" + r.type()), r.type() + " receivers need Alertmanager 0." + since
            + " or later (secret from file); the oldest supported here is 0." + version
            + " (raise alertmanager_version in the Alerting settings)");
      }
      if (r.type().equals("webhook") && r.settings().get("url").isObject() && version < WEBHOOK_URL_FILE_SINCE) {
        diagnostics.error(r.source().at("/webhook/url"), "a webhook URL from a secret needs url_file, which"
            + " Alertmanager 0." + version + " lacks (0." + WEBHOOK_URL_FILE_SINCE + "+); give a plain URL or raise"
            + " alertmanager_version; Anvil never inlines a secret");
      }
    }
    return out;
  }

  /** Checks the Alerting settings against the receivers; returns the time interval names. */
  Set<String> checkAlerting(Alerting a, Map<String, Receiver> receivers) {
    if (a == null) return Set.of();
    receiverExists(a.receiver(), receivers, a.source(), "/receiver");
    a.defaultRoutes().fields().forEachRemaining(e -> {
      JsonNode rs = e.getValue().get("receivers");
      for (int i = 0; i < rs.size(); i++) {
        receiverExists(rs.get(i).asText(), receivers, a.source(), "/default_routes/" + e.getKey() + "/receivers/" + i);
      }
      intervalsExist(e.getValue().get("active"), a.timeIntervals().properties().stream().map(Map.Entry::getKey)
          .toList(), a.source(), "/default_routes/" + e.getKey() + "/active");
    });
    a.inhibitRules().fields().forEachRemaining(e -> {
      for (String side : List.of("source", "target")) {
        JsonNode ms = e.getValue().path(side);
        for (int i = 0; i < ms.size(); i++) {
          try {
            dev.anvil.model.LabelMatcher.parse(ms.get(i).asText());
          } catch (IllegalArgumentException ex) {
            diagnostics.error(a.source().at("/inhibit_rules/" + e.getKey() + "/" + side + "/" + i), ex.getMessage());
          }
        }
      }
    });
    a.timeIntervals().fields().forEachRemaining(e -> {
      zone(e.getValue(), a.source(), "/time_intervals/" + e.getKey());
      syntax(e.getValue(), a.source(), "/time_intervals/" + e.getKey());
    });
    List<String> names = new ArrayList<>();
    a.timeIntervals().fieldNames().forEachRemaining(names::add);
    return Set.copyOf(names);
  }

  /** Routing and maintenance entries of policies; returns false when the policy must not be resolved. */
  boolean checkPolicy(Policy p, Alerting alerting, Map<String, Receiver> receivers, Set<String> intervals) {
    boolean ok = true;
    for (Policy.Entry e : p.entries()) {
      if (!e.section().equals("routing") && !e.section().equals("maintenance")) continue;
      if (alerting == null) {
        // settings that were declared but are invalid have their own errors: say nothing more
        if (declarations.wasRefused("Alerting", null)) return false;
        diagnostics.error(p.source().keyAt("/" + e.section()), e.section() + " needs the fleet's Alerting settings"
            + " (kind: Alerting, with the fallback receiver)");
        return false;
      }
      if (e.section().equals("routing")) {
        JsonNode rs = e.value().path("receivers");
        for (int i = 0; i < rs.size(); i++) {
          ok &= receiverExists(rs.get(i).asText(), receivers, p.source(), e.pointer() + "/receivers/" + i);
        }
        ok &= intervalsExist(e.value().get("active"), intervals, p.source(), e.pointer() + "/active");
      } else {
        ok &= zone(e.value(), p.source(), e.pointer()) && window(e, p.source());
      }
    }
    return ok;
  }

  /** Maintenance windows of the same target must not overlap: two teams planning the same night. */
  void checkOverlaps(List<Policy> policies) {
    Map<String, List<Window>> byTarget = new HashMap<>();
    for (Policy p : policies) {
      for (Policy.Entry e : p.entries()) {
        if (!e.section().equals("maintenance") || !e.value().has("start")) continue;
        try {
          ZoneId zone = ZoneId.of(e.value().get("location").asText());
          Window w = new Window(e.name(), LocalDateTime.parse(e.value().get("start").asText()).atZone(zone).toInstant(),
              LocalDateTime.parse(e.value().get("end").asText()).atZone(zone).toInstant(), p.source(), e.pointer());
          byTarget.computeIfAbsent(p.targetLabel(), k -> new ArrayList<>()).add(w);
        } catch (DateTimeException ex) {
          // reported by window()
        }
      }
    }
    byTarget.forEach((target, windows) -> {
      windows.sort((x, y) -> x.start().compareTo(y.start()));
      for (int i = 0; i + 1 < windows.size(); i++) {
        Window a = windows.get(i);
        Window b = windows.get(i + 1);
        if (b.start().isBefore(a.end())) {
          diagnostics.error(b.source().at(b.pointer() + "/start"), "maintenance window '" + b.name()
              + "' overlaps '" + a.name() + "' for " + target + "; merge them into one window",
              new Note(a.source().at(a.pointer() + "/end"), "'" + a.name() + "' ends here"));
        }
      }
    });
  }

  private record Window(String name, java.time.Instant start, java.time.Instant end, SourceRef source, String pointer) {}

  void checkTests(List<RoutingTest> tests, Map<String, ?> hosts, Map<String, Receiver> receivers, Alerting alerting) {
    boolean remediation = alerting != null && alerting.remediation() != null;
    for (RoutingTest t : tests) {
      if (t.host() != null && !hosts.containsKey(t.host())) {
        diagnostics.error(t.source().at("/host"), "unknown host '" + t.host() + "'");
      }
      JsonNode rs = t.expect().get("receivers");
      if (rs != null) {
        for (int i = 0; i < rs.size(); i++) {
          if (remediation && rs.get(i).asText().equals(Alerting.REMEDIATION_RECEIVER)) continue;
          receiverExists(rs.get(i).asText(), receivers, t.source(), "/expect/receivers/" + i);
        }
      }
    }
  }

  private boolean receiverExists(String name, Map<String, Receiver> receivers, SourceRef src, String pointer) {
    if (receivers.containsKey(name)) return true;
    if (declarations.wasRefused("Receiver", name)) return false;
    diagnostics.error(src.at(pointer), "unknown receiver '" + name + "' (known: "
        + (receivers.isEmpty() ? "none" : String.join(", ", receivers.keySet())) + ")");
    return false;
  }

  private boolean intervalsExist(JsonNode names, java.util.Collection<String> intervals, SourceRef src, String pointer) {
    if (names == null) return true;
    boolean ok = true;
    for (int i = 0; i < names.size(); i++) {
      if (!intervals.contains(names.get(i).asText())) {
        diagnostics.error(src.at(pointer + "/" + i), "unknown time interval '" + names.get(i).asText() + "' (known: "
            + (intervals.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(intervals))) + ")");
        ok = false;
      }
    }
    return ok;
  }

  private boolean zone(JsonNode interval, SourceRef src, String pointer) {
    JsonNode loc = interval.get("location");
    if (loc == null) return true;
    try {
      ZoneId.of(loc.asText());
      return true;
    } catch (DateTimeException e) {
      diagnostics.error(src.at(pointer + "/location"), "invalid time zone '" + loc.asText()
          + "' (use an IANA name such as Asia/Seoul or UTC)");
      return false;
    }
  }

  private boolean window(Policy.Entry e, SourceRef src) {
    JsonNode v = e.value();
    boolean oneOff = v.has("start") || v.has("end");
    if (oneOff) {
      if (!v.has("start") || !v.has("end")) {
        diagnostics.error(src.at(e.pointer()), "maintenance window '" + e.name() + "' needs both start and end");
        return false;
      }
      if (!LocalDateTime.parse(v.get("end").asText()).isAfter(LocalDateTime.parse(v.get("start").asText()))) {
        diagnostics.error(src.at(e.pointer() + "/end"), "maintenance window '" + e.name() + "' ends before it starts");
        return false;
      }
      return true;
    }
    if (!v.has("weekdays") && !v.has("times") && !v.has("days_of_month") && !v.has("months") && !v.has("years")) {
      diagnostics.error(src.at(e.pointer()), "maintenance window '" + e.name()
          + "' needs start and end, or a recurring schedule (weekdays, times, days_of_month, months, years)");
      return false;
    }
    return syntax(v, src, e.pointer());
  }

  /** Weekdays, days, months, years and times exactly as Alertmanager reads them. */
  private boolean syntax(JsonNode interval, SourceRef src, String pointer) {
    boolean[] ok = {true};
    dev.anvil.model.IntervalSyntax.check(interval, (at, message) -> {
      diagnostics.error(src.at(pointer + at), message);
      ok[0] = false;
    });
    return ok[0];
  }
}
