package dev.anvil.cli;

import dev.anvil.diag.Text;
import dev.anvil.importer.AnsibleImport;
import dev.anvil.importer.PrometheusImport;
import dev.anvil.importer.SlurmImport;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ImportCommand implements Runnable {
  final CommandSpec spec = Specs.command(this,
      "Turn what you run today into Anvil input to review: anvil import prometheus prometheus.yml (its",
      "static and file_sd targets and labels → hosts, groups, exporters and ports); anvil import ansible",
      "INVENTORY (its groups and hosts, read by ansible-inventory); anvil import slurm slurm.conf (its nodes,",
      "partitions and accelerators, with the gres.conf beside it). Writes into a new or empty directory",
      "(--out); IMPORTED.md lists what could not be carried over.");

  ImportCommand() {
    spec.addSubcommand("prometheus", new Prometheus().spec);
    spec.addSubcommand("ansible", new Ansible().spec);
    spec.addSubcommand("slurm", new Slurm().spec);
  }

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing source: prometheus, ansible or slurm");
  }

  /** What every import shares: an input that exists, an output directory that is new or empty, and the files written. */
  abstract static class Source implements Callable<Integer> {
    final CommandSpec spec;
    private final OptionSpec outOption = Specs.option(Path.class, "DIR", "--out").defaultValue("imported")
        .description("Where to write (default: imported).").build();
    /** The file or directory to import. */
    private final PositionalParamSpec inputParameter;

    Source(String label, String inputDescription, String... description) {
      spec = Specs.command(this, description);
      inputParameter = Specs.positional(0, Path.class, label, inputDescription).build();
      spec.addOption(outOption).addPositional(inputParameter);
    }

    Path input() {
      return inputParameter.getValue();
    }

    abstract Map<String, String> read() throws Exception;

    @Override
    public Integer call() throws Exception {
      Path out = outOption.getValue();
      if (!Files.exists(input())) {
        spec.commandLine().getErr().println("anvil import: " + Text.shown(input().toString()) + ": no such file");
        return AnvilCommand.USAGE;
      }
      if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
        try (var s = Files.list(out)) {
          if (s.findAny().isPresent()) {
            spec.commandLine().getErr().println("anvil import: " + Text.shown(out.toString())
                + ": not empty (import writes only into a new or empty directory)");
            return AnvilCommand.USAGE;
          }
        }
      }
      Map<String, String> files;
      try {
        files = read();
      } catch (picocli.CommandLine.ParameterException e) {
        throw e;
      } catch (java.io.IOException | RuntimeException e) {
        spec.commandLine().getErr().println("anvil import: " + Text.shown(input().toString()) + ": cannot read it: "
            + Text.shown(String.valueOf(e.getMessage())));
        return AnvilCommand.INVALID;
      }
      for (var f : files.entrySet()) {
        Path p = out.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue(), StandardOpenOption.CREATE_NEW);
      }
      spec.commandLine().getOut().println("imported into " + Text.shown(out.toString()) + ": see IMPORTED.md, then review and copy"
          + " the files into your repository");
      return AnvilCommand.OK;
    }
  }

  static final class Prometheus extends Source {
    Prometheus() {
      super("FILE", "The prometheus.yml (file_sd files are read relative to it).",
          "A prometheus.yml's scrape jobs as hosts, groups, exporters and ports.");
    }

    @Override
    Map<String, String> read() throws Exception {
      return PrometheusImport.of(input());
    }
  }

  static final class Ansible extends Source {
    Ansible() {
      super("INVENTORY", "The inventory file or directory.",
          "An Ansible inventory (INI, YAML or a directory, as ansible-inventory reads it) as hosts and groups.");
    }

    @Override
    Map<String, String> read() throws Exception {
      Path inventory = input();
      Path tool = dev.anvil.verify.Verifier.onPath("ansible-inventory");
      if (tool == null) throw new java.io.IOException("needs ansible-inventory (Debian: apt-get install ansible-core)");
      return AnsibleImport.of(AnsibleImport.list(tool.toString(), inventory), inventory.getFileName().toString());
    }
  }

  static final class Slurm extends Source {
    private final OptionSpec vendorOption = Specs.option(Map.class, "TYPE=VENDOR", "--vendor")
        .auxiliaryTypes(String.class, String.class)
        .description("The vendor of a Gres type the import cannot tell (one of: nvidia, amd, intel-gaudi, rebellions, furiosa,"
            + " tenstorrent, google-tpu); repeatable.").build();

    Slurm() {
      super("FILE", "The slurm.conf (Include lines are followed).",
          "A slurm.conf's nodes (CPUs, memory, Gres, features, weight, state) and partitions (nodes and limits)",
          "as hosts, Slurm node policies and partitions; the gres.conf beside it tells device vendors apart.");
      spec.addOption(vendorOption);
    }

    @Override
    Map<String, String> read() throws Exception {
      Map<String, String> vendors = new java.util.TreeMap<>();
      Map<String, String> given = vendorOption.getValue();
      if (given != null) vendors.putAll(given);
      vendors.forEach((type, vendor) -> {
        if (!dev.anvil.model.Hardware.VENDORS.contains(vendor)) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--vendor " + Text.shown(type) + "=" + Text.shown(vendor)
              + ": not a vendor Anvil knows (" + String.join(", ", dev.anvil.model.Hardware.VENDORS) + ")");
        }
      });
      return SlurmImport.of(input(), vendors);
    }
  }
}
