package dev.anvil.cli;

import dev.anvil.load.RepoFormat;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Brings a repository to the input format this Anvil writes. Format 1 is the first: there is nothing
 * to rewrite yet, so this records the format of a repository without a marker. Each later format
 * adds its rewrite here, from the previous one.
 */
final class MigrateCommand implements Callable<Integer> {
  private final AnvilCommand parent;
  final CommandSpec spec = Specs.command(this,
      "Bring the repository to the input format this Anvil reads (anvil.yaml records it); says what",
      "changed. A repository in a newer format is left alone: install a newer Anvil.");

  MigrateCommand(AnvilCommand parent) {
    this.parent = parent;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path repo = parent.repo();
    Path marker = repo.resolve(RepoFormat.FILE);
    boolean hasMarker = Files.exists(marker, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    int format;
    try {
      format = RepoFormat.of(repo);
    } catch (java.io.IOException e) {
      err.println(RepoFormat.FILE + ": error: unreadable format marker: " + e.getMessage());
      return AnvilCommand.INVALID;
    }
    if (format > RepoFormat.CURRENT) {
      err.println(RepoFormat.FILE + ": error: the repository is in format " + format + ", newer than this Anvil (format "
          + RepoFormat.CURRENT + "): install a newer Anvil; nothing changed");
      return AnvilCommand.INVALID;
    }
    if (!hasMarker) {
      Files.writeString(marker, dev.anvil.emit.Output.resource(MigrateCommand.class, "/dev/anvil/init/anvil.yaml"),
          java.nio.file.StandardOpenOption.CREATE_NEW);
      out.println("recorded input format " + RepoFormat.CURRENT + " in " + RepoFormat.FILE + "; nothing else to change");
      return AnvilCommand.OK;
    }
    out.println("already in input format " + RepoFormat.CURRENT + ": nothing to migrate");
    return AnvilCommand.OK;
  }
}
