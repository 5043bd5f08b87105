package dev.anvil.importer;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** What every import writes besides its own files: the standard namespaces and IMPORTED.md. */
final class Imported {
  /** The namespaces an imported fleet gets, as in a new repository. */
  static final List<String> NAMESPACES = List.of("environment", "logical", "infrastructure");

  private Imported() {}

  /** The standard namespaces, so that an import compiles on its own (leave the file out where a repository has them). */
  static String namespaces(String source, String kind) {
    StringBuilder b = new StringBuilder(header(source, kind, "the standard namespaces (leave this file out if your repository has them)"));
    int[] priority = {10, 50, 100};
    for (int i = 0; i < NAMESPACES.size(); i++) {
      b.append("---\n").append(dev.anvil.emit.Output.yamlText(Map.of("apiVersion", "anvil.dev/v1", "kind", "Namespace", "name", NAMESPACES.get(i),
          "priority", priority[i])));
    }
    return b.toString();
  }

  /** The first line of every file an import writes: where it came from and what the file holds. */
  static String header(String source, String kind, String what) {
    return "# Imported from " + dev.anvil.diag.Text.escape(source, 200) + " by anvil import " + kind + ": " + what + ".\n";
  }

  /** IMPORTED.md: what came in, and every note of what did not. */
  static String readme(String source, String kind, String what, List<String> notes) {
    StringBuilder readme = new StringBuilder("# Imported from " + dev.anvil.diag.Text.escape(source, 200) + " by anvil import "
        + kind + "\n\n" + what + ". Review, then copy into your repository.\n");
    if (!notes.isEmpty()) {
      readme.append("\nNot carried over:\n\n");
      for (String n : new TreeSet<>(notes)) readme.append("- ").append(dev.anvil.diag.Text.escape(n, 500)).append('\n');
    }
    return readme.toString();
  }

}
