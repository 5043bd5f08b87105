package dev.anvil.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code anvil diff} over real Git histories; each scenario's text, Markdown and JSON output is approved. */
class DiffTest {
  @TempDir Path tmp;
  Path repo;
  Git git;
  String base;

  @BeforeEach
  void baseRevision() throws Exception {
    repo = tmp.resolve("repo");
    Path fixture = TestSupport.testDir("fixtures/alerting");
    try (Stream<Path> s = Files.walk(fixture)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().endsWith(".approved.txt")) continue;
        Path target = repo.resolve(fixture.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
    }
    Files.writeString(repo.resolve("policies/slurm.yaml"), """
        apiVersion: anvil.dev/v1
        kind: Policy
        group: logical:batch
        slurm:
          node: {enabled: true}
        ---
        apiVersion: anvil.dev/v1
        kind: Partition
        name: batch
        select: {groups: [logical:batch]}
        max_time: 1-00:00:00
        """);
    git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call();
    base = commit();
  }

  String commit() throws Exception {
    git.add().addFilepattern(".").call();
    return git.commit().setMessage("change").setAuthor("t", "t@example.com").setAllowEmpty(true).call().getName();
  }

  void edit(String file, String from, String to) {
    try {
      Path p = repo.resolve(file);
      String text = Files.readString(p);
      assertTrue(text.contains(from), file + " lacks " + from);
      Files.writeString(p, text.replace(from, to));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Commits the change and approves the diff against the base in every format. */
  void scenario(String name, int exit, Consumer<DiffTest> change) throws Exception {
    change.accept(this);
    String head = commit();
    StringBuilder all = new StringBuilder();
    for (String format : new String[] {"text", "markdown", "json", "html"}) {
      TestSupport.Run r = TestSupport.anvil("-C", repo.toString(), "diff", "--base", base, "--head", head, "--format", format);
      assertEquals(exit, r.exit(), r.out() + r.err());
      String out = r.out();
      if (format.equals("html")) {
        // one self-contained page: nothing fetched from anywhere; its stylesheet is approved once, not per scenario
        assertTrue(out.startsWith("<!DOCTYPE html>") && !out.contains(" src=") && !out.contains("<link"), out);
        out = out.replaceAll("(?s)<style>.*</style>", "<style>(anvil.css)</style>");
      }
      all.append("=== ").append(format).append(" (exit ").append(r.exit()).append(") ===\n").append(out).append(r.err());
    }
    TestSupport.verify(TestSupport.testDir("diff"), name, all.toString());
  }

  /** Like git diff --exit-code: 0 when the output is the same, 1 when it differs. */
  @Test
  void exitCodeSaysWhetherTheOutputChanges() throws Exception {
    String same = commit();
    assertEquals(0, TestSupport.anvil("-C", repo.toString(), "diff", "--base", base, "--head", same, "--exit-code").exit());
    edit("rules/rules.yaml", "defaults: {for: 1m, severity: critical}", "defaults: {for: 3m, severity: critical}");
    String changed = commit();
    TestSupport.Run r = TestSupport.anvil("-C", repo.toString(), "diff", "--base", base, "--head", changed, "--exit-code");
    assertEquals(1, r.exit(), r.out() + r.err());
    assertEquals(0, TestSupport.anvil("-C", repo.toString(), "diff", "--base", base, "--head", changed).exit(),
        "without --exit-code a change is not a failure");
  }

  @Test
  void thresholdChangeInOneGroup() throws Exception {
    scenario("threshold-change", 0, t -> t.edit("rules/rules.yaml", "defaults: {for: 1m, severity: critical}",
        "defaults: {for: 3m, severity: critical}"));
  }

  @Test
  void hostAdded() throws Exception {
    scenario("host-added", 0, t -> t.edit("inventory/fleet.yaml", "name: spare-01", """
        name: batch-03
        address: 10.0.0.4
        primary_group: infrastructure:site/room-1
        groups: [logical:batch]
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: spare-01"""));
  }

  @Test
  void hostMovedBetweenGroups() throws Exception {
    scenario("host-moved", 0, t -> t.edit("inventory/fleet.yaml", """
        name: web-01
        address: 10.0.0.3
        primary_group: infrastructure:site/room-1
        groups: [logical:web]""", """
        name: web-01
        address: 10.0.0.3
        primary_group: infrastructure:site/room-1
        groups: [logical:batch]"""));
  }

  @Test
  void aRuleTemplateChangeAndANewGroup() throws Exception {
    scenario("rule-and-group-change", 0, t -> {
      t.edit("rules/rules.yaml", "expr: up{[[selector]]} == 0", "expr: up{[[selector]]} < 1");
      t.edit("inventory/fleet.yaml", "name: logical:web", "name: logical:web\n---\napiVersion: anvil.dev/v1\nkind: Group\nname: logical:gpu");
    });
  }

  @Test
  void routeChange() throws Exception {
    scenario("route-change", 0, t -> t.edit("policies/alerting.yaml", "critical: {receivers: [pager, genie, hook]",
        "critical: {receivers: [pager, hook]"));
  }

  @Test
  void partitionChange() throws Exception {
    scenario("partition-change", 0, t -> t.edit("policies/slurm.yaml", "max_time: 1-00:00:00", "max_time: 2-00:00:00"));
  }

  @Test
  void aChangeThatMakesTheConfigInvalid() throws Exception {
    scenario("invalid-change", 1, t -> t.edit("inventory/fleet.yaml", "groups: [logical:web]", "groups: [logical:wbe]"));
  }

  @Test
  void noChange() throws Exception {
    scenario("no-change", 0, t -> { });
  }

  @Test
  void theWorktreeShowsUncommittedEdits() throws Exception {
    edit("policies/slurm.yaml", "max_time: 1-00:00:00", "max_time: 12:00:00");
    TestSupport.Run r = TestSupport.anvil("-C", repo.toString(), "diff");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("partition batch: MaxTime: 1-00:00:00 → 12:00:00"), r.out());
    TestSupport.Run explicit = TestSupport.anvil("-C", repo.toString(), "diff", "--worktree", "--base", base);
    assertEquals(r.out(), explicit.out());
  }
}
