package dev.anvil.cli;

import dev.anvil.Compiler.Compilation;
import dev.anvil.emit.OutputFile;
import dev.anvil.routing.RoutingTestRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "test", mixinStandardHelpOptions = true,
    description = {"Run the repo's routing tests (kind: RoutingTest) against the compiled Alertmanager config.",
        "Routes are cross-checked with amtool when it is installed; time intervals, maintenance windows and",
        "inhibition are evaluated by anvil, as amtool cannot."})
final class TestCommand implements Callable<Integer> {
  @ParentCommand AnvilCommand parent;
  @Mixin FormatOption format;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--amtool", paramLabel = "PATH|auto|off", defaultValue = "auto",
      description = "amtool to cross-check routes with: a path, auto (from PATH if installed; default) or off.")
  String amtool;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Compilation c = format.compile(parent.repo(), err);
    if (!c.ok()) {
      format.report(c, new java.util.LinkedHashMap<>(), out);
      return AnvilCommand.INVALID;
    }
    var tests = c.fleet().fleet().routingTests();
    OutputFile am = c.files().stream().filter(f -> f.path().equals("alertmanager/alertmanager.yml")).findFirst()
        .orElse(null);
    if (am == null) {
      if (tests.isEmpty()) {
        out.println("no routing tests");
        return AnvilCommand.OK;
      }
      err.println("anvil: error: routing tests need the Alerting settings (kind: Alerting)");
      return AnvilCommand.INVALID;
    }
    String tool = amtoolPath();
    List<RoutingTestRunner.Result> results = new RoutingTestRunner(c.fleet(), am, tool).run(tests);
    if (format.json()) {
      java.util.List<Object> list = new java.util.ArrayList<>();
      for (var r : results) {
        java.util.Map<String, Object> t = new java.util.LinkedHashMap<>();
        t.put("name", r.test().name());
        t.put("at", r.test().source().at("/name").toString());
        t.put("passed", r.passed());
        t.put("detail", r.detail());
        list.add(t);
      }
      long failures = results.stream().filter(r -> !r.passed()).count();
      java.util.Map<String, Object> result = new java.util.LinkedHashMap<>();
      result.put("ok", failures == 0);
      result.put("passed", results.size() - failures);
      result.put("failed", failures);
      result.put("amtool", tool != null);
      result.put("tests", list);
      format.report(c, result, out);
      return failures == 0 ? AnvilCommand.OK : AnvilCommand.INVALID;
    }
    int failed = 0;
    for (var r : results) {
      String where = r.test().source().at("/name").toString();
      if (r.passed()) {
        out.println("PASS  " + r.test().name() + " (" + where + "): " + r.detail());
      } else {
        failed++;
        out.println("FAIL  " + r.test().name() + " (" + where + "): " + r.detail());
      }
    }
    out.println((results.size() - failed) + " passed, " + failed + " failed" + (tool == null ? " (amtool not used)" : ""));
    return failed == 0 ? AnvilCommand.OK : AnvilCommand.INVALID;
  }

  private String amtoolPath() {
    if (amtool.equals("off")) return null;
    if (!amtool.equals("auto")) return amtool;
    Path found = dev.anvil.verify.Verifier.onPath("amtool");
    return found == null ? null : found.toString();
  }
}
