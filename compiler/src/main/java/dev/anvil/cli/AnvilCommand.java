package dev.anvil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.anvil.diag.Text;
import dev.anvil.load.ConfigRepo;

/** {@code anvil}: the command-line entry point. Subcommands are thin; the work is in the pipeline. */
@Command(name = "anvil",
    mixinStandardHelpOptions = true,
    versionProvider = AnvilCommand.Version.class,
    description = "Compiles a Git-backed declarative fleet config into Prometheus (and more) configuration.",
    footer = {"", "Exit status: 0 ok, 1 invalid config (or stale output with --check), 2 usage error, 3 internal error."})
public final class AnvilCommand implements Runnable {
  public static final int OK = 0;
  public static final int INVALID = 1;
  public static final int USAGE = 2;
  public static final int INTERNAL = 3;

  /**
   * The subcommands by name, in help order. Picocli builds a command's model by reflecting over its
   * class, which every run pays before its work, so a run builds only the subcommand it runs, and all
   * of them when it needs them all (help, completion, an unknown one).
   */
  static final java.util.Map<String, Class<?>> SUBCOMMANDS = subcommands(
      new Subcommand("check", CheckCommand.class), new Subcommand("compile", CompileCommand.class),
      new Subcommand("explain", ExplainCommand.class), new Subcommand("test", TestCommand.class),
      new Subcommand("diff", DiffCommand.class), new Subcommand("serve", ServeCommand.class),
      new Subcommand("token", TokenCommand.class), new Subcommand("preview", PreviewCommand.class),
      new Subcommand("init", InitCommand.class), new Subcommand("migrate", MigrateCommand.class),
      new Subcommand("import", ImportCommand.class), new Subcommand("completion", CompletionCommand.class),
      new Subcommand("help", CommandLine.HelpCommand.class));

  /** The subcommands that compile a repository: their schemas are compiled while picocli builds its model. */
  private static final java.util.Set<String> COMPILING = java.util.Set.of("check", "compile", "explain", "diff", "test");

  /** A subcommand's name is its class's own (CliTest checks): reading it from the annotation costs every run. */
  private record Subcommand(String name, Class<?> type) {}

  @Option(names = {"-C", "--repo"}, paramLabel = "DIR",
      description = "Config repository to work on (default: the one the current directory is in).",
      scope = CommandLine.ScopeType.INHERIT)
  Path repoOption;

  private Path repo;

  /**
   * The config repository, found like git finds its root: {@code -C DIR} must be one; otherwise the
   * current directory or its nearest parent that is. Anything else is a usage error, so a typo in
   * {@code -C} never reads "ok: 0 hosts" nor creates {@code DIR/out}.
   */
  Path repo() {
    if (repo != null) return repo;
    CommandLine cli = spec.commandLine();
    if (repoOption != null) {
      Path dir = repoOption.toAbsolutePath().normalize();
      if (!java.nio.file.Files.isDirectory(dir)) {
        throw new CommandLine.ParameterException(cli, "-C " + Text.shown(repoOption.toString()) + ": no such directory");
      }
      if (!ConfigRepo.is(dir)) {
        throw new CommandLine.ParameterException(cli, "-C " + Text.shown(repoOption.toString())
            + ": not an anvil config repository (" + ConfigRepo.WHAT + ")");
      }
      return repo = dir;
    }
    Path found = ConfigRepo.find(Path.of("").toAbsolutePath());
    if (found == null) {
      throw new CommandLine.ParameterException(cli, "not inside an anvil config repository (" + ConfigRepo.WHAT
          + ", here or in a parent directory); run from one or use -C DIR");
    }
    return repo = found;
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing command: check, compile, explain, test, diff, preview, serve, init, migrate, import or completion");
  }

  public static void main(String[] args) {
    useLegacyLocaleData();
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * The JDK's own locale data rather than CLDR's, on Java 17 to 20, unless the user chose. Jackson's
   * first ObjectMapper makes a date format for Locale.US, and with CLDR that parses the list of every
   * locale CLDR knows: 25 ms of each run's start, a tenth of an explain at 1k hosts. Anvil formats
   * nothing by locale (its output is the same everywhere), so either data does. From Java 21 on the
   * JDK's data warns that it is going away, so there the default stays.
   */
  static void useLegacyLocaleData() {
    if (Runtime.version().feature() < 21 && System.getProperty("java.locale.providers") == null) {
      System.setProperty("java.locale.providers", "COMPAT");
    }
  }

  /** Runs the CLI with the given streams; returns the exit status. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    String only = subcommandIn(args);
    if (only != null && COMPILING.contains(only)) dev.anvil.Compiler.prepare();
    CommandLine cli = new CommandLine(new AnvilCommand());
    SUBCOMMANDS.forEach((name, type) -> {
      if (only == null || only.equals(name)) cli.addSubcommand(name, type);
    });
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler((e, a) -> {
      err.println("anvil: " + e.getMessage());
      err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
      err.flush();
      return USAGE;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      err.println("anvil: internal error: " + e);
      err.println("This is a bug in anvil; please report it with the input that caused it.");
      err.flush();
      return INTERNAL;
    });
    return cli.execute(args);
  }

  /**
   * The subcommand {@code args} run, when building it alone gives the same parse: the first word that
   * is not an option of anvil's own or the directory of {@code -C}. Null (build them all) when there is
   * none, when it is unknown (picocli then suggests one), and for help and completion, which list them all.
   */
  static String subcommandIn(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-C") || a.equals("--repo")) {
        i++;
      } else if (!a.startsWith("-")) {
        return SUBCOMMANDS.containsKey(a) && !a.equals("help") && !a.equals("completion") ? a : null;
      }
    }
    return null;
  }

  private static java.util.Map<String, Class<?>> subcommands(Subcommand... all) {
    java.util.Map<String, Class<?>> byName = new java.util.LinkedHashMap<>();
    for (Subcommand c : all) byName.put(c.name(), c.type());
    return java.util.Collections.unmodifiableMap(byName);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AnvilCommand.class.getPackage().getImplementationVersion();
      return new String[] {"anvil " + (v == null ? "dev" : v) + " (input language anvil.dev/v1)"};
    }
  }
}
