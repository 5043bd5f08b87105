package dev.anvil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import dev.anvil.diag.Text;
import dev.anvil.load.ConfigRepo;

/**
 * {@code anvil}: the command-line entry point. Subcommands are thin; the work is in the pipeline.
 * Each command builds its own picocli model ({@link Specs}).
 */
public final class AnvilCommand implements Runnable {
  public static final int OK = 0;
  public static final int INVALID = 1;
  public static final int USAGE = 2;
  public static final int INTERNAL = 3;

  /**
   * The subcommands by name, in help order, each made for the run's top-level command (whose -C it
   * reads). A run builds only the subcommand it runs, and all of them when it needs them all (help,
   * completion, an unknown one); picocli's own help command is read from its annotations.
   */
  static final java.util.Map<String, Function<AnvilCommand, Object>> SUBCOMMANDS = subcommands(
      new Subcommand("check", p -> new CheckCommand(p).spec), new Subcommand("compile", p -> new CompileCommand(p).spec),
      new Subcommand("explain", p -> new ExplainCommand(p).spec), new Subcommand("test", p -> new TestCommand(p).spec),
      new Subcommand("diff", p -> new DiffCommand(p).spec), new Subcommand("serve", p -> new ServeCommand().spec),
      new Subcommand("token", p -> new TokenCommand().spec), new Subcommand("preview", p -> new PreviewCommand().spec),
      new Subcommand("init", p -> new InitCommand().spec), new Subcommand("migrate", p -> new MigrateCommand(p).spec),
      new Subcommand("import", p -> new ImportCommand().spec),
      new Subcommand("completion", p -> new CompletionCommand().spec),
      new Subcommand("help", p -> new CommandLine.HelpCommand()));

  /** The subcommands that compile a repository: their schemas are compiled while picocli builds its model. */
  private static final java.util.Set<String> COMPILING = java.util.Set.of("check", "compile", "explain", "diff", "test");

  private record Subcommand(String name, Function<AnvilCommand, Object> model) {}

  /** {@code -C DIR}, which every subcommand takes too. */
  private final OptionSpec repoOption = Specs.option(Path.class, "DIR", "-C", "--repo")
      .description("Config repository to work on (default: the one the current directory is in).")
      .scopeType(CommandLine.ScopeType.INHERIT).build();

  private final CommandSpec spec = Specs.command(this,
      "Compiles a Git-backed declarative fleet config into Prometheus (and more) configuration.")
      .name("anvil").versionProvider(new Version()).addOption(repoOption);

  private AnvilCommand() {
    spec.usageMessage().footer("",
        "Exit status: 0 ok, 1 invalid config (or stale output with --check), 2 usage error, 3 internal error.");
  }

  private Path repo;

  /**
   * The config repository, found like git finds its root: {@code -C DIR} must be one; otherwise the
   * current directory or its nearest parent that is. Anything else is a usage error, so a typo in
   * {@code -C} never reads "ok: 0 hosts" nor creates {@code DIR/out}.
   */
  Path repo() {
    if (repo != null) return repo;
    CommandLine cli = spec.commandLine();
    Path repoOption = this.repoOption.getValue();
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
    AnvilCommand anvil = new AnvilCommand();
    CommandLine cli = new CommandLine(anvil.spec);
    SUBCOMMANDS.forEach((name, model) -> {
      if (only == null || only.equals(name)) cli.addSubcommand(name, model.apply(anvil));
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

  private static java.util.Map<String, Function<AnvilCommand, Object>> subcommands(Subcommand... all) {
    java.util.Map<String, Function<AnvilCommand, Object>> byName = new java.util.LinkedHashMap<>();
    for (Subcommand c : all) byName.put(c.name(), c.model());
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
