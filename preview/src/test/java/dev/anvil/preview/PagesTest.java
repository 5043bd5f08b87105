package dev.anvil.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.TestSupport;
import dev.anvil.model.GroupName;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pages over a fleet whose strings are hostile: markup arrives as text, never as markup. */
class PagesTest {
  private static final String HOSTILE = "<img src=x onerror=alert(1)>\"'&{{ x }}";

  @TempDir Path tmp;

  @Test
  void markupFromTheConfigurationIsShownAsTextOnEveryPage() throws Exception {
    Path repo = tmp.resolve("repo");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml", "rules/system.yaml", "rules/contracts/node_exporter.yaml");
    TestSupport.writeFile(repo, "inventory/fleet.yaml", """
        apiVersion: anvil.dev/v1
        kind: Group
        name: infrastructure:lab
        description: %1$s
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: web-01
        address: 10.0.0.1
        primary_group: infrastructure:lab
        labels: {team: %1$s}
        """.formatted(quoted(HOSTILE)));
    Workspace w = new Workspace(repo, "HEAD");
    Workspace.Snapshot s = w.recompile();
    assertNull(s.failed(), () -> s.failed().diagnostics().all().toString());
    assertNotNull(s.baseProblem(), "no Git repository: no base, and the page says so");
    GroupName lab = GroupName.parse("infrastructure:lab");
    List<String> pages = List.of(Pages.overview(s), Pages.host(s, "web-01"), Pages.group(s, lab),
        Pages.search(s, "team=" + HOSTILE), Pages.search(s, HOSTILE), Pages.routing(s, "web-01", "alertname=" + HOSTILE, "", ""),
        Pages.file(s, "inventory/fleet.yaml"), Pages.diff(s));
    for (String page : pages) {
      assertFalse(page.contains("<img"), page);
      assertFalse(page.contains("onerror=alert(1)>"), page);
    }
    assertTrue(Pages.host(s, "web-01").contains("team=&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;{{ x }}"));
    assertTrue(Pages.search(s, "team=" + HOSTILE).contains("<span class=\"count\" id=\"result-count\">1</span>"),
        "the value search finds the host by its label");
    assertNull(Pages.host(s, "no-such-host"));
    assertNull(Pages.file(s, "../../etc/passwd"), "only the compilation's own source files are shown");
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
