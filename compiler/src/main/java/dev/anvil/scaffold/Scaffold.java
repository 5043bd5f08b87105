package dev.anvil.scaffold;

import dev.anvil.emit.Output;
import dev.anvil.load.RepoFormat;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of a new config repository ({@code anvil init}): a minimal fleet, the rule and dashboard
 * templates and exporter contracts this Anvil ships, its JSON Schemas for editors, the format
 * marker, and CI recipes that install the release bundle. All of it comes from the jar.
 */
public final class Scaffold {
  /** resource under dev/anvil/init/ → path in the new repository. */
  private static final Map<String, String> FILES = new LinkedHashMap<>();

  static {
    FILES.put("anvil.yaml", RepoFormat.FILE);
    FILES.put("README.md", "README.md");
    FILES.put("gitignore", ".gitignore");
    FILES.put("inventory/namespaces.yaml", "inventory/namespaces.yaml");
    FILES.put("inventory/groups.yaml", "inventory/groups.yaml");
    FILES.put("inventory/hosts/gpu-nodes.yaml", "inventory/hosts/gpu-nodes.yaml");
    FILES.put("policies/production.yaml", "policies/production.yaml");
    FILES.put("vscode-settings.json", ".vscode/settings.json");
    FILES.put("github-workflow.yml", ".github/workflows/anvil.yml");
    FILES.put("gitlab-ci.yml", ".gitlab-ci.yml");
    FILES.put("pre-commit-config.yaml", ".pre-commit-config.yaml");
  }

  private Scaffold() {}

  /**
   * Every file of a new repository: path → content, sorted by path. The templates and schemas come
   * from the installation ({@code anvil.home}, set by the launcher: a source checkout's rules/ as
   * they are now, a bundle's as shipped), or from the jar when run without the launcher.
   */
  public static Map<String, String> files() {
    Map<String, String> out = new TreeMap<>();
    FILES.forEach((resource, path) -> out.put(path, Output.resource(Scaffold.class, "/dev/anvil/init/" + resource)));
    String home = System.getProperty("anvil.home");
    Path root = home == null ? null : Path.of(home);
    if (root != null && Files.isDirectory(root.resolve("rules")) && Files.isDirectory(root.resolve("dashboards"))
        && Files.isDirectory(root.resolve("schema"))) {
      try {
        read(root.resolve("rules"), "rules/", out);
        read(root.resolve("dashboards"), "dashboards/", out);
        read(root.resolve("schema"), ".anvil/schema/", out);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return out;
    }
    shipped("/dev/anvil/shipped", "").forEach(out::put);
    shipped("/dev/anvil/schema", ".anvil/schema/").forEach(out::put);
    return out;
  }

  /** The files under a resource directory of the jar (or of the classes directory in a build). */
  private static Map<String, String> shipped(String resourceDir, String prefix) {
    Map<String, String> out = new TreeMap<>();
    try {
      URI uri = Scaffold.class.getResource(resourceDir).toURI();
      if (uri.getScheme().equals("jar")) {
        FileSystem fs;
        try {
          fs = FileSystems.getFileSystem(uri);
        } catch (FileSystemNotFoundException e) {
          fs = FileSystems.newFileSystem(uri, Map.of());
        }
        read(fs.getPath(resourceDir), prefix, out);
      } else {
        read(Path.of(uri), prefix, out);
      }
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("the shipped templates are missing from this build: " + resourceDir, e);
    }
    return out;
  }

  /** The regular files below {@code root} (links are not followed: nothing from elsewhere is copied). */
  private static void read(Path root, String prefix, Map<String, String> out) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
        out.put(prefix + root.relativize(p).toString().replace('\\', '/'), Files.readString(p));
      }
    }
  }

  /**
   * Writes a new repository into {@code dir}, which must not exist or be empty: nothing that is
   * there is ever overwritten. Returns the paths written.
   */
  public static List<String> write(Path dir) throws IOException {
    if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) throw new IllegalArgumentException("not a directory");
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isPresent()) throw new IllegalArgumentException("not empty (anvil init writes only into a new or empty directory)");
      }
    }
    Map<String, String> files = files();
    for (var f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue(), java.nio.file.StandardOpenOption.CREATE_NEW);
    }
    return List.copyOf(files.keySet());
  }
}
