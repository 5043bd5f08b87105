package dev.anvil.webhook;

import dev.anvil.diag.Text;
import dev.anvil.model.PromDuration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code anvil token}: registration tokens for {@code anvil serve} (docs/registration.md). The token
 * is printed once and stored only as its hash in the service's token store.
 */
@Command(name = "anvil token", mixinStandardHelpOptions = true, subcommands = {TokenCommand.Create.class, TokenCommand.List.class},
    description = "Registration tokens: one node, one use, until they expire.")
final class TokenCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: create or list");
  }

  static int run(String[] args) {
    return new CommandLine(new TokenCommand()).execute(args);
  }

  /** The options both commands share: the service's settings, which name the token store. */
  abstract static class WithConfig implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The service's settings (serve.yaml).")
    Path config;

    RegistrationTokens tokens() {
      ServiceConfig c;
      try {
        c = ServiceConfig.load(config);
      } catch (ServiceConfig.Invalid e) {
        e.errors.forEach(line -> spec.commandLine().getErr().println("anvil token: " + line));
        throw new Exit(1);
      }
      if (c.registration() == null) {
        spec.commandLine().getErr().println("anvil token: " + Text.shown(config.toString())
            + ": registration is not configured (add a registration: section; docs/registration.md)");
        throw new Exit(1);
      }
      return new RegistrationTokens(c.registration().tokenStore(), Clock.systemUTC());
    }

    @Override
    public Integer call() throws Exception {
      try {
        return execute();
      } catch (Exit e) {
        return e.code;
      } catch (java.io.IOException e) {
        spec.commandLine().getErr().println("anvil token: cannot use the token store: " + e.getClass().getSimpleName() + ": "
            + Text.shown(String.valueOf(e.getMessage())));
        return 1;
      }
    }

    abstract int execute() throws Exception;
  }

  private static final class Exit extends RuntimeException {
    final int code;

    Exit(int code) {
      super(null, null, false, false);
      this.code = code;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Mint a single-use token for one node to register itself into GROUP. The token is printed once",
          "on standard output; give it to the node in ANVIL_TOKEN or a file, never as an argument."})
  static final class Create extends WithConfig {
    /** A group as the schemas write it: namespace:path. */
    private static final java.util.regex.Pattern GROUP =
        java.util.regex.Pattern.compile("[a-z][a-z0-9_]*:[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");

    @Option(names = "--group", required = true, paramLabel = "GROUP",
        description = "The group the host joins as its primary group, e.g. infrastructure:dc1/rack-a1.")
    String group;

    @Option(names = "--ttl", defaultValue = "24h", paramLabel = "DURATION", description = "How long the token is valid (default 24h).")
    String ttl;

    @Override
    int execute() throws Exception {
      Duration valid;
      try {
        valid = Duration.ofMillis(PromDuration.millis(ttl));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), Text.shown(e.getMessage()));
      }
      if (!GROUP.matcher(group).matches()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--group '" + Text.shown(group)
            + "' is not a group name like infrastructure:dc1/rack-a1");
      }
      if (valid.isZero() || valid.compareTo(Duration.ofDays(30)) > 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--ttl must be longer than 0s and at most 30d");
      }
      RegistrationTokens tokens = tokens();
      spec.commandLine().getOut().println(tokens.mint(group, valid));
      spec.commandLine().getErr().println("anvil token: single use, for a host in " + Text.shown(group) + ", valid for " + ttl
          + "; on the node: ANVIL_TOKEN=<token> anvil-register --url <this service>");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The tokens: id (the start of its hash), group, state, host, expiry.")
  static final class List extends WithConfig {
    @Override
    int execute() throws Exception {
      for (RegistrationTokens.Token t : tokens().all()) {
        spec.commandLine().getOut().printf("%s  %-9s %s  %s  expires %s%n", t.id(), t.phase().name().toLowerCase(java.util.Locale.ROOT),
            Text.shown(t.group()), t.host() == null ? "-" : Text.shown(t.host()), t.expires());
      }
      return 0;
    }
  }
}
