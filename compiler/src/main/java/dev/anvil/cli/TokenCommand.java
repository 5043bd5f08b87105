package dev.anvil.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code anvil token}, as the help lists it: registration tokens belong to the service (module
 * webhook), whose jar the launcher runs for this command.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = {"Registration tokens for anvil serve: anvil token create --config serve.yaml --group GROUP [--ttl 24h]",
        "prints a single-use token a node registers itself with (docs/registration.md); anvil token list shows them."})
final class TokenCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(arity = "0..*", hidden = true)
  java.util.List<String> args;

  @Override
  public Integer call() {
    return ServeCommand.launcherOnly(spec, "token create --config serve.yaml --group GROUP");
  }
}
