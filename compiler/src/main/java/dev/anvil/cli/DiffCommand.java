package dev.anvil.cli;

import dev.anvil.Compiler;
import dev.anvil.Compiler.Compilation;
import dev.anvil.diff.DiffPrinter;
import dev.anvil.diff.FleetDiff;
import dev.anvil.load.GitTreeReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class DiffCommand implements Callable<Integer> {
  private final AnvilCommand parent;
  final CommandSpec spec = Specs.command(this,
      "What a change does to the fleet: compiles two revisions in memory (no checkout) and prints",
      "the semantic changes (hosts, effective values, alert rules, routes, receivers, partitions) and the",
      "unified diff of every output file that changed. Exit 0, or 1 when a revision does not compile;",
      "with --exit-code, like git diff: 0 no change, 1 changes (or a revision does not compile).");
  private final OptionSpec baseOption = Specs.option(String.class, "REF", "--base").defaultValue("HEAD")
      .description("Base revision (default: HEAD).").build();
  private final OptionSpec headOption = Specs.option(String.class, "REF", "--head")
      .description("Head revision (default: the working tree).").build();
  private final OptionSpec worktreeOption = Specs.flag(
      "Compare against the working tree, uncommitted edits included (the default).", "--worktree");
  private final OptionSpec exitCodeOption = Specs.flag(
      "Exit 1 when the revisions compile to different output, 0 when not.", "--exit-code");
  private final OptionSpec formatOption = Specs.option(DiffPrinter.Format.class, "FORMAT", "--format").defaultValue("text")
      .description("text (coloured on a terminal), markdown (a pull-request comment), json, or html (one"
          + " self-contained page, a CI artifact).").build();

  DiffCommand(AnvilCommand parent) {
    this.parent = parent;
    spec.addOption(baseOption).addOption(headOption).addOption(worktreeOption).addOption(exitCodeOption)
        .addOption(formatOption);
  }

  @Override
  public Integer call() throws Exception {
    String base = baseOption.getValue();
    String head = headOption.getValue();
    boolean worktree = worktreeOption.getValue();
    boolean exitCode = exitCodeOption.getValue();
    DiffPrinter.Format format = formatOption.getValue();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (worktree && head != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--head and --worktree exclude each other");
    }
    Path repoDir = parent.repo().toAbsolutePath();
    try (Repository git = new FileRepositoryBuilder().findGitDir(repoDir.toFile()).setMustExist(true).build()) {
      // the two revisions compile concurrently, each distinct file parsed once for both
      Compiler.LoadCache cache = new Compiler.LoadCache();
      var afterFuture = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          java.util.List<String> problems = new java.util.ArrayList<>();
          return head == null ? Compiler.compile(dev.anvil.load.SourceTreeReader.read(repoDir, problems), problems, cache)
              : compile(git, head, err, "head", cache);
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      Compilation before = compile(git, base, err, "base", cache);
      Compilation after = afterFuture.join();
      if (before == null || after == null) return AnvilCommand.INVALID;
      if (!after.ok() || !before.ok()) {
        Compilation bad = !after.ok() ? after : before;
        java.io.StringWriter text = new java.io.StringWriter();
        new dev.anvil.diag.DiagnosticPrinter(dev.anvil.diag.DiagnosticPrinter.Format.TEXT, bad::lines)
            .print(bad.diagnostics().all(), new PrintWriter(text));
        DiffPrinter.printInvalid(bad == after ? "head" : "base", text.toString(), bad.diagnostics().all(), format, out);
        return AnvilCommand.INVALID;
      }
      dev.anvil.Timings timings = dev.anvil.Timings.start();
      FleetDiff.Report report = FleetDiff.between(before, after);
      timings.phase("diff");
      DiffPrinter.print(report, format, format == DiffPrinter.Format.TEXT
          && System.console() != null && System.getenv("NO_COLOR") == null, out);
      return exitCode && !report.isEmpty() ? AnvilCommand.INVALID : AnvilCommand.OK;
    } catch (IllegalArgumentException | org.eclipse.jgit.errors.RepositoryNotFoundException e) {
      err.println("anvil diff: not a Git repository: " + repoDir);
      return AnvilCommand.USAGE;
    }
  }

  private static Compilation compile(Repository git, String ref, PrintWriter err, String what, Compiler.LoadCache cache)
      throws Exception {
    ObjectId id = git.resolve(ref + "^{commit}");
    if (id == null) {
      err.println("anvil diff: unknown " + what + " revision '" + ref + "'");
      return null;
    }
    java.util.List<String> problems = new java.util.ArrayList<>();
    return Compiler.compile(GitTreeReader.read(git, id, problems), problems, cache);
  }
}
