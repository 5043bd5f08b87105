package dev.anvil.cli;

import dev.anvil.diag.Text;
import dev.anvil.scaffold.Scaffold;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class InitCommand implements Callable<Integer> {
  final CommandSpec spec = Specs.command(this,
      "Start a new config repository in DIR (new or empty; nothing there is overwritten): a minimal",
      "fleet, the rule and dashboard templates and contracts this Anvil ships, its schemas for editors, the",
      "format marker (anvil.yaml), and CI recipes (GitHub Actions, GitLab CI, pre-commit) that install the",
      "release bundle. Then: cd DIR && anvil check.");
  private final PositionalParamSpec dirParameter = Specs.positional(0, Path.class, "DIR", "Directory of the new repository.")
      .build();

  InitCommand() {
    spec.addPositional(dirParameter);
  }

  @Override
  public Integer call() throws Exception {
    Path dir = dirParameter.getValue();
    PrintWriter out = spec.commandLine().getOut();
    try {
      var written = Scaffold.write(dir);
      out.println("created an Anvil config repository in " + Text.shown(dir.toString()) + " (" + written.size() + " files);"
          + " next: cd " + Text.shown(dir.toString()) + " && git init && anvil check");
      return AnvilCommand.OK;
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("anvil init: " + Text.shown(dir.toString()) + ": " + e.getMessage());
      return AnvilCommand.USAGE;
    }
  }
}
