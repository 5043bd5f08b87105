package dev.anvil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every run is a fresh JVM, so what the JVM builds on first use is paid on every run. String
 * concatenation compiled to invokedynamic (javac's default since Java 9) spins method-handle classes
 * at run time, one set per call site's shape, which Java 17's class-data archive cannot keep: the
 * build compiles it to StringBuilder calls instead (-XDstringConcat=inline in the parent pom).
 * Likewise the archive cannot keep classes older than Java 6, the version picocli's own jar is
 * built for: the build compiles picocli from its sources (picocli/pom.xml). Nor can it keep the proxy
 * classes the JDK generates to read annotations: the commands build their models without them.
 */
class StartupCostTest {
  @Test
  void noClassConcatenatesStringsThroughMethodHandles() throws Exception {
    // a class file's constant pool names its bootstrap method in (modified) UTF-8, read here byte for char
    assertEquals(List.of(), classesWhosePoolHolds("makeConcatWithConstants"));
  }

  /** Picocli reads a command's annotations through proxies the JDK generates: 30-50 ms of every run (Specs). */
  @Test
  void noCommandIsReadFromPicocliAnnotations() throws Exception {
    // an annotation's type is named by its descriptor, e.g. Lpicocli/CommandLine$Option;
    for (String annotation : List.of("Command", "Option", "Parameters", "Mixin", "Spec", "ParentCommand", "ArgGroup",
        "Unmatched")) {
      assertEquals(List.of(), classesWhosePoolHolds("Lpicocli/CommandLine$" + annotation + ";"), annotation);
    }
  }

  private static List<String> classesWhosePoolHolds(String text) throws Exception {
    Path classes = Path.of(Compiler.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("dev/anvil");
    List<Path> files;
    try (Stream<Path> s = Files.walk(classes)) {
      files = s.filter(p -> p.toString().endsWith(".class")).toList();
    }
    assertTrue(files.size() > 100, "compiled classes under " + classes);
    return files.stream().filter(p -> read(p).contains(text)).map(Path::toString).toList();
  }

  @Test
  void picocliIsCompiledForAVersionTheClassDataArchiveKeeps() throws Exception {
    for (Class<?> c : List.of(picocli.CommandLine.class, picocli.CommandLine.Model.CommandSpec.class)) {
      try (var in = c.getResourceAsStream(c.getName().substring(c.getName().lastIndexOf('.') + 1) + ".class")) {
        byte[] header = in.readNBytes(8);
        int major = ((header[6] & 0xff) << 8) | (header[7] & 0xff);
        // 49 is Java 5: verified by the old verifier and left out of the archive on every run
        assertEquals(61, major, c.getName() + ": class file version");
      }
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
