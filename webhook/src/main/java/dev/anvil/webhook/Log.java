package dev.anvil.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Structured logs: one JSON object per line on standard output (journald and log shippers read it). */
final class Log {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Log() {}

  static void info(String msg, Map<String, ?> fields) {
    write("info", msg, fields);
  }

  static void warn(String msg, Map<String, ?> fields) {
    write("warn", msg, fields);
  }

  private static synchronized void write(String level, String msg, Map<String, ?> fields) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("ts", Instant.now().toString());
    line.put("level", level);
    line.put("msg", msg);
    line.putAll(fields);
    try {
      System.out.println(JSON.writeValueAsString(line));
    } catch (Exception e) {
      System.out.println("{\"level\":\"error\",\"msg\":\"log failure\"}");
    }
  }
}
