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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Turn what you run today into Anvil input to review: anvil import prometheus prometheus.yml (its",
        "static and file_sd targets and labels → hosts, groups, exporters and ports); anvil import ansible",
        "INVENTORY (its groups and hosts, read by ansible-inventory); anvil import slurm slurm.conf (its nodes,",
        "partitions and accelerators, with the gres.conf beside it). Writes into a new or empty directory",
        "(--out); IMPORTED.md lists what could not be carried over."},
    subcommands = {ImportCommand.Prometheus.class, ImportCommand.Ansible.class, ImportCommand.Slurm.class})
final class ImportCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing source: prometheus, ansible or slurm");
  }

  /** What every import shares: an input that exists, an output directory that is new or empty, and the files written. */
  abstract static class Source implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "imported", paramLabel = "DIR", description = "Where to write (default: imported).")
    Path out;

    abstract Path input();

    abstract Map<String, String> read() throws Exception;

    @Override
    public Integer call() throws Exception {
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

  @Command(name = "prometheus", mixinStandardHelpOptions = true,
      description = "A prometheus.yml's scrape jobs as hosts, groups, exporters and ports.")
  static final class Prometheus extends Source {
    @Parameters(index = "0", paramLabel = "FILE", description = "The prometheus.yml (file_sd files are read relative to it).")
    Path config;

    @Override
    Path input() {
      return config;
    }

    @Override
    Map<String, String> read() throws Exception {
      return PrometheusImport.of(config);
    }
  }

  @Command(name = "ansible", mixinStandardHelpOptions = true,
      description = "An Ansible inventory (INI, YAML or a directory, as ansible-inventory reads it) as hosts and groups.")
  static final class Ansible extends Source {
    @Parameters(index = "0", paramLabel = "INVENTORY", description = "The inventory file or directory.")
    Path inventory;

    @Override
    Path input() {
      return inventory;
    }

    @Override
    Map<String, String> read() throws Exception {
      Path tool = dev.anvil.verify.Verifier.onPath("ansible-inventory");
      if (tool == null) throw new java.io.IOException("needs ansible-inventory (Debian: apt-get install ansible-core)");
      return AnsibleImport.of(AnsibleImport.list(tool.toString(), inventory), inventory.getFileName().toString());
    }
  }

  @Command(name = "slurm", mixinStandardHelpOptions = true,
      description = {"A slurm.conf's nodes (CPUs, memory, Gres, features, weight, state) and partitions (nodes and limits)",
          "as hosts, Slurm node policies and partitions; the gres.conf beside it tells device vendors apart."})
  static final class Slurm extends Source {
    @Parameters(index = "0", paramLabel = "FILE", description = "The slurm.conf (Include lines are followed).")
    Path config;

    @Option(names = "--vendor", paramLabel = "TYPE=VENDOR",
        description = "The vendor of a Gres type the import cannot tell (one of: nvidia, amd, intel-gaudi, rebellions, furiosa,"
            + " tenstorrent, google-tpu); repeatable.")
    Map<String, String> vendors = new java.util.TreeMap<>();

    @Override
    Path input() {
      return config;
    }

    @Override
    Map<String, String> read() throws Exception {
      vendors.forEach((type, vendor) -> {
        if (!dev.anvil.model.Hardware.VENDORS.contains(vendor)) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--vendor " + Text.shown(type) + "=" + Text.shown(vendor)
              + ": not a vendor Anvil knows (" + String.join(", ", dev.anvil.model.Hardware.VENDORS) + ")");
        }
      });
      return SlurmImport.of(config, vendors);
    }
  }
}
