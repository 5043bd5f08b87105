package dev.anvil.cli;

import dev.anvil.Compiler.Compilation;
import dev.anvil.diag.DiagnosticPrinter;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code --format text|github}, shared by the commands that print diagnostics. */
final class FormatOption {
  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
      description = "Diagnostics format: text (file:line:col, source line and caret) or github (workflow annotations).")
  DiagnosticPrinter.Format format;

  void print(Compilation c, PrintWriter err) {
    new DiagnosticPrinter(format, c::lines).print(c.diagnostics().all(), err);
  }

  /** Compiles the repo and prints its diagnostics: what every command starts with. */
  Compilation compile(java.nio.file.Path repo, PrintWriter err) throws java.io.IOException {
    return compile(repo, err, dev.anvil.verify.Verifier.Mode.OFF);
  }

  /** Compiles, then (when it compiled) lets the consumers' checkers judge the output, and prints it all. */
  Compilation compile(java.nio.file.Path repo, PrintWriter err, dev.anvil.verify.Verifier.Mode verify)
      throws java.io.IOException {
    Compilation c = dev.anvil.Compiler.compile(repo);
    if (c.ok() && verify != dev.anvil.verify.Verifier.Mode.OFF) {
      var report = dev.anvil.verify.Verifier.verify(c.files(), c.fleet(), verify, c.diagnostics());
      if (report.skippedLine() != null) err.println(report.skippedLine());
      if (!c.ok()) c = c.withoutFiles();
    }
    print(c, err);
    return c;
  }
}
