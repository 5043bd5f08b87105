package dev.anvil.load;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds and reads the input files of a config repository: YAML under the source folders. */
public final class SourceTreeReader {
  /** Folders of a config repo that hold input documents. */
  public static final List<String> SOURCE_DIRS = List.of("inventory", "policies", "rules", "dashboards");

  private SourceTreeReader() {}

  /**
   * Every *.yaml / *.yml file under the source folders, sorted by path; unreadable files are
   * reported. Symbolic links are never followed, neither to files nor to directories: a link could
   * pull a file from outside the repository into out/ or a diagnostic. Each is reported by its own
   * path, never by its target.
   */
  public static List<SourceFile> read(Path repo, List<String> problems) throws IOException {
    String format = RepoFormat.problem(repo);
    if (format != null) problems.add(format);
    List<Path> paths = new ArrayList<>();
    for (String dir : SOURCE_DIRS) {
      Path d = repo.resolve(dir);
      if (Files.isSymbolicLink(d)) {
        problems.add(dir + ": error: " + LINK_REFUSED);
        continue;
      }
      if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) continue;
      try (Stream<Path> s = Files.walk(d)) {  // does not follow links
        s.forEach(p -> {
          String rel = repo.relativize(p).toString().replace('\\', '/');
          if (Files.isSymbolicLink(p)) {
            if (isReportedLink(rel)) problems.add(rel + ": error: " + LINK_REFUSED);
          } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && isSourcePath(rel)) {
            paths.add(p);
          }
        });
      }
    }
    // read and decoded on every core; the results (a file, or a problem) kept in the walk's order
    List<Read> read;
    try {
      read = paths.parallelStream().map(p -> readOne(repo, p)).toList();
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    List<SourceFile> files = new ArrayList<>();
    for (Read r : read) {
      if (r.file() != null) files.add(r.file());
      else problems.add(r.problem());
    }
    files.sort((a, b) -> a.path().compareTo(b.path()));
    return files;
  }

  /** One file read: the file, or the problem that keeps it out ("path: error: ..."). */
  private record Read(SourceFile file, String problem) {}

  private static Read readOne(Path repo, Path p) {
    String rel = repo.relativize(p).toString().replace('\\', '/');
    try {
      String tooLarge = tooLarge(rel, Files.size(p));
      if (tooLarge != null) return new Read(null, tooLarge);
      return new Read(new SourceFile(rel, decode(Files.readAllBytes(p))), null);
    } catch (CharacterCodingException e) {
      return new Read(null, rel + ": error: file is not valid UTF-8");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Whether a repo-relative path ('/'-separated) is an input file: YAML under a source folder, not hidden. */
  public static boolean isSourcePath(String rel) {
    String[] parts = rel.split("/");
    if (parts.length < 2 || !SOURCE_DIRS.contains(parts[0]) || !isYaml(parts[parts.length - 1])) return false;
    for (String part : parts) if (part.startsWith(".")) return false;
    return true;
  }

  public static final String LINK_REFUSED = "symbolic link: anvil does not follow links in the source tree;"
      + " put the file itself here";

  /** The problem of a file over {@link Limits#MAX_FILE_BYTES}, or null. */
  static String tooLarge(String rel, long size) {
    return size <= Limits.MAX_FILE_BYTES ? null : rel + ": error: file is " + size + " bytes; the limit is "
        + Limits.MAX_FILE_BYTES + " (split it into several files)";
  }

  /** A link under a source folder that is not hidden: reported, never followed. */
  static boolean isReportedLink(String rel) {
    return SOURCE_DIRS.contains(rel.split("/")[0]) && !isHidden(rel);
  }

  private static boolean isHidden(String rel) {
    for (String part : rel.split("/")) if (part.startsWith(".")) return true;
    return false;
  }

  public static boolean isYaml(String name) {
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  public static String decode(byte[] bytes) throws CharacterCodingException {
    // most input is ASCII, which is valid UTF-8 as it is: no decoder, no intermediate UTF-16 copy. Its
    // bytes read as ISO-8859-1 are the same characters, copied as they are (US-ASCII would check
    // each byte once more)
    if (isAscii(bytes)) return new String(bytes, StandardCharsets.ISO_8859_1);
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(java.nio.ByteBuffer.wrap(bytes))
        .toString();
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) if (b < 0) return false;
    return true;
  }
}
