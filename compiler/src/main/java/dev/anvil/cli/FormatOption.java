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
    Compilation c = dev.anvil.Compiler.compile(repo);
    print(c, err);
    return c;
  }
}
