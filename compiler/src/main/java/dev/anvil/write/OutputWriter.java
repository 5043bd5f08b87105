package dev.anvil.write;

import dev.anvil.emit.OutputFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
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
 *
 * <p>Because it replaces the whole directory, it only ever replaces a directory that is Anvil's:
 * one that does not exist, is empty, or holds the {@link #MARKER} file an earlier compile left. The
 * output is world-readable (directories 0755, files 0644) whatever the umask: Prometheus,
 * Alertmanager and Grafana read it as their own users.
 */
public final class OutputWriter {
  /** The file that marks a directory as Anvil's output, written with every compile. */
  public static final String MARKER = ".anvil-output";

  static final String MARKER_TEXT = "# " + dev.anvil.emit.Output.GENERATED + "\n"
      + "# This directory is written by anvil and replaced whole on every compile: keep nothing else here.\n";

  private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");

  private OutputWriter() {}

  /** The directory holds something that is not Anvil's output: replacing it would destroy data. */
  public static final class NotAnOutputDirectory extends IOException {
    NotAnOutputDirectory(Path dir, String why) {
      super("refusing to write into " + dir + ": " + why);
    }
  }

  /**
   * Throws unless {@code outDir} may be replaced: it does not exist, is an empty directory, or
   * carries the marker. Called before a compile too, so that a wrong --out fails before any work.
   */
  public static void checkOwned(Path outDir) throws IOException {
    if (!Files.exists(outDir, LinkOption.NOFOLLOW_LINKS)) return;
    if (Files.isSymbolicLink(outDir)) {
      throw new NotAnOutputDirectory(outDir, "it is a symbolic link; name the directory itself");
    }
    if (!Files.isDirectory(outDir, LinkOption.NOFOLLOW_LINKS)) {
      throw new NotAnOutputDirectory(outDir, "it is not a directory");
    }
    if (Files.isRegularFile(outDir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> s = Files.list(outDir)) {
      if (s.findAny().isEmpty()) return;
    }
    throw new NotAnOutputDirectory(outDir, "it is not empty and has no " + MARKER
        + " marker from an earlier compile, so it is not anvil's to replace; choose a new or empty directory"
        + " (for output of an older anvil, create the marker file first)");
  }

  /** {@code files} plus the marker: what an output directory holds. */
  private static List<OutputFile> withMarker(List<OutputFile> files) {
    List<OutputFile> all = new ArrayList<>(files.size() + 1);
    all.addAll(files);
    all.add(new OutputFile(MARKER, MARKER_TEXT));
    return all;
  }

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
  public static int write(Path outDir, List<OutputFile> produced) throws IOException {
    for (OutputFile f : produced) checkPath(f.path());
    checkOwned(outDir);
    List<OutputFile> files = withMarker(produced);
    Drift drift = compare(outDir, produced);
    if (drift.isEmpty()) return 0;
    Path parent = outDir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    String name = outDir.getFileName().toString();
    Path tmp = Files.createTempDirectory(parent, "." + name + ".new-");
    try {
      boolean posix = Files.getFileStore(tmp).supportsFileAttributeView("posix");
      // one call per directory, then the files on every core: per-host files run to the thousands
      Set<Path> dirs = new TreeSet<>();
      for (OutputFile f : files) {
        for (Path d = tmp.resolve(f.path()).getParent(); !d.equals(tmp); d = d.getParent()) dirs.add(d);
      }
      dirs.add(tmp);
      for (Path d : dirs) {
        Files.createDirectories(d);
        if (posix) Files.setPosixFilePermissions(d, DIR_MODE);
      }
      // an unchanged file is linked, not written: the new directory shares its inode with the old one,
      // which is only ever replaced whole, never written in place
      Set<String> changed = new java.util.HashSet<>(drift.stale());
      changed.addAll(drift.missing());
      files.parallelStream().forEach(f -> {
        try {
          Path target = tmp.resolve(f.path());
          if (!changed.contains(f.path()) && link(outDir.resolve(f.path()), target)) return;
          f.writeTo(target);
          if (posix) Files.setPosixFilePermissions(target, FILE_MODE);
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
    // the marker is bookkeeping: only the files the sources produce count as changed
    return (int) Stream.of(drift.stale(), drift.missing(), drift.extra()).flatMap(List::stream)
        .filter(p -> !p.equals(MARKER)).count();
  }

  /**
   * Compares the directory's content with {@code produced} (and the marker), byte for byte, one file
   * at a time: a size that differs settles it unread, and no more than a file per core is held.
   */
  public static Drift compare(Path outDir, List<OutputFile> produced) throws IOException {
    List<OutputFile> files = withMarker(produced);
    Set<String> onDisk = new TreeSet<>();
    if (Files.isDirectory(outDir, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.walk(outDir)) {
        s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
            .forEach(p -> onDisk.add(outDir.relativize(p).toString().replace('\\', '/')));
      }
    }
    // per file: 0 same, 1 stale, 2 missing
    int[] verdict = new int[files.size()];
    try {
      java.util.stream.IntStream.range(0, files.size()).parallel().forEach(i -> {
        OutputFile f = files.get(i);
        if (!onDisk.contains(f.path())) {
          verdict[i] = 2;
          return;
        }
        try {
          verdict[i] = same(outDir.resolve(f.path()), f) ? 0 : 1;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<String> stale = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      onDisk.remove(files.get(i).path());
      if (verdict[i] == 1) stale.add(files.get(i).path());
      if (verdict[i] == 2) missing.add(files.get(i).path());
    }
    return new Drift(stale, missing, new ArrayList<>(onDisk));
  }

  private static boolean same(Path file, OutputFile expected) throws IOException {
    if (Files.size(file) != expected.size()) return false;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return expected.sameAs(in);
    }
  }

  /** A hard link at {@code target} to the unchanged {@code existing}; false where the file system has none. */
  private static boolean link(Path existing, Path target) {
    try {
      // a file someone made unreadable to the consumers is written afresh with the output's mode
      if (Files.getFileStore(existing).supportsFileAttributeView("posix")
          && !Files.getPosixFilePermissions(existing, LinkOption.NOFOLLOW_LINKS).equals(FILE_MODE)) {
        return false;
      }
      Files.createLink(target, existing);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Defence in depth: whatever the emitters compute, nothing is written outside the output directory. */
  static void checkPath(String path) {
    Path p = Path.of(path);
    if (path.isEmpty() || p.isAbsolute() || path.startsWith("/") || path.contains("\\") || !p.normalize().equals(p)
        || p.normalize().startsWith("..")) {
      throw new IllegalArgumentException("refusing to write outside the output directory: " + path);
    }
  }

  /** Deletes {@code root} and everything under it, never following a link. */
  public static void deleteTree(Path root) throws IOException {
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
