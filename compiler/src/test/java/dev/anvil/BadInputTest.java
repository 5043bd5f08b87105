package dev.anvil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of bad inputs under test/bad: each case gives its approved diagnostics, exits 1, and
 * leaves the output directory byte-identical — for check and compile alike.
 */
class BadInputTest {
  static List<Path> cases() throws IOException {
    return TestSupport.subdirectories(TestSupport.testDir("bad"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInputIsReportedAndLeavesOutputUntouched(Path caseDir, @TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("out");
    Files.createDirectories(out.resolve("prometheus"));
    Files.writeString(out.resolve("prometheus/prometheus.yml"), "# the previous, good output\n");
    Files.writeString(out.resolve(dev.anvil.write.OutputWriter.MARKER), "an earlier compile's\n");
    TreeMap<String, String> before = TestSupport.snapshot(out);

    TestSupport.Run compile = TestSupport.anvil("-C", caseDir.toString(), "compile", "--out", out.toString());
    assertEquals(1, compile.exit(), compile.err());
    assertEquals("", compile.out());
    assertFalse(compile.err().contains("Exception"), "no stack traces: " + compile.err());
    assertEquals(before, TestSupport.snapshot(out), "out/ must be untouched");
    assertFalse(Files.exists(caseDir.resolve("out")), "nothing written into the repo");
    try (var siblings = Files.list(tmp)) {
      assertEquals(List.of(out), siblings.toList(), "no temporary directories left behind");
    }

    TestSupport.Run check = TestSupport.anvil("-C", caseDir.toString(), "check");
    assertEquals(1, check.exit());
    assertEquals(compile.err(), check.err(), "check and compile report the same diagnostics");
    assertTrue(compile.err().contains(": error: "));
    TestSupport.verify(caseDir, "diagnostics", compile.err());
  }
}
