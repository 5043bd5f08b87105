package dev.anvil.cli;

import dev.anvil.verify.Verifier;
import picocli.CommandLine.Option;

/** {@code --verify auto|required|off}: whether the consumers' own checkers judge the output. */
final class VerifyOption {
  @Option(names = "--verify", defaultValue = "auto", paramLabel = "MODE",
      description = {"Run the consumers' checkers (promtool, amtool, scontrol) on the output:",
          "auto (those installed; one line says what was skipped; default), required (a missing one is an error),",
          "off."})
  Verifier.Mode mode;
}
