package dev.anvil.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The commands' picocli models, built with picocli's programmatic API: each command makes its own
 * {@link CommandSpec} and reads its options' values from their specs. Picocli's annotations would say
 * the same, but reading them costs every run 30-50 ms before its work (the JDK generates a proxy class
 * for each annotation type, then parses each annotation), a tenth of an explain at 1k hosts.
 * StartupCostTest keeps picocli's annotations out of the CLI.
 */
final class Specs {
  private Specs() {}

  /** A command that runs {@code command}, with -h/--help and -V/--version as picocli's standard help options. */
  static CommandSpec command(Object command, String... description) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
    spec.usageMessage().description(description);
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
        .description("Show this help message and exit.").build());
    spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
        .description("Print version information and exit.").build());
    return spec;
  }

  /** An option that takes a value of {@code type}, shown as {@code label}. */
  static OptionSpec.Builder option(Class<?> type, String label, String... names) {
    return OptionSpec.builder(names).type(type).paramLabel(label);
  }

  /** An option without a value: false unless given. */
  static OptionSpec flag(String description, String... names) {
    return OptionSpec.builder(names).type(boolean.class).initialValue(false).description(description).build();
  }

  /** The {@code index}th positional parameter, a value of {@code type}, shown as {@code label}; required. */
  static PositionalParamSpec.Builder positional(int index, Class<?> type, String label, String description) {
    return PositionalParamSpec.builder().index(Integer.toString(index)).type(type).paramLabel(label)
        .description(description).required(true);
  }
}
