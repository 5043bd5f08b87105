package dev.anvil.cli;

import dev.anvil.Compiler.Compilation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

final class CheckCommand implements Callable<Integer> {
  private final AnvilCommand parent;
  final CommandSpec spec = Specs.command(this,
      "Validate the config repository: schemas, references, resolution and rendering. Writes nothing.");
  private final FormatOption format = new FormatOption(spec);
  private final VerifyOption verify = new VerifyOption(spec);

  CheckCommand(AnvilCommand parent) {
    this.parent = parent;
  }

  @Override
  public Integer call() throws Exception {
    Compilation c = format.compile(parent.repo(), spec.commandLine().getErr(), verify.mode());
    if (format.json()) {
      java.util.Map<String, Object> result = new java.util.LinkedHashMap<>();
      if (c.ok()) {
        result.put("hosts", c.fleet().hosts().size());
        result.put("files", c.files().size());
      }
      format.report(c, result, spec.commandLine().getOut());
      return c.ok() ? AnvilCommand.OK : AnvilCommand.INVALID;
    }
    if (!c.ok()) return AnvilCommand.INVALID;
    spec.commandLine().getOut().println("ok: " + c.fleet().hosts().size() + " hosts, " + c.files().size()
        + " output files");
    return AnvilCommand.OK;
  }
}
