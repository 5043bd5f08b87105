package dev.anvil.cli;

import dev.anvil.Compiler;
import dev.anvil.Compiler.Compilation;
import dev.anvil.explain.Explainer;
import dev.anvil.diag.Text;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.ResolvedPool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ExplainCommand implements Callable<Integer> {
  private final AnvilCommand parent;
  final CommandSpec spec = Specs.command(this,
      "Show a host's effective values, where each came from and what it beat;"
          + " or a node pool's (HOST is then the pool's group, e.g. logical:inference/eks/t4-spot).",
      "KEY narrows the answer: a section (alerts), an entry (alerts.cpu_high) or a value (alerts.cpu_high.threshold).");
  private final FormatOption format = new FormatOption(spec);
  private final PositionalParamSpec hostParameter = Specs.positional(0, String.class, "HOST", "Host name.").build();
  private final PositionalParamSpec keyParameter = Specs.positional(1, String.class, "KEY", "Key or key prefix.")
      .arity("0..1").required(false).build();

  ExplainCommand(AnvilCommand parent) {
    this.parent = parent;
    spec.addPositional(hostParameter).addPositional(keyParameter);
  }

  @Override
  public Integer call() throws Exception {
    String host = hostParameter.getValue();
    String key = keyParameter.getValue();
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    // the host's resolution is all an answer needs: no other host is resolved, no emitter runs
    Compilation c = Compiler.resolve(parent.repo(), host);
    if (!c.ok()) {
      format.print(c, stderr);
      format.report(c, new LinkedHashMap<>(), stdout);
      if (!format.json()) stderr.println("explain needs a valid configuration; fix the errors above first");
      return AnvilCommand.INVALID;
    }
    ResolvedHost h = c.fleet().host(host);
    ResolvedPool pool = h != null ? null : c.fleet().pools().stream()
        .filter(p -> p.group().toString().equals(host)).findFirst().orElse(null);
    if (h == null && pool == null) return error(c, "unknown host '" + Text.shown(host) + "'", stdout, stderr);
    Explainer explainer = new Explainer(c.fleet());
    if (format.json()) {
      var data = h != null ? explainer.explainData(h, key) : explainer.explainData(pool, key);
      if (data == null) return error(c, noValue(h != null, host, key), stdout, stderr);
      format.report(c, data, stdout);
      return AnvilCommand.OK;
    }
    if (!(h != null ? explainer.explain(h, key, stdout) : explainer.explain(pool, key, stdout))) {
      return error(c, noValue(h != null, host, key), stdout, stderr);
    }
    return AnvilCommand.OK;
  }

  private static String noValue(boolean isHost, String host, String key) {
    return (isHost ? "host" : "pool") + " '" + Text.shown(host) + "' has no value '" + Text.shown(key) + "' ("
        + (isHost ? "keys start with provider, labels, exporters, alerts, checks" : "its keys start with kubernetes, gpu_sharing")
        + ")";
  }

  /** A question with no answer: on stderr, or with --format json as the document's error (stdout has the one document). */
  private Integer error(Compilation c, String message, PrintWriter stdout, PrintWriter stderr) {
    if (format.json()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("ok", false);
      result.put("error", message);
      format.report(c, result, stdout);
    } else {
      stderr.println("anvil: error: " + message);
    }
    return AnvilCommand.INVALID;
  }
}
