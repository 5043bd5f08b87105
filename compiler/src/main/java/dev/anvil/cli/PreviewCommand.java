package dev.anvil.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code anvil preview}, as the help and completion list it. The preview is its own program (module
 * preview: Vert.x), started by the launcher; see {@link ServeCommand}.
 */
@Command(name = "preview", mixinStandardHelpOptions = true,
    description = {"The fleet as a local web page, recompiled as files change: group tree, each host's values and",
        "who set them, search, routing explorer, the diff against a base (docs/preview.md). Run it through the",
        "launcher: anvil preview"})
final class PreviewCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default: 7171).")
  Integer port;

  @CommandLine.Option(names = "--bind", paramLabel = "ADDRESS", description = "Address to listen on (default: 127.0.0.1).")
  String bind;

  @CommandLine.Option(names = "--base", paramLabel = "REF", description = "Revision the diff view compares with (default: HEAD).")
  String base;

  @Override
  public Integer call() {
    return ServeCommand.launcherOnly(spec, "preview");
  }
}
