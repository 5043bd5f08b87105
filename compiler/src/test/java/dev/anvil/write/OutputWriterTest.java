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
    assertEquals(List.of(OutputWriter.MARKER, "a/x.yml"), List.copyOf(TestSupport.snapshot(out).keySet()));
    assertEquals(0, OutputWriter.write(out, List.of(new OutputFile("a/x.yml", "1\n"))), "unchanged: nothing rewritten");
    try (var s = Files.list(tmp)) {
      assertEquals(List.of(out), s.toList(), "no temporary directories left");
    }
  }

  @Test
  void unchangedFilesAreLinkedNotRewrittenAndAFileWithTheWrongModeIsWrittenAfresh(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    OutputWriter.write(out, List.of(new OutputFile("same.yml", "1\n"), new OutputFile("changes.yml", "a\n"),
        new OutputFile("private.yml", "p\n")));
    Object same = Files.getAttribute(out.resolve("same.yml"), "unix:ino");
    Object changes = Files.getAttribute(out.resolve("changes.yml"), "unix:ino");
    Files.setPosixFilePermissions(out.resolve("private.yml"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Object privateIno = Files.getAttribute(out.resolve("private.yml"), "unix:ino");
    assertEquals(1, OutputWriter.write(out, List.of(new OutputFile("same.yml", "1\n"), new OutputFile("changes.yml", "b\n"),
        new OutputFile("private.yml", "p\n"))));
    assertEquals(same, Files.getAttribute(out.resolve("same.yml"), "unix:ino"), "the unchanged file is the same inode");
    assertTrue(!changes.equals(Files.getAttribute(out.resolve("changes.yml"), "unix:ino")), "the changed one is new");
    assertEquals("b\n", Files.readString(out.resolve("changes.yml")));
    assertTrue(!privateIno.equals(Files.getAttribute(out.resolve("private.yml"), "unix:ino")), "a 0600 file is not linked");
    assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(out.resolve("private.yml"))));
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

  @Test
  void aDirectoryThatIsNotAnvilsIsNeverReplaced(@TempDir Path tmp) throws Exception {
    Path precious = tmp.resolve("etc");
    Files.createDirectories(precious.resolve("sub"));
    Files.writeString(precious.resolve("passwd"), "root:x:0:0\n");
    Files.writeString(precious.resolve("sub/keep"), "keep\n");
    var before = TestSupport.snapshot(precious);
    var e = assertThrows(OutputWriter.NotAnOutputDirectory.class,
        () -> OutputWriter.write(precious, List.of(new OutputFile("a.yml", "x\n"))));
    assertTrue(e.getMessage().contains(precious.toString()), e.getMessage());
    assertEquals(before, TestSupport.snapshot(precious));
    try (var s = Files.list(tmp)) {
      assertEquals(List.of(precious), s.toList(), "nothing created beside it either");
    }
    // a link to a directory is refused too, whatever it points at
    Path link = Files.createSymbolicLink(tmp.resolve("link"), precious);
    assertThrows(OutputWriter.NotAnOutputDirectory.class, () -> OutputWriter.write(link, List.of(new OutputFile("a", "x"))));
    assertEquals(before, TestSupport.snapshot(precious));
  }

  @Test
  void anEmptyDirectoryOrAnEarlierOutputIsReplaced(@TempDir Path tmp) throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertEquals(1, OutputWriter.write(empty, List.of(new OutputFile("a.yml", "1\n"))));
    assertTrue(Files.isRegularFile(empty.resolve(OutputWriter.MARKER)), "the marker makes the next compile possible");
    assertEquals(1, OutputWriter.write(empty, List.of(new OutputFile("a.yml", "2\n"))));
    assertEquals("2\n", Files.readString(empty.resolve("a.yml")));
  }

  /** Prometheus, Alertmanager and Grafana read the output as their own users, whatever the umask. */
  @Test
  void theOutputIsWorldReadable(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    OutputWriter.write(out, List.of(new OutputFile("prometheus/rules/a.yml", "x\n"), new OutputFile("b.json", "{}\n")));
    try (var s = Files.walk(out)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        assertEquals(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--", mode, p.toString());
      }
    }
  }
}
