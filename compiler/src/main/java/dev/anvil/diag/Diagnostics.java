package dev.anvil.diag;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Collects every diagnostic of a run (thread-safe) so that one run reports all errors, not the first. */
public final class Diagnostics {
  private final TreeSet<Diagnostic> items = new TreeSet<>();

  public synchronized void add(Diagnostic d) {
    items.add(d);
  }

  public void error(Position at, String message, Diagnostic.Note... notes) {
    add(Diagnostic.error(at, message, notes));
  }

  public synchronized boolean hasErrors() {
    return items.stream().anyMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
  }

  public synchronized int errorCount() {
    return (int) items.stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).count();
  }

  /** Sorted by position, so output is deterministic whatever order the phases found them in. */
  public synchronized List<Diagnostic> all() {
    return new ArrayList<>(items);
  }
}
