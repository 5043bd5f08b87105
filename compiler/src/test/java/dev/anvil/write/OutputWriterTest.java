package dev.anvil.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.TestSupport;
import dev.anvil.emit.OutputFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputWriterTest {
  @Test
  void writeReplacesTheDirectoryAndRemovesFilesNoLongerProduced(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    assertEquals(2, OutputWriter.write(out, List.of(new OutputFile("a/x.yml", "1\n"), new OutputFile("b.json", "2\n"))));
    assertEquals(1, OutputWriter.write(out, List.of(new OutputFile("a/x.yml", "1\n"))));
    assertEquals(List.of("a/x.yml"), List.copyOf(TestSupport.snapshot(out).keySet()));
    assertEquals(0, OutputWriter.write(out, List.of(new OutputFile("a/x.yml", "1\n"))), "unchanged: nothing rewritten");
    try (var s = Files.list(tmp)) {
      assertEquals(List.of(out), s.toList(), "no temporary directories left");
    }
  }

  @Test
  void aWriteThatFailsHalfwayLeavesTheOldOutputIntact(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    OutputWriter.write(out, List.of(new OutputFile("keep.yml", "old\n")));
    var before = TestSupport.snapshot(out);
    // "a" as a file and as a directory: the second write fails after the first succeeded
    List<OutputFile> clash = List.of(new OutputFile("a", "file\n"), new OutputFile("a/b", "under a file\n"));
    assertThrows(java.io.IOException.class, () -> OutputWriter.write(out, clash));
    assertEquals(before, TestSupport.snapshot(out));
    try (var s = Files.list(tmp)) {
      assertEquals(List.of(out), s.toList());
    }
  }

  @Test
  void pathsOutsideTheOutputDirectoryAreRefused(@TempDir Path tmp) {
    for (String bad : List.of("../escape.yml", "/etc/passwd", "a/../../b", "a/./b", "")) {
      assertThrows(IllegalArgumentException.class,
          () -> OutputWriter.write(tmp.resolve("out"), List.of(new OutputFile(bad, "x"))), bad);
    }
    assertTrue(!Files.exists(tmp.resolve("out")));
  }

  @Test
  void compareListsStaleMissingAndExtraFiles(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    OutputWriter.write(out, List.of(new OutputFile("same", "s\n"), new OutputFile("changed", "old\n"),
        new OutputFile("gone", "g\n")));
    var drift = OutputWriter.compare(out, List.of(new OutputFile("same", "s\n"), new OutputFile("changed", "new\n"),
        new OutputFile("new", "n\n")));
    assertEquals(List.of("changed"), drift.stale());
    assertEquals(List.of("new"), drift.missing());
    assertEquals(List.of("gone"), drift.extra());
  }
}
