package dev.anvil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.Compiler.Compilation;
import dev.anvil.explain.Explainer;
import dev.anvil.load.SourceFile;
import dev.anvil.load.SourceTreeReader;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.ResolvedPool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * explain reads only the files that can bear on the host it is asked about: its answer must be the
 * one every file gives, and the errors it reports those of a check whenever what it read has one.
 */
class ExplainScopeTest {
  private static final String OTHER_HOSTS = TestSupport.labHost("other", "10.0.0.9");

  /** Every host and pool of the example fleet: the same answer from the documents bearing on it as from all files. */
  @Test
  void everyAnswerOfTheExampleFleetIsTheOneAllFilesGive() throws Exception {
    List<SourceFile> sources = SourceTreeReader.read(TestSupport.repoRoot(), new ArrayList<>());
    Compilation all = Compiler.compile(sources);
    assertTrue(all.ok());
    for (ResolvedHost h : all.fleet().hosts()) {
      Compilation one = Compiler.resolveFromDocumentsBearingOn(sources, h.name());
      // the routing tests and facility devices name hosts in other files: those are read too, or they would not check
      assertTrue(one.ok(), h.name() + ": " + one.diagnostics().all());
      assertEquals(1, one.fleet().hosts().size());
      assertEquals(explain(all, h.name()), explain(one, h.name()), h.name());
    }
    assertTrue(all.fleet().pools().size() > 0);
    for (ResolvedPool p : all.fleet().pools()) {
      Compilation one = Compiler.resolveFromDocumentsBearingOn(sources, p.group().toString());
      assertTrue(one.ok(), p.group() + ": " + one.diagnostics().all());
      assertEquals(explain(all, p), explain(one, p), p.group().toString());
    }
  }

  /** Another host's broken file is check's to report: explain answers for this one without reading it. */
  @Test
  void answersWhileAnotherHostsFileIsBroken(@TempDir Path repo) throws Exception {
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml");
    TestSupport.writeFile(repo, "inventory/lab.yaml", TestSupport.LAB_GROUP + TestSupport.labHost("fine", "10.0.0.1"));
    TestSupport.writeFile(repo, "inventory/more.yaml", OTHER_HOSTS + "  nonsense: [unclosed\n");
    assertExplainAnswersWhileCheckRefuses(repo, "inventory/more.yaml");
  }

  /** Dashboards and exporter contracts are judged against the fleet and set nothing: explain leaves them unread. */
  @Test
  void answersWhileADashboardIsBroken(@TempDir Path repo) throws Exception {
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml");
    TestSupport.writeFile(repo, "inventory/lab.yaml", TestSupport.LAB_GROUP + TestSupport.labHost("fine", "10.0.0.1"));
    TestSupport.writeFile(repo, "dashboards/broken.yaml", "apiVersion: anvil.dev/v1\nkind: Dashboard\nname: broken\n"
        + "title: [unclosed\n");
    assertExplainAnswersWhileCheckRefuses(repo, "dashboards/broken.yaml");
  }

  /** Policies bear on the hosts of their group: explain leaves another group's unread, even in the same file. */
  @Test
  void answersWhileAnotherGroupsPolicyIsBroken(@TempDir Path repo) throws Exception {
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml");
    TestSupport.writeFile(repo, "inventory/lab.yaml", TestSupport.LAB_GROUP + TestSupport.labHost("fine", "10.0.0.1"));
    TestSupport.writeFile(repo, "policies/all.yaml", """
        apiVersion: anvil.dev/v1
        kind: Policy
        group: infrastructure:lab
        exporters:
          node_exporter: {port: 9111}
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        group: infrastructure:lab-other
        labels: {team: [1]}
        """);
    assertExplainAnswersWhileCheckRefuses(repo, "policies/all.yaml");
    TestSupport.Run fine = TestSupport.anvil("-C", repo.toString(), "explain", "fine", "exporters.node_exporter.port");
    assertTrue(fine.out().contains("9111"), "the host's group's policy is read: " + fine.out());
  }

  /** check refuses the repository for an error in {@code broken}; explain answers for host "fine" all the same. */
  private static void assertExplainAnswersWhileCheckRefuses(Path repo, String broken) {
    TestSupport.Run check = TestSupport.anvil("-C", repo.toString(), "check", "--verify=off");
    assertEquals(1, check.exit(), check.err());
    assertTrue(check.err().contains(broken), check.err());
    TestSupport.Run fine = TestSupport.anvil("-C", repo.toString(), "explain", "fine", "exporters");
    assertEquals(0, fine.exit(), fine.err());
    assertTrue(fine.out().contains("node_exporter"), fine.out());
  }

  /**
   * When a file explain reads has an error, it reads every file and reports what a check reports:
   * the host's own error and another host's, which it would otherwise have left unread.
   */
  @Test
  void anErrorInWhatItReadIsReportedAsCheckReportsIt(@TempDir Path repo) throws Exception {
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml");
    TestSupport.writeFile(repo, "inventory/lab.yaml", TestSupport.LAB_GROUP
        + TestSupport.labHost("fine", "10.0.0.1").replace("infrastructure:lab", "infrastructure:nowhere"));
    TestSupport.writeFile(repo, "inventory/more.yaml", OTHER_HOSTS + "colour: blue\n");
    TestSupport.Run check = TestSupport.anvil("-C", repo.toString(), "check", "--verify=off");
    assertEquals(1, check.exit(), check.err());
    List<String> errors = check.err().lines().filter(l -> l.contains("error:")).toList();
    assertTrue(errors.stream().anyMatch(l -> l.startsWith("inventory/lab.yaml")), check.err());
    assertTrue(errors.stream().anyMatch(l -> l.startsWith("inventory/more.yaml")), check.err());
    TestSupport.Run explain = TestSupport.anvil("-C", repo.toString(), "explain", "fine");
    assertEquals(1, explain.exit(), explain.out());
    assertEquals(errors, explain.err().lines().filter(l -> l.contains("error:")).toList());
  }

  /** A host defined twice is found however far apart its definitions are: both files hold its name. */
  @Test
  void aHostDefinedTwiceIsAnError(@TempDir Path repo) throws Exception {
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml");
    TestSupport.writeFile(repo, "inventory/lab.yaml", TestSupport.LAB_GROUP + OTHER_HOSTS);
    TestSupport.writeFile(repo, "inventory/z/more.yaml", TestSupport.labHost("other", "10.0.0.10"));
    Files.createDirectories(repo.resolve("policies"));
    TestSupport.Run explain = TestSupport.anvil("-C", repo.toString(), "explain", "other");
    assertEquals(1, explain.exit(), explain.out());
    assertTrue(explain.err().contains("duplicate host 'other'"), explain.err());
  }

  private static String explain(Compilation c, String host) {
    StringWriter out = new StringWriter();
    new Explainer(c.fleet()).explain(c.fleet().host(host), null, new PrintWriter(out));
    return out.toString();
  }

  private static String explain(Compilation c, ResolvedPool pool) {
    StringWriter out = new StringWriter();
    ResolvedPool same = c.fleet().pools().stream().filter(p -> p.group().equals(pool.group())).findFirst().orElseThrow();
    new Explainer(c.fleet()).explain(same, null, new PrintWriter(out));
    return out.toString();
  }
}
