package dev.anvil.diag;

/** "did you mean" hints: the closest known name by edit distance, when it is close enough. */
public final class Suggestions {
  private Suggestions() {}

  /** "; did you mean 'x'?" for the known name closest to {@code wanted}, or "" when none is close. */
  public static String didYouMean(Object wanted, java.util.Set<?> known) {
    String w = wanted.toString();
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Object k : known) {
      int d = distance(w, k.toString());
      if (d < bestDistance) {
        bestDistance = d;
        best = k.toString();
      }
    }
    return best != null && bestDistance <= Math.max(2, w.length() / 4) ? "; did you mean '" + best + "'?" : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }}
