package dev.anvil.diff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** Prints a {@link FleetDiff.Report}: text (coloured on a terminal), Markdown for a PR comment, or JSON. */
public final class DiffPrinter {
  public enum Format { TEXT, MARKDOWN, JSON }

  /** A PR comment stays readable (and under GitHub's 65 536-character limit) on huge diffs. */
  static final int MARKDOWN_DIFF_BUDGET = 40_000;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private DiffPrinter() {}

  public static void print(FleetDiff.Report r, Format format, boolean color, PrintWriter out) {
    switch (format) {
      case JSON -> json(r, out);
      case MARKDOWN -> markdown(r, out);
      default -> text(r, color, out);
    }
    out.flush();
  }

  /** A revision that does not compile: its diagnostics, in the requested format. */
  public static void printInvalid(String which, String diagnostics, List<dev.anvil.diag.Diagnostic> all, Format format,
      PrintWriter out) {
    switch (format) {
      case MARKDOWN -> {
        out.println("### anvil diff");
        out.println();
        out.println(":x: The " + which + " revision does not compile:");
        out.println();
        out.println("```");
        out.print(diagnostics);
        out.println("```");
      }
      case JSON -> {
        try {
          Map<String, Object> body = new java.util.LinkedHashMap<>();
          body.put("invalid", which);
          body.put("diagnostics", all.stream().map(d -> d.position() + ": " + d.severity().label() + ": " + d.message()).toList());
          out.println(JSON.writer().without(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(body));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }
      default -> out.print("anvil diff: the " + which + " revision does not compile:\n" + diagnostics);
    }
    out.flush();
  }

  private static void text(FleetDiff.Report r, boolean color, PrintWriter out) {
    if (r.isEmpty()) {
      out.println("no changes");
      return;
    }
    summary(r, out, "", "");
    for (var f : r.files().entrySet()) {
      out.println();
      for (String line : f.getValue().split("\n")) {
        if (!color) out.println(line);
        else if (line.startsWith("+")) out.println("\u001b[32m" + line + "\u001b[0m");
        else if (line.startsWith("-")) out.println("\u001b[31m" + line + "\u001b[0m");
        else if (line.startsWith("@@")) out.println("\u001b[36m" + line + "\u001b[0m");
        else out.println(line);
      }
    }
  }

  private static void markdown(FleetDiff.Report r, PrintWriter out) {
    out.println("### anvil diff");
    if (r.isEmpty()) {
      out.println();
      out.println("No changes to the compiled output.");
      return;
    }
    out.println();
    summary(r, out, "- ", "`");
    out.println();
    int budget = MARKDOWN_DIFF_BUDGET;
    for (var f : r.files().entrySet()) {
      String diff = f.getValue();
      long lines = diff.lines().count();
      out.println("<details><summary><code>out/" + f.getKey() + "</code> (" + lines + " diff lines)</summary>");
      out.println();
      if (diff.length() > budget) {
        out.println("Diff too large to show here: run `./anvil diff` locally.");
      } else {
        budget -= diff.length();
        out.println("```diff");
        out.print(diff.endsWith("\n") ? diff : diff + "\n");
        out.println("```");
      }
      out.println();
      out.println("</details>");
    }
  }

  /** The semantic part, shared by text and Markdown. */
  private static void summary(FleetDiff.Report r, PrintWriter out, String bullet, String code) {
    if (!r.hostsAdded().isEmpty()) out.println(bullet + "hosts added: " + join(r.hostsAdded(), code));
    if (!r.hostsRemoved().isEmpty()) out.println(bullet + "hosts removed: " + join(r.hostsRemoved(), code));
    r.hostsMoved().forEach((h, g) -> out.println(bullet + "host " + code + h + code + " groups: " + String.join(", ", g)));
    for (FleetDiff.ValueChange v : r.values()) {
      out.println(bullet + code + v.key() + code + ": " + v.before() + " → " + v.after() + " on " + v.hosts()
          + (v.hosts() == 1 ? " host" : " hosts") + " (" + String.join(", ", v.examples()) + (v.hosts() > 3 ? ", …" : "") + ")");
    }
    r.groupsAdded().forEach(x -> out.println(bullet + "group added: " + code + x + code));
    r.groupsRemoved().forEach(x -> out.println(bullet + "group removed: " + code + x + code));
    r.rulesAdded().forEach(x -> out.println(bullet + "alert rule added: " + code + x + code));
    r.rulesChanged().forEach(x -> out.println(bullet + "alert rule changed: " + code + x + code));
    r.rulesRemoved().forEach(x -> out.println(bullet + "alert rule removed: " + code + x + code));
    r.receiversChanged().forEach(x -> out.println(bullet + "receiver " + (x.startsWith("+") ? "added" : x.startsWith("-")
        ? "removed" : "changed") + ": " + code + x.substring(1) + code));
    r.routesAdded().forEach(x -> out.println(bullet + "route added: " + code + x + code));
    r.routesRemoved().forEach(x -> out.println(bullet + "route removed: " + code + x + code));
    r.partitions().forEach((p, c) -> out.println(bullet + "partition " + code + p + code + ": " + String.join(", ", c)));
    out.println(bullet + r.files().size() + (r.files().size() == 1 ? " output file" : " output files") + " changed");
  }

  private static String join(List<String> xs, String code) {
    return String.join(", ", xs.stream().map(x -> code + x + code).toList());
  }

  private static void json(FleetDiff.Report r, PrintWriter out) {
    try {
      out.println(JSON.writeValueAsString(Map.of("changed", !r.isEmpty(), "report", r)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
