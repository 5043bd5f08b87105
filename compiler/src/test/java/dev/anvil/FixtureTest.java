package dev.anvil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.Compiler.Compilation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Small focused config repos under test/fixtures: approved output, accepted by promtool. */
class FixtureTest {
  static List<Path> fixtures() throws IOException {
    return TestSupport.subdirectories(TestSupport.testDir("fixtures"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void outputIsApprovedAndValid(Path fixture, @TempDir Path tmp) throws Exception {
    Compilation c = Compiler.compile(fixture);
    assertTrue(c.ok(), () -> c.diagnostics().all().toString());
    TestSupport.verify(fixture, "output", TestSupport.render(c.files()));

    String promtool = TestSupport.tool("promtool", "prometheus");
    Path out = tmp.resolve("out");
    // compiled as a user would, with every consumer's checker judging the output
    TestSupport.Run compiled = TestSupport.anvil("-C", fixture.toString(), "compile", "--verify=required", "--out", out.toString());
    assertEquals(0, compiled.exit(), compiled.err());
    // every server's config: the one prometheus.yml, or each of a topology's (SITE/SHARD/prometheus-N.yml)
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(promtool, "check", "config"));
    try (var files = java.nio.file.Files.walk(out.resolve("prometheus"))) {
      files.filter(p -> p.getFileName().toString().matches("prometheus(-[0-9]+)?\\.yml")).sorted().forEach(p -> cmd.add(p.toString()));
    }
    assertTrue(cmd.size() > 3, "a prometheus.yml");
    var r = TestSupport.exec(out.resolve("prometheus"), cmd.toArray(String[]::new));
    assertEquals(0, r.exit(), r.output());
  }
}
