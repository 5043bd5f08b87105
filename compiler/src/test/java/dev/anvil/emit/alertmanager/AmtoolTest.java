package dev.anvil.emit.alertmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.Compiler;
import dev.anvil.TestSupport;
import dev.anvil.emit.OutputFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Alertmanager output judged by amtool (Debian package prometheus-alertmanager, version 0.25). */
class AmtoolTest {
  static final String PACKAGE = "prometheus-alertmanager";

  @Test
  void amtoolAcceptsEveryEmittedAlertmanagerConfig(@TempDir Path tmp) throws Exception {
    String amtool = TestSupport.tool("amtool", PACKAGE);
    List<Path> repos = new ArrayList<>(List.of(TestSupport.repoRoot()));
    repos.addAll(TestSupport.subdirectories(TestSupport.testDir("fixtures")));
    int checked = 0;
    for (Path repo : repos) {
      Path out = tmp.resolve(repo.getFileName() + "-out");
      assertEquals(0, TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString()).exit());
      Path config = out.resolve("alertmanager/alertmanager.yml");
      if (!Files.exists(config)) continue;
      var r = TestSupport.exec(out.resolve("alertmanager"), amtool, "check-config", "alertmanager.yml");
      assertEquals(0, r.exit(), repo + ": " + r.output());
      assertTrue(r.output().contains("1 templates"), "the notification template is found: " + r.output());
      checked++;
    }
    assertTrue(checked >= 2, "the example fleet and at least one fixture emit an Alertmanager config");
  }

  @Test
  void theExampleFleetsRoutingTestsPassAndAmtoolAgrees() {
    String amtool = TestSupport.tool("amtool", PACKAGE);
    TestSupport.Run r = TestSupport.anvil("-C", TestSupport.repoRoot().toString(), "test", "--amtool", amtool,
        "--promtool", "off");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("22 passed, 0 failed"), r.out());
    assertEquals(22, r.out().lines().filter(l -> l.endsWith("[amtool agrees]")).count(), r.out());
  }

  @Test
  void secretsAppearOnlyAsFilePaths() throws Exception {
    var c = Compiler.compile(TestSupport.repoRoot());
    OutputFile am = c.files().stream().filter(f -> f.path().equals("alertmanager/alertmanager.yml")).findFirst()
        .orElseThrow();
    for (String inline : List.of("api_url:", "routing_key:", "auth_password:", "api_key:", "webhook_url:")) {
      assertFalse(am.content().contains(" " + inline), inline + " must only appear as *_file");
    }
    assertTrue(am.content().contains("api_url_file: /run/anvil/secrets/SLACK_ML_OPS_URL"), "env secret → secrets_dir");
    assertTrue(am.content().contains("routing_key_file: /etc/alertmanager/secrets/pagerduty-oncall.key"));
  }

  @Test
  void teamsReceiversAreEmittedWhenTheConfiguredAlertmanagerHasThem(@TempDir Path repo) throws Exception {
    Files.createDirectories(repo.resolve("policies"));
    String teams = """
        apiVersion: anvil.dev/v1
        kind: Alerting
        alertmanager_version: "%s"
        receiver: teams
        ---
        apiVersion: anvil.dev/v1
        kind: Receiver
        name: teams
        msteams: {webhook_url: {file: /etc/am/teams.url}}
        """;
    Files.writeString(repo.resolve("policies/a.yaml"), teams.formatted("0.27"));
    var c = Compiler.compile(repo);
    assertTrue(c.ok(), () -> c.diagnostics().all().toString());
    String am = c.files().stream().filter(f -> f.path().endsWith("alertmanager.yml")).findFirst().orElseThrow().content();
    assertTrue(am.contains("msteams_configs:") && am.contains("webhook_url_file: /etc/am/teams.url"), am);

    Files.writeString(repo.resolve("policies/a.yaml"), teams.formatted("0.25"));
    assertFalse(Compiler.compile(repo).ok(), "Debian's 0.25 has no msteams: refuse rather than emit a broken config");
  }

  @Test
  void aSecretWrittenInlineIsRejectedWithoutEchoingIt(@TempDir Path repo) throws Exception {
    TestSupport.Run r = checkReceiver(repo, "name: pd\npagerduty: {routing_key: \"0123456789abcdef\"}\n");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("policies/r.yaml:4:13: error: 'pagerduty.routing_key' is a secret and must not be"
        + " written in the repository: give it as {file: /path/to/secret} or {env: VARIABLE} instead"), r.err());
    assertFalse(r.err().contains("0123456789abcdef"), "neither the value nor its source line is printed: " + r.err());
  }

  /** An inline webhook URL may carry a token: no diagnostic prints its line, whatever it is about. */
  @Test
  void aLineHoldingAWebhookUrlIsNeverPrinted(@TempDir Path repo) throws Exception {
    TestSupport.Run r = checkReceiver(repo, "name: hook\nwebhook: {url: \"https://hooks.example.com/T0KEN-s3cr3t\", max_alerts: -1}\n");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("policies/r.yaml:4:"), r.err());
    assertTrue(r.err().contains("max_alerts"), r.err());
    assertFalse(r.err().contains("T0KEN-s3cr3t"), "the URL's line is not shown: " + r.err());
    assertTrue(r.err().contains("(line not shown: it holds a secret-bearing value)"), r.err());
  }

  /** `anvil check` of a repo holding one Receiver (its body after the kind line) in policies/r.yaml. */
  private static TestSupport.Run checkReceiver(Path repo, String body) throws Exception {
    Files.createDirectories(repo.resolve("inventory"));
    TestSupport.writeFile(repo, "policies/r.yaml", "apiVersion: anvil.dev/v1\nkind: Receiver\n" + body);
    return TestSupport.anvil("-C", repo.toString(), "check");
  }
}
