package dev.anvil.preview;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code anvil preview}: the working tree as a local web page, recompiled as files change. */
@Command(name = "anvil preview", mixinStandardHelpOptions = true,
    description = "A local web page to explore the fleet: the group tree, each host's effective values and who"
        + " set them, its alerts, exporters, checks and Slurm node, search, a routing explorer, and what the"
        + " working tree changes against a base revision. It compiles the working tree once, keeps the model"
        + " in memory and recompiles when files change; open pages update without reload.")
public final class PreviewCommand implements Callable<Integer> {
  @Option(names = {"-C", "--repo"}, defaultValue = ".", paramLabel = "DIR", description = "Config repository (default: .).")
  Path repo;

  @Option(names = "--port", defaultValue = "7171", paramLabel = "PORT", description = "Port to listen on (default: 7171; 0: any free port).")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address to listen on (default: 127.0.0.1, this machine only).")
  String bind;

  @Option(names = "--base", defaultValue = "HEAD", paramLabel = "REF",
      description = "Revision the diff view compares the working tree with (default: HEAD; e.g. main).")
  String base;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(repo)) {
      System.err.println("anvil preview: not a directory: " + dev.anvil.diag.Text.shown(repo.toString()));
      return 2;
    }
    Workspace workspace = new Workspace(repo, base);
    Workspace.Snapshot first = workspace.recompile();
    workspace.watch();
    PreviewServer server = new PreviewServer(workspace);
    int bound;
    try {
      bound = server.start(bind, port).toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("anvil preview: cannot listen on " + bind + ":" + port + ": " + e.getCause().getMessage());
      server.close();
      return 2;
    }
    String host = bind.contains(":") ? "[" + bind + "]" : bind;
    System.out.println("anvil preview: http://" + host + ":" + bound + "/  (" + (first.failed() == null
        ? "compiled in " + first.compileMillis() + " ms" : "the working tree does not compile: see the page") + "; Ctrl-C stops)");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        workspace.close();
        server.close().toCompletionStage().toCompletableFuture().get();
      } catch (Exception e) {
        // exiting anyway
      }
    }));
    Thread.currentThread().join();
    return 0;
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new PreviewCommand());
    // a failure is one line, like the compiler's; never a stack trace
    cli.setExecutionExceptionHandler((e, c, parsed) -> {
      System.err.println("anvil preview: " + dev.anvil.diag.Text.shown(String.valueOf(e.getMessage() != null ? e.getMessage() : e)));
      return 3;
    });
    int code = cli.execute(args);
    if (code != 0) System.exit(code);
  }
}
