package dev.anvil.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code anvil serve}, as the help lists it. The service is its own program (module webhook: Vert.x
 * and JGit, which the compiler does not need); the launcher starts it for {@code anvil serve}, so
 * this command only runs when the compiler jar is started directly.
 */
final class ServeCommand implements Callable<Integer> {
  final CommandSpec spec = Specs.command(this,
      "The push-to-deploy service: compiles each signed Git push, writes it atomically and reloads",
      "Prometheus and Alertmanager (docs/webhook.md). Run it through the launcher: anvil serve --config serve.yaml");

  ServeCommand() {
    spec.addOption(Specs.option(String.class, "FILE", "--config").description("The service's settings (serve.yaml).").build());
  }

  @Override
  public Integer call() {
    return launcherOnly(spec, "serve --config FILE");
  }

  /** What a service's stand-in says when the compiler jar is started directly: the launcher runs the service's jar. */
  static int launcherOnly(CommandSpec spec, String usage) {
    spec.commandLine().getErr().println("anvil: '" + spec.name() + "' is started by the anvil launcher (./anvil " + usage
        + "), which runs its own jar; this jar is the compiler only");
    return AnvilCommand.USAGE;
  }
}
