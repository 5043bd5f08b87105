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
 */
class StartupCostTest {
  @Test
  void noClassConcatenatesStringsThroughMethodHandles() throws Exception {
    Path classes = Path.of(Compiler.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("dev/anvil");
    List<Path> files;
    try (Stream<Path> s = Files.walk(classes)) {
      files = s.filter(p -> p.toString().endsWith(".class")).toList();
    }
    assertTrue(files.size() > 100, "compiled classes under " + classes);
    // a class file's constant pool names its bootstrap method in (modified) UTF-8, read here byte for char
    List<String> using = files.stream().filter(p -> read(p).contains("makeConcatWithConstants"))
        .map(Path::toString).toList();
    assertEquals(List.of(), using);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
