package dev.anvil.diff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * Prints a {@link FleetDiff.Report}: text (coloured on a terminal), Markdown for a PR comment, JSON,
 * or a self-contained HTML page (a CI artifact, the view of {@code anvil preview}).
 */
public final class DiffPrinter {
  public enum Format { TEXT, MARKDOWN, JSON, HTML }

  /** A PR comment stays readable (and under GitHub's 65 536-character limit) on huge diffs. */
  static final int MARKDOWN_DIFF_BUDGET = 40_000;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private DiffPrinter() {}

  public static void print(FleetDiff.Report r, Format format, boolean color, PrintWriter out) {
    switch (format) {
      case JSON -> json(r, out);
      case MARKDOWN -> markdown(r, out);
      case HTML -> out.print(DiffHtml.page(r, "anvil diff"));
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
      case HTML -> out.print(dev.anvil.html.Html.page("anvil diff", "<h1>anvil diff</h1>\n<p>The " + which
          + " revision does not compile:</p>\n<pre>" + dev.anvil.html.Html.escape(diagnostics) + "</pre>\n"));
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

  /** The semantic part, as text lines. */
  private static void summary(FleetDiff.Report r, PrintWriter out, String bullet, String code) {
    for (String line : summary(r, x -> code + x + code, x -> x)) out.println(bullet + line);
  }

  /**
   * The semantic changes, one line each, shared by every format: {@code name} writes a name (a host,
   * a key, a rule), {@code data} any other text that comes from the configuration (values).
   */
  static List<String> summary(FleetDiff.Report r, java.util.function.UnaryOperator<String> name,
      java.util.function.UnaryOperator<String> data) {
    List<String> out = new java.util.ArrayList<>();
    if (!r.hostsAdded().isEmpty()) out.add("hosts added: " + join(r.hostsAdded(), name));
    if (!r.hostsRemoved().isEmpty()) out.add("hosts removed: " + join(r.hostsRemoved(), name));
    r.hostsMoved().forEach((h, g) -> out.add("host " + name.apply(h) + " groups: " + data.apply(String.join(", ", g))));
    for (FleetDiff.ValueChange v : r.values()) {
      out.add(name.apply(v.key()) + ": " + data.apply(v.before()) + " → " + data.apply(v.after()) + " on " + v.hosts()
          + (v.hosts() == 1 ? " host" : " hosts") + " (" + join(v.examples(), name) + (v.hosts() > 3 ? ", …" : "") + ")");
    }
    r.groupsAdded().forEach(x -> out.add("group added: " + name.apply(x)));
    r.groupsRemoved().forEach(x -> out.add("group removed: " + name.apply(x)));
    r.rulesAdded().forEach(x -> out.add("alert rule added: " + name.apply(x)));
    r.rulesChanged().forEach(x -> out.add("alert rule changed: " + name.apply(x)));
    r.rulesRemoved().forEach(x -> out.add("alert rule removed: " + name.apply(x)));
    r.receiversChanged().forEach(x -> out.add("receiver " + (x.startsWith("+") ? "added" : x.startsWith("-")
        ? "removed" : "changed") + ": " + name.apply(x.substring(1))));
    r.routesAdded().forEach(x -> out.add("route added: " + name.apply(x)));
    r.routesRemoved().forEach(x -> out.add("route removed: " + name.apply(x)));
    r.partitions().forEach((p, c) -> out.add("partition " + name.apply(p) + ": " + data.apply(String.join(", ", c))));
    out.add(r.files().size() + (r.files().size() == 1 ? " output file" : " output files") + " changed");
    return out;
  }

  private static String join(List<String> xs, java.util.function.UnaryOperator<String> name) {
    return String.join(", ", xs.stream().map(name).toList());
  }

  private static void json(FleetDiff.Report r, PrintWriter out) {
    try {
      out.println(JSON.writeValueAsString(Map.of("changed", !r.isEmpty(), "report", r)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
