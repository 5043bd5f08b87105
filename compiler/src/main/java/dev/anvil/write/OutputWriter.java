package dev.anvil.write;

import dev.anvil.emit.OutputFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The only code that touches the output directory. A compile replaces the directory as a whole:
 * files are written to a sibling temporary directory which is then renamed into place, so a failed
 * or interrupted run never leaves a half-written {@code out/}, and files no longer produced vanish.
 */
public final class OutputWriter {
  private OutputWriter() {}

  /** How the directory on disk differs from what the sources compile to. */
  public record Drift(List<String> stale, List<String> missing, List<String> extra) {
    public boolean isEmpty() {
      return stale.isEmpty() && missing.isEmpty() && extra.isEmpty();
    }

    public int size() {
      return stale.size() + missing.size() + extra.size();
    }
  }

  /** Writes {@code files} as the complete content of {@code outDir}; returns how many files changed. */
  public static int write(Path outDir, List<OutputFile> files) throws IOException {
    for (OutputFile f : files) checkPath(f.path());
    Drift drift = compare(outDir, files);
    if (drift.isEmpty()) return 0;
    Path parent = outDir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    String name = outDir.getFileName().toString();
    Path tmp = Files.createTempDirectory(parent, "." + name + ".new-");
    try {
      // one call per directory, then the files on every core: per-host files run to the thousands
      Set<Path> dirs = new TreeSet<>();
      for (OutputFile f : files) dirs.add(tmp.resolve(f.path()).getParent());
      for (Path d : dirs) Files.createDirectories(d);
      files.parallelStream().forEach(f -> {
        try {
          Files.write(tmp.resolve(f.path()), f.content().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (Files.exists(outDir, LinkOption.NOFOLLOW_LINKS)) {
        Path old = parent.resolve("." + name + ".old-" + tmp.getFileName().toString().substring(name.length() + 6));
        Files.move(outDir, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, outDir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      } else {
        Files.move(tmp, outDir, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (UncheckedIOException e) {
      deleteTree(tmp);
      throw e.getCause();
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
    return drift.size();
  }

  /** Compares the directory's content with {@code files}, byte for byte. */
  public static Drift compare(Path outDir, List<OutputFile> files) throws IOException {
    Map<String, byte[]> onDisk = new ConcurrentHashMap<>();
    if (Files.isDirectory(outDir)) {
      List<Path> paths;
      try (Stream<Path> s = Files.walk(outDir)) {
        paths = s.filter(Files::isRegularFile).toList();
      }
      try {
        paths.parallelStream().forEach(p -> {
          try {
            onDisk.put(outDir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    List<String> stale = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (OutputFile f : files) {
      byte[] existing = onDisk.remove(f.path());
      if (existing == null) missing.add(f.path());
      else if (!Arrays.equals(existing, f.content().getBytes(StandardCharsets.UTF_8))) stale.add(f.path());
    }
    return new Drift(stale, missing, new ArrayList<>(new TreeSet<>(onDisk.keySet())));
  }

  /** Defence in depth: whatever the emitters compute, nothing is written outside the output directory. */
  static void checkPath(String path) {
    Path p = Path.of(path);
    if (path.isEmpty() || p.isAbsolute() || path.startsWith("/") || path.contains("\\") || !p.normalize().equals(p)
        || p.normalize().startsWith("..")) {
      throw new IllegalArgumentException("refusing to write outside the output directory: " + path);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) {
      all = s.toList();
    }
    try {
      all.parallelStream().filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    // directories after their contents: deepest first
    for (int i = all.size() - 1; i >= 0; i--) {
      if (Files.isDirectory(all.get(i), LinkOption.NOFOLLOW_LINKS)) Files.delete(all.get(i));
    }
  }
}
