package dev.anvil.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code anvil preview}, as the help and completion list it. The preview is its own program (module
 * preview: Vert.x), started by the launcher; see {@link ServeCommand}.
 */
final class PreviewCommand implements Callable<Integer> {
  final CommandSpec spec = Specs.command(this,
      "The fleet as a local web page, recompiled as files change: group tree, each host's values and",
      "who set them, search, routing explorer, the diff against a base (docs/preview.md). Run it through the",
      "launcher: anvil preview");

  PreviewCommand() {
    // the preview's own options, for help and completion
    spec.addOption(Specs.option(Integer.class, "PORT", "--port").description("Port to listen on (default: 7171).").build())
        .addOption(Specs.option(String.class, "ADDRESS", "--bind").description("Address to listen on (default: 127.0.0.1).").build())
        .addOption(Specs.option(String.class, "REF", "--base")
            .description("Revision the diff view compares with (default: HEAD).").build());
  }

  @Override
  public Integer call() {
    return ServeCommand.launcherOnly(spec, "preview");
  }
}
