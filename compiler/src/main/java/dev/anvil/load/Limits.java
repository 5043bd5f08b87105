package dev.anvil.load;

/**
 * Bounds on input that keep every run's time and memory in proportion to a real fleet, whatever a
 * file holds. Each is reported as an error at the place it is crossed. The numbers leave a wide
 * margin above the largest real inputs (a file of a few thousand hosts, a rule template of a few
 * KB).
 */
public final class Limits {
  /** Bytes of one input file. */
  public static final long MAX_FILE_BYTES = 32L * 1024 * 1024;
  /** YAML documents in one file. */
  public static final int MAX_DOCUMENTS = 100_000;
  /** Characters of one scalar (a key or a value). */
  public static final int MAX_SCALAR_CHARS = 64 * 1024;
  /**
   * Characters of one line, and of one run without white space. The YAML parser looks ahead over
   * such a run as one token and copies its buffer each time it grows: past these lengths its time
   * grows with the square of the run. A check before parsing keeps every file linear.
   */
  public static final int MAX_LINE_CHARS = 1024 * 1024;
  public static final int MAX_RUN_CHARS = MAX_SCALAR_CHARS;
  /** Nesting of maps and lists. */
  public static final int MAX_DEPTH = 64;

  private Limits() {}
}
