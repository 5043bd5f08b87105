package dev.anvil.diff;

import dev.anvil.html.Html;
import java.util.List;

/**
 * A {@link FleetDiff.Report} as HTML: the semantic changes first, then each output file's unified
 * diff. The fragment is {@code anvil preview}'s diff view; the page is {@code anvil diff --format html},
 * one self-contained file for a CI artifact.
 */
public final class DiffHtml {
  private DiffHtml() {}

  public static String page(FleetDiff.Report r, String title) {
    return Html.page(title, "<h1>" + Html.escape(title) + "</h1>\n" + fragment(r, Integer.MAX_VALUE));
  }

  /**
   * @param budget characters of file diffs to show; past it a file's diff is left out with a hint
   *     (a change of a third of 100k hosts diffs to hundreds of megabytes, more than a page should hold)
   */
  public static String fragment(FleetDiff.Report r, int budget) {
    int left = budget;
    StringBuilder sb = new StringBuilder();
    if (r.isEmpty()) return "<p id=\"no-changes\">No changes to the compiled output.</p>\n";
    sb.append("<section id=\"semantic\"><h2>What changes</h2>\n<ul class=\"changes\">\n");
    List<String> lines = DiffPrinter.summary(r, x -> "<code>" + Html.escape(x) + "</code>", Html::escape);
    for (String line : lines) sb.append("<li>").append(line).append("</li>\n");
    sb.append("</ul></section>\n<section id=\"files\"><h2>Output files</h2>\n");
    for (var f : r.files().entrySet()) {
      String diff = f.getValue();
      sb.append("<details open><summary><code>out/").append(Html.escape(f.getKey())).append("</code> <span class=\"count\">(")
          .append(diff.lines().count()).append(" diff lines)</span></summary>\n");
      if (diff.length() > left) {
        sb.append("<p class=\"muted\">Too large to show here: <code>anvil diff</code> prints it.</p></details>\n");
        continue;
      }
      left -= diff.length();
      sb.append("<pre class=\"diff\">");
      for (String line : diff.split("\n", -1)) {
        String cls = line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : null;
        if (cls != null) sb.append("<span class=\"").append(cls).append("\">").append(Html.escape(line)).append("</span>\n");
        else sb.append(Html.escape(line)).append('\n');
      }
      sb.append("</pre></details>\n");
    }
    return sb.append("</section>\n").toString();
  }
}
