package dev.anvil.diag;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;

/**
 * Prints diagnostics like a compiler ({@code file:line:col: error: message}, the source line and a
 * caret) or as GitHub Actions workflow commands.
 */
public final class DiagnosticPrinter {
  public enum Format { TEXT, GITHUB, JSON }

  private final Format format;
  private final Function<String, List<String>> sourceLines;

  /** {@code sourceLines} maps a repo-relative file to its lines, or an empty list if unknown. */
  public DiagnosticPrinter(Format format, Function<String, List<String>> sourceLines) {
    this.format = format;
    this.sourceLines = sourceLines;
  }

  /** Diagnostics as plain data for a JSON report: positions, severity, message, notes; never source lines. */
  public static List<java.util.Map<String, Object>> asData(List<Diagnostic> diagnostics) {
    List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
    for (Diagnostic d : diagnostics) {
      java.util.Map<String, Object> m = position(d.position());
      m.put("severity", d.severity().label());
      m.put("message", d.message());
      List<java.util.Map<String, Object>> notes = new java.util.ArrayList<>();
      for (Diagnostic.Note n : d.notes()) {
        java.util.Map<String, Object> note = position(n.position());
        note.put("message", n.message());
        notes.add(note);
      }
      m.put("notes", notes);
      out.add(m);
    }
    return out;
  }

  private static java.util.Map<String, Object> position(Position p) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("file", p.file());
    if (p.line() > 0) {
      m.put("line", p.line());
      m.put("column", p.column());
    }
    return m;
  }

  public void print(List<Diagnostic> diagnostics, PrintWriter out) {
    if (format == Format.JSON) return;  // part of the command's JSON report instead
    for (Diagnostic d : diagnostics) {
      if (format == Format.GITHUB) printGithub(d, out);
      else printText(d, out);
    }
    long errors = diagnostics.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).count();
    if (format == Format.TEXT && errors > 0) {
      out.println(errors + (errors == 1 ? " error" : " errors"));
    }
    out.flush();
  }

  private void printText(Diagnostic d, PrintWriter out) {
    out.println(message(d.position().toString()) + ": " + d.severity().label() + ": " + message(d.message()));
    if (!d.secret()) printSourceLine(d.position(), out);
    for (Diagnostic.Note n : d.notes()) {
      out.println(message(n.position().toString()) + ": note: " + message(n.message()));
      if (!d.secret()) printSourceLine(n.position(), out);
    }
  }

  /** Messages (and positions) quote input: escaped, so that nothing in them acts on the terminal or the log. */
  private static String message(String m) {
    return Text.escape(m, MAX_MESSAGE);
  }

  /** Longest message printed; longer ones (long lists of hosts) are cut. */
  static final int MAX_MESSAGE = 2000;

  /** Characters of a source line shown around the caret. */
  static final int SOURCE_WINDOW = 160;

  private void printSourceLine(Position p, PrintWriter out) {
    if (p.line() <= 0) return;
    List<String> lines = sourceLines.apply(p.file());
    if (p.line() > lines.size()) return;
    String line = lines.get(p.line() - 1);
    // a window of the line around the column, escaped; the caret counts escaped characters
    int col = Math.min(Math.max(p.column() - 1, 0), line.length());
    int from = line.length() <= SOURCE_WINDOW ? 0 : Math.max(0, col - SOURCE_WINDOW / 2);
    int to = Math.min(line.length(), from + SOURCE_WINDOW);
    String before = (from > 0 ? "…" : "") + Text.escape(line.substring(from, col), Integer.MAX_VALUE);
    String after = Text.escape(line.substring(col, to), Integer.MAX_VALUE) + (to < line.length() ? "…" : "");
    String number = String.valueOf(p.line());
    out.println(" " + number + " | " + before + after);
    out.println(" " + " ".repeat(number.length()) + " | " + " ".repeat(before.length()) + "^");
  }

  private static void printGithub(Diagnostic d, PrintWriter out) {
    StringBuilder msg = new StringBuilder(message(d.message()));
    for (Diagnostic.Note n : d.notes()) msg.append("\n").append(n.position()).append(": note: ").append(message(n.message()));
    Position p = d.position();
    StringBuilder props = new StringBuilder("file=").append(escapeProperty(p.file()));
    if (p.line() > 0) props.append(",line=").append(p.line()).append(",col=").append(p.column());
    out.println("::" + d.severity().label() + " " + props + "::" + escapeData(msg.toString()));
  }

  // GitHub workflow-command escaping rules.
  private static String escapeData(String s) {
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  private static String escapeProperty(String s) {
    return escapeData(s).replace(":", "%3A").replace(",", "%2C");
  }
}
