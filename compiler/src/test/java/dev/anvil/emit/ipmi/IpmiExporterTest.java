package dev.anvil.emit.ipmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.Live;
import dev.anvil.TestSupport;
import dev.anvil.emit.OutputFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ipmi_exporter (Debian prometheus-ipmi-exporter 1.6.1) with the configuration the example
 * fleet compiles to: it starts, and runs exactly the configured collectors against the local BMC
 * (this machine has none, so each reports ipmi_up 0); a configuration it cannot parse stops it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IpmiExporterTest {
  private static final Pattern UP = Pattern.compile("^ipmi_up\\{collector=\"([a-z-]+)\"} [01]$", Pattern.MULTILINE);

  @TempDir Path tmp;

  @Test
  void theEmittedConfigurationRunsItsCollectorsAndABrokenOneIsRefused() throws Exception {
    String exporter = TestSupport.tool("prometheus-ipmi-exporter", "prometheus-ipmi-exporter");
    OutputFile config = dev.anvil.Compiler.compile(TestSupport.repoRoot()).files().stream()
        .filter(f -> f.path().equals(IpmiEmitter.FILE)).findFirst().orElseThrow();
    Path file = Files.writeString(tmp.resolve("ipmi.yml"), config.content());
    int port = Live.freePort();
    try (Live live = new Live(tmp)) {
      live.start("ipmi_exporter", exporter, "--config.file=" + file, "--web.listen-address=127.0.0.1:" + port);
      live.awaitReady(port, "/");
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      Set<String> collectors = new TreeSet<>();
      Matcher m = UP.matcher(metrics);
      while (m.find()) collectors.add(m.group(1));
      assertEquals(Set.of("bmc", "chassis", "dcmi", "ipmi", "sel"), collectors, metrics);
    }

    Path broken = Files.writeString(tmp.resolve("broken.yml"), config.content().replace("- sel", "- fans"));
    Process p = new ProcessBuilder(exporter, "--config.file=" + broken, "--web.listen-address=127.0.0.1:" + Live.freePort())
        .redirectErrorStream(true).start();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "ipmi_exporter kept running with an unknown collector");
    String said = new String(p.getInputStream().readAllBytes());
    assertEquals(1, p.exitValue(), said);
    assertTrue(said.contains("Error parsing config file"), said);
  }
}
