package dev.anvil.cli;

import dev.anvil.verify.Verifier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --verify auto|required|off}: whether the consumers' own checkers judge the output. */
final class VerifyOption {
  private final OptionSpec option = Specs.option(Verifier.Mode.class, "MODE", "--verify").defaultValue("auto")
      .description("Run the consumers' checkers (promtool, amtool, scontrol) on the output:",
          "auto (those installed; one line says what was skipped; default), required (a missing one is an error),",
          "off.").build();

  /** A command's {@code --verify}, added to its spec. */
  VerifyOption(CommandSpec spec) {
    spec.addOption(option);
  }

  Verifier.Mode mode() {
    return option.getValue();
  }
}
