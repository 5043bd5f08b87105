package dev.anvil.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code anvil token}, as the help lists it: registration tokens belong to the service (module
 * webhook), whose jar the launcher runs for this command.
 */
final class TokenCommand implements Callable<Integer> {
  final CommandSpec spec = Specs.command(this,
      "Registration tokens for anvil serve: anvil token create --config serve.yaml --group GROUP [--ttl 24h]",
      "prints a single-use token a node registers itself with (docs/registration.md); anvil token list shows them.");

  TokenCommand() {
    // whatever follows is the service's to read
    spec.addPositional(PositionalParamSpec.builder().arity("0..*").hidden(true).type(java.util.List.class)
        .auxiliaryTypes(String.class).build());
  }

  @Override
  public Integer call() {
    return ServeCommand.launcherOnly(spec, "token create --config serve.yaml --group GROUP");
  }
}
