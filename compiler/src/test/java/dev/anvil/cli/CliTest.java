package dev.anvil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and output formats of the command line. */
class CliTest {
  static final String REPO = TestSupport.repoRoot().toString();
  static final String BAD = TestSupport.testDir("bad/unknown-group").toString();

  @Test
  void usageErrorsExit2WithAHint() {
    for (String[] args : new String[][] {{}, {"frobnicate"}, {"explain"}, {"compile", "--format", "xml"}, {"check", "--nope"}}) {
      TestSupport.Run r = TestSupport.anvil(args);
      assertEquals(2, r.exit(), String.join(" ", args));
      assertTrue(r.err().contains("--help' for more information"), r.err());
    }
  }

  @Test
  void versionAndHelpExit0() {
    TestSupport.Run v = TestSupport.anvil("--version");
    assertEquals(0, v.exit());
    assertTrue(v.out().startsWith("anvil "));
    for (String cmd : new String[] {"check", "compile", "explain"}) {
      TestSupport.Run h = TestSupport.anvil(cmd, "--help");
      assertEquals(0, h.exit());
      assertTrue(h.out().contains("Usage: anvil " + cmd), h.out());
    }
  }

  @Test
  void checkSucceedsOnTheExampleFleet() {
    TestSupport.Run r = TestSupport.anvil("-C", REPO, "check");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("ok: "), r.out());
  }

  @Test
  void githubFormatPrintsWorkflowAnnotations() {
    TestSupport.Run r = TestSupport.anvil("-C", BAD, "check", "--format", "github");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("::error file=inventory/hosts.yaml,line=6,col=10::unknown group 'logical:ml-trainig'"),
        r.err());
  }

  @Test
  void compileCheckListsStaleMissingAndExtraFiles(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    assertEquals(0, TestSupport.anvil("-C", REPO, "compile", "--out", out.toString()).exit());
    assertEquals(0, TestSupport.anvil("-C", REPO, "compile", "--out", out.toString(), "--check").exit());
    Files.writeString(out.resolve("prometheus/prometheus.yml"), "# edited by hand\n");
    Files.delete(out.resolve("prometheus/targets/node.json"));
    Files.writeString(out.resolve("prometheus/old.yml"), "x\n");
    TestSupport.Run r = TestSupport.anvil("-C", REPO, "compile", "--out", out.toString(), "--check");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("prometheus/prometheus.yml: error: stale"), r.err());
    assertTrue(r.err().contains("prometheus/targets/node.json: error: missing"), r.err());
    assertTrue(r.err().contains("prometheus/old.yml: error: extra"), r.err());
    assertTrue(r.err().contains("3 files out of date"), r.err());
  }

  @Test
  void explainOfAnUnknownHostOrKeyExits1() {
    assertEquals(1, TestSupport.anvil("-C", REPO, "explain", "no-such-host").exit());
    TestSupport.Run r = TestSupport.anvil("-C", REPO, "explain", "gpu-server-01", "alerts.nope");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("has no value 'alerts.nope'"), r.err());
  }

  @Test
  void explainNamesWhyAnAlertDoesNotApply() {
    TestSupport.Run r = TestSupport.anvil("-C", REPO, "explain", "storage-server-01", "alerts.nvidia_xid_error.for");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("(not applied: host does not run dcgm-exporter)"), r.out());
  }
}
