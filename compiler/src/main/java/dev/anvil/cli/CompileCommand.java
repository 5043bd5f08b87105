package dev.anvil.cli;

import dev.anvil.Compiler.Compilation;
import dev.anvil.write.OutputWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class CompileCommand implements Callable<Integer> {
  private final AnvilCommand parent;
  final CommandSpec spec = Specs.command(this,
      "Compile the config repository into the output directory, replacing it atomically.",
      "On any error nothing is written.");
  private final FormatOption format = new FormatOption(spec);
  private final VerifyOption verify = new VerifyOption(spec);
  private final OptionSpec outOption = Specs.option(Path.class, "DIR", "-o", "--out")
      .description("Output directory (default: out/ in the repository).").build();
  private final OptionSpec checkOption = Specs.flag("Write nothing; exit 1 and list the files that differ when the output"
      + " directory is not what the sources compile to (for CI).", "--check");

  CompileCommand(AnvilCommand parent) {
    this.parent = parent;
    spec.addOption(outOption).addOption(checkOption);
  }

  @Override
  public Integer call() throws Exception {
    Path out = outOption.getValue();
    boolean check = checkOption.getValue();
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    Path dir = out != null ? out : parent.repo().resolve("out");
    String shown = out != null ? dev.anvil.diag.Text.shown(out.toString()) : "out";
    if (!check) {
      try {
        OutputWriter.checkOwned(dir);  // before compiling: a wrong --out is a usage error, and nothing is touched
      } catch (OutputWriter.NotAnOutputDirectory e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), dev.anvil.diag.Text.escape(e.getMessage(), 2000));
      }
    }
    Compilation c = format.compile(parent.repo(), stderr, verify.mode());
    java.util.Map<String, Object> result = new java.util.LinkedHashMap<>();
    result.put("out", dir.toString());
    if (!c.ok()) {
      format.report(c, result, stdout);
      return AnvilCommand.INVALID;
    }
    result.put("hosts", c.fleet().hosts().size());
    result.put("files", c.files().size());
    if (check) {
      OutputWriter.Drift drift = OutputWriter.compare(dir, c.files());
      if (format.json()) {
        result.put("ok", drift.isEmpty());
        result.put("stale", drift.stale());
        result.put("missing", drift.missing());
        result.put("extra", drift.extra());
        format.report(c, result, stdout);
        return drift.isEmpty() ? AnvilCommand.OK : AnvilCommand.INVALID;
      }
      if (drift.isEmpty()) {
        stdout.println("ok: " + shown + "/ is up to date (" + c.files().size() + " files)");
        return AnvilCommand.OK;
      }
      drift.stale().forEach(f -> stderr.println(shown + "/" + f + ": error: stale: differs from what the sources compile to"));
      drift.missing().forEach(f -> stderr.println(shown + "/" + f + ": error: missing: the sources produce it"));
      drift.extra().forEach(f -> stderr.println(shown + "/" + f + ": error: extra: the sources no longer produce it"));
      stderr.println(drift.size() + " files out of date; run './anvil compile' and commit " + shown + "/");
      stderr.flush();
      return AnvilCommand.INVALID;
    }
    dev.anvil.Timings timings = dev.anvil.Timings.start();
    int changed = OutputWriter.write(dir, c.files());
    timings.phase("write");
    if (format.json()) {
      result.put("changed", changed);
      format.report(c, result, stdout);
      return AnvilCommand.OK;
    }
    stdout.println("compiled " + c.fleet().hosts().size() + " hosts into " + shown + "/: " + c.files().size()
        + " files, " + changed + " changed");
    return AnvilCommand.OK;
  }
}
