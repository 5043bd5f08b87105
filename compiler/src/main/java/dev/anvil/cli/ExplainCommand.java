package dev.anvil.cli;

import dev.anvil.Compiler;
import dev.anvil.Compiler.Compilation;
import dev.anvil.explain.Explainer;
import dev.anvil.resolve.ResolvedHost;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "explain", mixinStandardHelpOptions = true,
    description = {"Show a host's effective values, where each came from and what it beat;"
        + " or a node pool's (HOST is then the pool's group, e.g. logical:inference/eks/t4-spot).",
        "KEY narrows the answer: a section (alerts), an entry (alerts.cpu_high) or a value (alerts.cpu_high.threshold)."})
final class ExplainCommand implements Callable<Integer> {
  @ParentCommand AnvilCommand parent;
  @Mixin FormatOption format;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "HOST", description = "Host name.")
  String host;

  @Parameters(index = "1", paramLabel = "KEY", arity = "0..1", description = "Key or key prefix.")
  String key;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    // the host's resolution is all an answer needs: no other host is resolved, no emitter runs
    Compilation c = Compiler.resolve(parent.repo(), host);
    if (!c.ok()) {
      format.print(c, stderr);
      format.report(c, new java.util.LinkedHashMap<>(), stdout);
      if (!format.json()) stderr.println("explain needs a valid configuration; fix the errors above first");
      return AnvilCommand.INVALID;
    }
    ResolvedHost h = c.fleet().host(host);
    dev.anvil.resolve.ResolvedPool pool = h != null ? null : c.fleet().pools().stream()
        .filter(p -> p.group().toString().equals(host)).findFirst().orElse(null);
    if (pool != null && !format.json()) {
      if (new Explainer(c.fleet()).explain(pool, key, stdout)) return AnvilCommand.OK;
      stderr.println("anvil: error: pool '" + host + "' has no value '" + key + "' (its keys start with kubernetes,"
          + " gpu_sharing)");
      return AnvilCommand.INVALID;
    }
    if (format.json() && h != null) {
      var data = new dev.anvil.explain.Explainer(c.fleet()).explainData(h, key);
      if (data != null) {
        format.report(c, new java.util.LinkedHashMap<>(data), stdout);
        return AnvilCommand.OK;
      }
    }
    if (h == null) {
      stderr.println("anvil: error: unknown host '" + host + "'");
      return AnvilCommand.INVALID;
    }
    if (!new Explainer(c.fleet()).explain(h, key, stdout)) {
      stderr.println("anvil: error: host '" + host + "' has no value '" + key
          + "' (keys start with provider, labels, exporters, alerts, checks)");
      return AnvilCommand.INVALID;
    }
    return AnvilCommand.OK;
  }
}
