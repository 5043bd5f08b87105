package dev.anvil.cli;

import dev.anvil.Compiler.Compilation;
import dev.anvil.alerttest.AlertTests;
import dev.anvil.alerttest.PromtoolRun;
import dev.anvil.diag.Text;
import dev.anvil.emit.OutputFile;
import dev.anvil.routing.RoutingTestRunner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class TestCommand implements Callable<Integer> {
  private final AnvilCommand parent;
  final CommandSpec spec = Specs.command(this,
      "Run the repo's tests against the compiled output:",
      "- routing tests (kind: RoutingTest) against the Alertmanager config, cross-checked with amtool when it is",
      "  installed (time intervals, maintenance windows and inhibition are evaluated by anvil, as amtool cannot);",
      "- alert tests generated from each alert rule's examples and the exporter contracts, run by promtool: every",
      "  rule fires past its threshold and stays quiet below it, for every parameter set and accelerator vendor,",
      "  and every dashboard query finds the series the exporters emit (docs/alert-tests.md).");
  private final FormatOption format = new FormatOption(spec);
  private final OptionSpec amtoolOption = Specs.option(String.class, "PATH|auto|off", "--amtool").defaultValue("auto")
      .description("amtool to cross-check routes with: a path, auto (from PATH if installed; default) or off.").build();
  private final OptionSpec promtoolOption = Specs.option(String.class, "PATH|auto|off", "--promtool").defaultValue("auto")
      .description("promtool to run the alert tests with: a path, auto (from PATH; default) or off (alert tests not run).")
      .build();

  TestCommand(AnvilCommand parent) {
    this.parent = parent;
    spec.addOption(amtoolOption).addOption(promtoolOption);
  }

  /** One test's outcome, whatever its kind; {@code passed} null: not run. */
  private record Outcome(String kind, String name, String at, Boolean passed, String detail) {}

  @Override
  public Integer call() throws Exception {
    String amtool = amtoolOption.getValue();
    String promtool = promtoolOption.getValue();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Compilation c = format.compile(parent.repo(), err);
    if (!c.ok()) {
      format.report(c, new LinkedHashMap<>(), out);
      return AnvilCommand.INVALID;
    }
    List<Outcome> outcomes = new ArrayList<>();
    var tests = c.fleet().fleet().routingTests();
    OutputFile am = c.files().stream().filter(f -> f.path().equals("alertmanager/alertmanager.yml")).findFirst()
        .orElse(null);
    String amtoolPath = toolPath(amtool, "amtool");
    if (am == null && !tests.isEmpty()) {
      err.println("anvil: error: routing tests need the Alerting settings (kind: Alerting)");
      return AnvilCommand.INVALID;
    }
    if (am != null) {
      for (var r : new RoutingTestRunner(c.fleet(), am, amtoolPath).run(tests)) {
        outcomes.add(new Outcome("routing", r.test().name(), r.test().source().at("/name").toString(), r.passed(),
            r.detail()));
      }
    }
    List<AlertTests.Case> cases = AlertTests.generate(c.fleet(), c.files());
    String promtoolPath = toolPath(promtool, "promtool");
    if (promtoolPath != null && !java.nio.file.Files.isExecutable(Path.of(promtoolPath))) {
      err.println("anvil: error: --promtool " + Text.shown(promtoolPath) + ": no such executable");
      return AnvilCommand.USAGE;
    }
    if (!cases.isEmpty() && promtoolPath == null) {
      String why = promtool.equals("off") ? "--promtool off" : "promtool not found on PATH (Debian package prometheus)";
      cases.forEach(t -> outcomes.add(new Outcome(t.kind(), t.name(), t.at().toString(), null, why)));
    } else if (!cases.isEmpty()) {
      for (var r : PromtoolRun.run(Path.of(promtoolPath), c.files(), cases)) {
        outcomes.add(new Outcome(r.test().kind(), r.test().name(), r.test().at().toString(), r.passed(), r.detail()));
      }
    }
    long failed = outcomes.stream().filter(o -> Boolean.FALSE.equals(o.passed())).count();
    long notRun = outcomes.stream().filter(o -> o.passed() == null).count();
    long passed = outcomes.size() - failed - notRun;
    // alert tests left unrun because promtool is missing prove nothing: only --promtool off may skip them
    boolean ok = failed == 0 && (notRun == 0 || promtool.equals("off"));
    if (format.json()) {
      List<Object> list = new ArrayList<>();
      for (Outcome o : outcomes) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("kind", o.kind());
        t.put("name", o.name());
        t.put("at", o.at());
        t.put("passed", o.passed());
        t.put("detail", o.detail());
        list.add(t);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("ok", ok);
      result.put("passed", passed);
      result.put("failed", failed);
      result.put("not_run", notRun);
      result.put("amtool", amtoolPath != null);
      result.put("promtool", promtoolPath != null);
      result.put("tests", list);
      format.report(c, result, out);
      return ok ? AnvilCommand.OK : AnvilCommand.INVALID;
    }
    if (outcomes.isEmpty()) {
      out.println("no tests");
      return AnvilCommand.OK;
    }
    for (Outcome o : outcomes) {
      String verdict = o.passed() == null ? "SKIP" : o.passed() ? "PASS" : "FAIL";
      String detail = o.detail() == null || o.detail().isEmpty() ? "" : ": " + Text.shown(o.detail());
      out.println(verdict + "  " + o.kind() + " " + Text.shown(o.name()) + " (" + o.at() + ")" + detail);
    }
    out.println(passed + " passed, " + failed + " failed" + (notRun > 0 ? ", " + notRun + " not run" : "")
        + (amtoolPath == null && !tests.isEmpty() ? " (amtool not used)" : ""));
    return ok ? AnvilCommand.OK : AnvilCommand.INVALID;
  }

  private static String toolPath(String option, String name) {
    if (option.equals("off")) return null;
    if (!option.equals("auto")) return option;
    Path found = dev.anvil.verify.Verifier.onPath(name);
    return found == null ? null : found.toString();
  }
}
