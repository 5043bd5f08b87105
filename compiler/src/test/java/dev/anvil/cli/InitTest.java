package dev.anvil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** anvil init starts a repository that checks; the format marker is honoured; nothing existing is overwritten. */
class InitTest {
  @TempDir Path tmp;

  @Test
  void aNewRepositoryChecksAndCompilesWithTheShippedTemplates() throws Exception {
    Path repo = tmp.resolve("fleet");
    TestSupport.Run init = TestSupport.anvil("init", repo.toString());
    assertEquals(0, init.exit(), init.err());
    for (String f : new String[] {"anvil.yaml", ".gitignore", ".vscode/settings.json", ".github/workflows/anvil.yml",
        ".gitlab-ci.yml", ".pre-commit-config.yaml", ".anvil/schema/anvil.schema.json", "rules/exporters.yaml",
        "rules/contracts/node_exporter.yaml", "dashboards/system.yaml", "inventory/hosts/gpu-nodes.yaml"}) {
      assertTrue(Files.isRegularFile(repo.resolve(f)), f);
    }
    // the editor mapping names a schema that is there
    assertTrue(Files.readString(repo.resolve(".vscode/settings.json")).contains("./.anvil/schema/anvil.schema.json"));
    TestSupport.Run check = TestSupport.anvil("-C", repo.toString(), "check", "--verify=off");
    assertEquals(0, check.exit(), check.out() + check.err());
    assertTrue(check.out().startsWith("ok: 2 hosts"), check.out());
    TestSupport.Run compile = TestSupport.anvil("-C", repo.toString(), "compile");
    assertEquals(0, compile.exit(), compile.err());
    assertTrue(Files.isRegularFile(repo.resolve("out/prometheus/prometheus.yml")));
    // its alert and dashboard tests pass out of the box (promtool judges them)
    TestSupport.tool("promtool", "prometheus");
    TestSupport.Run test = TestSupport.anvil("-C", repo.toString(), "test");
    assertEquals(0, test.exit(), test.out() + test.err());
    TestSupport.Run migrate = TestSupport.anvil("-C", repo.toString(), "migrate");
    assertEquals(0, migrate.exit(), migrate.err());
    assertTrue(migrate.out().contains("nothing to migrate"), migrate.out());
  }

  @Test
  void initWritesNothingIntoADirectoryThatHasFiles() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(dir.resolve("notes.txt"), "mine");
    TestSupport.Run r = TestSupport.anvil("init", dir.toString());
    assertEquals(2, r.exit(), r.out());
    assertTrue(r.err().contains("not empty"), r.err());
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "nothing was added");
    }
    assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
  }

  @Test
  void aRepositoryInANewerFormatIsRefusedAndOneWithoutAMarkerGetsOne() throws Exception {
    Path repo = tmp.resolve("fleet");
    assertEquals(0, TestSupport.anvil("init", repo.toString()).exit());
    Files.writeString(repo.resolve("anvil.yaml"), "format: 2\n");
    TestSupport.Run check = TestSupport.anvil("-C", repo.toString(), "check", "--verify=off");
    assertEquals(1, check.exit(), check.out());
    assertTrue(check.err().contains("anvil.yaml: error: this repository is in Anvil input format 2, newer than this Anvil reads"
        + " (format 1): install a newer Anvil"), check.err());
    TestSupport.Run refused = TestSupport.anvil("-C", repo.toString(), "migrate");
    assertEquals(1, refused.exit());
    assertEquals("format: 2\n", Files.readString(repo.resolve("anvil.yaml")), "a newer repository is left alone");

    Files.delete(repo.resolve("anvil.yaml"));
    TestSupport.Run migrate = TestSupport.anvil("-C", repo.toString(), "migrate");
    assertEquals(0, migrate.exit(), migrate.err());
    assertTrue(migrate.out().startsWith("recorded input format 1"), migrate.out());
    assertTrue(Files.readString(repo.resolve("anvil.yaml")).contains("format: 1"));
  }
}
