package dev.anvil.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.anvil.Compiler.Compilation;
import dev.anvil.diag.Diagnostic;
import dev.anvil.diag.DiagnosticPrinter;
import dev.anvil.verify.Verifier;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --format text|github|json}, shared by the commands that compile. Text and GitHub
 * annotations go to stderr as the run goes; JSON is one document on stdout at the end, with the
 * diagnostics and the command's own result, for scripts and CI.
 */
final class FormatOption {
  /** Made on first use: an ObjectMapper takes tens of milliseconds to set up, which a text run need not wait for. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  private final picocli.CommandLine.Model.OptionSpec option = Specs.option(DiagnosticPrinter.Format.class, "FORMAT", "--format")
      .defaultValue("text")
      .description("Output format: text (file:line:col, source line and caret), github (workflow annotations) or"
          + " json (one document on stdout).").build();

  /** A command's {@code --format}, added to its spec. */
  FormatOption(picocli.CommandLine.Model.CommandSpec spec) {
    spec.addOption(option);
  }

  private DiagnosticPrinter.Format format() {
    return option.getValue();
  }

  private Verifier.Report verified;

  boolean json() {
    return format() == DiagnosticPrinter.Format.JSON;
  }

  void print(Compilation c, PrintWriter err) {
    new DiagnosticPrinter(format(), c::lines).print(c.diagnostics().all(), err);
  }

  /** Compiles the repo and prints its diagnostics: what every command starts with. */
  Compilation compile(java.nio.file.Path repo, PrintWriter err) throws java.io.IOException {
    return compile(repo, err, Verifier.Mode.OFF);
  }

  /** Compiles, then (when it compiled) lets the consumers' checkers judge the output, and prints it all. */
  Compilation compile(java.nio.file.Path repo, PrintWriter err, Verifier.Mode verify) throws java.io.IOException {
    Compilation c = dev.anvil.Compiler.compile(repo);
    if (c.ok() && verify != Verifier.Mode.OFF) {
      verified = Verifier.verify(c.files(), c.fleet(), verify, c.diagnostics());
      if (verified.skippedLine() != null && !json()) err.println(verified.skippedLine());
      if (!c.ok()) c = c.withoutFiles();
    }
    print(c, err);
    return c;
  }

  /** With --format json: the report on stdout — ok, counts, diagnostics, verify, then {@code result}. */
  void report(Compilation c, Map<String, Object> result, PrintWriter out) {
    if (!json()) return;
    List<Diagnostic> all = c.diagnostics().all();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("ok", c.ok() && !Boolean.FALSE.equals(result.get("ok")));
    int errors = c.diagnostics().errorCount();
    doc.put("errors", errors);
    doc.put("warnings", all.size() - errors);
    doc.put("diagnostics", DiagnosticPrinter.asData(all));
    if (verified != null) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("ran", verified.ran());
      v.put("skipped", verified.skipped());
      doc.put("verify", v);
    }
    result.forEach((k, v) -> {
      if (!k.equals("ok")) doc.put(k, v);
    });
    try {
      out.println(Json.MAPPER.writeValueAsString(doc));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new java.io.UncheckedIOException(e);
    }
    out.flush();
  }
}
