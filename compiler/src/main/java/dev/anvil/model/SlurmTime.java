package dev.anvil.model;

/**
 * A Slurm time limit as Slurm reads it (src/common/parse_time.c, time_str2secs): minutes,
 * minutes:seconds, hours:minutes:seconds, days-hours[:minutes[:seconds]], or UNLIMITED/INFINITE.
 * Slurm adds the parts as a C int of seconds, so a limit past 2^31-1 seconds (about 68 years)
 * overflows and slurm.conf is refused ("Bad value"); so is an empty or malformed one.
 */
public final class SlurmTime {
  private SlurmTime() {}

  /** Seconds, or -1 for UNLIMITED; throws IllegalArgumentException with the reason when Slurm would refuse it. */
  public static long seconds(String text) {
    if (text.equalsIgnoreCase("UNLIMITED") || text.equalsIgnoreCase("INFINITE") || text.equals("-1")) return -1;
    long d = 0;
    String rest = text;
    int dash = text.indexOf('-');
    if (dash >= 0) {
      d = part(text.substring(0, dash), text);
      rest = text.substring(dash + 1);
    }
    String[] p = rest.split(":", -1);
    if (p.length > 3 || (dash < 0 && rest.isEmpty())) throw new IllegalArgumentException("'" + text + "' is not a Slurm time");
    long total;
    if (dash >= 0) {
      total = d * 86400 + part(p[0], text) * 3600 + (p.length > 1 ? part(p[1], text) * 60 : 0) + (p.length > 2 ? part(p[2], text) : 0);
    } else if (p.length == 3) {
      total = part(p[0], text) * 3600 + part(p[1], text) * 60 + part(p[2], text);
    } else {
      total = part(p[0], text) * 60 + (p.length > 1 ? part(p[1], text) : 0);
    }
    if (total > Integer.MAX_VALUE - 1) {
      throw new IllegalArgumentException("'" + text + "' is longer than Slurm can count (" + (Integer.MAX_VALUE / 86400)
          + " days at most)");
    }
    return total;
  }

  private static long part(String s, String text) {
    if (!s.matches("[0-9]+")) throw new IllegalArgumentException("'" + text + "' is not a Slurm time");
    if (s.length() > 10 || Long.parseLong(s) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("'" + text + "' is longer than Slurm can count (" + (Integer.MAX_VALUE / 86400)
          + " days at most)");
    }
    return Long.parseLong(s);
  }
}
