package dev.anvil.load;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** What makes a directory an Anvil config repository, and finding the one a directory is in. */
public final class ConfigRepo {
  /** How the rule reads in an error message. */
  public static final String WHAT = "no inventory/ directory";

  private ConfigRepo() {}

  /** The standard layout: an {@code inventory/} directory (a real one, not a link). */
  public static boolean is(Path dir) {
    return Files.isDirectory(dir.resolve("inventory"), LinkOption.NOFOLLOW_LINKS);
  }

  /** {@code start} or its nearest parent that is a config repository, or null. */
  public static Path find(Path start) {
    for (Path d = start.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
      if (is(d)) return d;
    }
    return null;
  }
}
