package dev.anvil;

/** Phase timings on stderr when ANVIL_TIMINGS=1: for tuning, not for users' logs. */
public final class Timings {
  private static final boolean ON = "1".equals(System.getenv("ANVIL_TIMINGS"));
  private long last = System.nanoTime();

  private Timings() {}

  public static Timings start() {
    return new Timings();
  }

  /** Reports a step's own duration, for steps that ran side by side. */
  public void report(String name, long nanos) {
    if (ON) System.err.printf(java.util.Locale.ROOT, "anvil: %-14s %6d ms%n", name, nanos / 1_000_000);
  }

  /** Reports the time since the previous phase (or the start) under {@code name}. */
  public void phase(String name) {
    if (!ON) return;
    long now = System.nanoTime();
    System.err.printf(java.util.Locale.ROOT, "anvil: %-14s %6d ms%n", name, (now - last) / 1_000_000);
    last = now;
  }
}
