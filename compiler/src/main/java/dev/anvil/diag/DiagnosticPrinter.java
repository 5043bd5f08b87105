package dev.anvil.diag;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;

/**
 * Prints diagnostics like a compiler ({@code file:line:col: error: message}, the source line and a
 * caret) or as GitHub Actions workflow commands.
 */
public final class DiagnosticPrinter {
  public enum Format { TEXT, GITHUB }

  private final Format format;
  private final Function<String, List<String>> sourceLines;

  /** {@code sourceLines} maps a repo-relative file to its lines, or an empty list if unknown. */
  public DiagnosticPrinter(Format format, Function<String, List<String>> sourceLines) {
    this.format = format;
    this.sourceLines = sourceLines;
  }

  public void print(List<Diagnostic> diagnostics, PrintWriter out) {
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
    out.println(d.position() + ": " + d.severity().label() + ": " + d.message());
    printSourceLine(d.position(), out);
    for (Diagnostic.Note n : d.notes()) {
      out.println(n.position() + ": note: " + n.message());
      printSourceLine(n.position(), out);
    }
  }

  private void printSourceLine(Position p, PrintWriter out) {
    if (p.line() <= 0) return;
    List<String> lines = sourceLines.apply(p.file());
    if (p.line() > lines.size()) return;
    String line = lines.get(p.line() - 1);
    String number = String.valueOf(p.line());
    out.println(" " + number + " | " + line);
    StringBuilder caret = new StringBuilder(" " + " ".repeat(number.length()) + " | ");
    for (int i = 0; i < p.column() - 1 && i < line.length(); i++) {
      caret.append(line.charAt(i) == '\t' ? '\t' : ' ');
    }
    out.println(caret.append('^'));
  }

  private static void printGithub(Diagnostic d, PrintWriter out) {
    StringBuilder msg = new StringBuilder(d.message());
    for (Diagnostic.Note n : d.notes()) msg.append("\n").append(n.position()).append(": note: ").append(n.message());
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
