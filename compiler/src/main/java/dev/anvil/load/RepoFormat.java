package dev.anvil.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * {@code anvil.yaml} at the repository's root: the input format it is written in. A repository
 * without it is read as the current format (this repository's example fleet has none); one written
 * for a newer format is refused with what to do, rather than misread.
 */
public final class RepoFormat {
  public static final String FILE = "anvil.yaml";
  /** The input format this Anvil reads and writes. */
  public static final int CURRENT = 1;

  private RepoFormat() {}

  /** The repository's format: CURRENT when it has no marker; throws with a message when the marker is unreadable. */
  public static int of(Path repo) throws IOException {
    Path marker = repo.resolve(FILE);
    if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) return CURRENT;
    if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS) || Files.size(marker) > 65_536) {
      throw new IOException("not a small regular file");
    }
    JsonNode n;
    try {
      n = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(marker));
    } catch (IOException e) {
      throw new IOException("not YAML");
    }
    JsonNode f = n == null ? null : n.get("format");
    if (f == null || !f.canConvertToInt() || f.asInt() < 1) throw new IOException("needs 'format: N', a positive whole number");
    return f.asInt();
  }

  /** A problem line for the loader ("anvil.yaml: error: …"), or null when this Anvil reads the repository's format. */
  public static String problem(Path repo) {
    try {
      int format = of(repo);
      if (format <= CURRENT) return null;
      return FILE + ": error: this repository is in Anvil input format " + format + ", newer than this Anvil reads (format "
          + CURRENT + "): install a newer Anvil";
    } catch (IOException e) {
      return FILE + ": error: unreadable format marker: " + e.getMessage();
    }
  }
}
