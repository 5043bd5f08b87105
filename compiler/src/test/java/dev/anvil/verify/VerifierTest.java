package dev.anvil.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.TestSupport;
import dev.anvil.diag.Diagnostic;
import dev.anvil.diag.Diagnostics;
import dev.anvil.emit.OutputFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verify phase: each consumer's checker refuses what it should, and a missing one is said. */
class VerifierTest {
  static final List<OutputFile> BROKEN = List.of(
      new OutputFile("prometheus/prometheus.yml", "global: {scrape_interval: 15s, scrape_timeout: 1m}\n"),
      new OutputFile("alertmanager/alertmanager.yml", "route: {receiver: nobody}\nreceivers: [{name: somebody}]\n"),
      new OutputFile("slurm/nodes.conf", "NodeName=n1 CPUs=1 State=UNKNOWN\n"),
      new OutputFile("slurm/partitions.conf", "PartitionName=p Nodes=n1 MaxTime=2days\n"),
      new OutputFile("snmp/snmp.yml", "ups_mib:\n  version: 7\n"));

  @Test
  void eachConsumerRefusesItsBrokenFile() {
    for (var t : List.of(new String[] {"promtool", "prometheus"}, new String[] {"amtool", "prometheus-alertmanager"},
        new String[] {"scontrol", "slurm-client"}, new String[] {"prometheus-snmp-exporter", "prometheus-snmp-exporter"})) {
      TestSupport.tool(t[0], t[1]);
    }
    Diagnostics d = new Diagnostics();
    Verifier.Report report = Verifier.verify(BROKEN, null, Verifier.Mode.REQUIRED, d);
    assertEquals(List.of("promtool", "amtool", "scontrol", "prometheus-snmp-exporter"), report.ran());
    List<String> messages = d.all().stream().map(x -> x.position() + ": " + x.message()).toList();
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("out/prometheus/prometheus.yml: promtool refuses the output")
        && m.contains("scrape timeout greater than scrape interval")), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.contains("amtool refuses the output") && m.contains("nobody")), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.contains("scontrol refuses the output") && m.contains("MaxTime")), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.contains("prometheus-snmp-exporter refuses the output")
        && m.contains("SNMP version must be 1, 2 or 3")), messages.toString());
  }

  @Test
  void theExampleFleetPassesEveryChecker() throws Exception {
    var c = dev.anvil.Compiler.compile(TestSupport.repoRoot());
    Diagnostics d = new Diagnostics();
    Verifier.Report report = Verifier.verify(c.files(), c.fleet(), Verifier.Mode.REQUIRED, d);
    assertEquals(List.of("promtool", "amtool", "scontrol", "prometheus-snmp-exporter"), report.ran());
    assertEquals(List.of(), d.all());
  }

  @Test
  void missingCheckersAreSkippedInAutoAndErrorsWhenRequired(@TempDir Path tmp) throws Exception {
    Diagnostics auto = new Diagnostics();
    Verifier.Report report = Verifier.verify(BROKEN, null, Verifier.Mode.AUTO, auto, name -> null);
    assertEquals(List.of(), report.ran());
    assertEquals(4, report.skipped().size());
    assertEquals(List.of(), auto.all(), "auto: what is not installed is skipped, not an error");
    assertTrue(report.skippedLine().contains("promtool (prometheus)"), report.skippedLine());

    Diagnostics required = new Diagnostics();
    Verifier.verify(BROKEN, null, Verifier.Mode.REQUIRED, required, name -> null);
    assertEquals(4, required.errorCount());
    assertTrue(required.all().stream().map(Diagnostic::message).anyMatch(m -> m.contains("Debian package slurm-client")));

    Diagnostics off = new Diagnostics();
    assertEquals(List.of(), Verifier.verify(BROKEN, null, Verifier.Mode.OFF, off).ran());
    assertEquals(List.of(), off.all());
    try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("anvil-verify-") && Files.isDirectory(p)
          && p.toFile().lastModified() < System.currentTimeMillis() - 600_000), "temporary directories are removed");
    }
  }
}
