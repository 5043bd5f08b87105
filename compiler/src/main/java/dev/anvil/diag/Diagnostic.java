package dev.anvil.diag;

import java.util.Comparator;
import java.util.List;

/**
 * One compiler message: where, how bad, what, and optional notes pointing at related places.
 * {@code secret} marks a message about a field that may hold a secret: its source line is never
 * printed.
 */
public record Diagnostic(Severity severity, Position position, String message, List<Note> notes, boolean secret)
    implements Comparable<Diagnostic> {

  public enum Severity {
    ERROR, WARNING;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A secondary position, e.g. the other side of a conflict. */
  public record Note(Position position, String message) {}

  public Diagnostic {
    notes = List.copyOf(notes);
  }

  public static Diagnostic error(Position position, String message, Note... notes) {
    return new Diagnostic(Severity.ERROR, position, message, List.of(notes), false);
  }

  /** Something probably wrong that no consumer refuses: printed, but the compile succeeds. */
  public static Diagnostic warning(Position position, String message, Note... notes) {
    return new Diagnostic(Severity.WARNING, position, message, List.of(notes), false);
  }

  /** An error about a field that may hold a secret: printed without its source line. */
  public static Diagnostic secretError(Position position, String message) {
    return new Diagnostic(Severity.ERROR, position, message, List.of(), true);
  }

  private static final Comparator<Diagnostic> ORDER =
      Comparator.comparing(Diagnostic::position)
          .thenComparing(Diagnostic::severity)
          .thenComparing(Diagnostic::message);

  @Override
  public int compareTo(Diagnostic o) {
    return ORDER.compare(this, o);
  }
}
