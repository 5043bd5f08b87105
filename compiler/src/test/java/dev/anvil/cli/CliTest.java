package dev.anvil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and output formats of the command line. */
class CliTest {
  /** On Java 17 to 20 the CLI takes the JDK's own locale data (a faster start), unless the user chose. */
  @Test
  void theCliTakesTheJdksOwnLocaleDataBeforeJava21UnlessTheUserChose() {
    String before = System.getProperty("java.locale.providers");
    try {
      System.clearProperty("java.locale.providers");
      AnvilCommand.useLegacyLocaleData();
      assertEquals(Runtime.version().feature() < 21 ? "COMPAT" : null, System.getProperty("java.locale.providers"));
      System.setProperty("java.locale.providers", "CLDR");
      AnvilCommand.useLegacyLocaleData();
      assertEquals("CLDR", System.getProperty("java.locale.providers"));
    } finally {
      if (before == null) System.clearProperty("java.locale.providers");
      else System.setProperty("java.locale.providers", before);
    }
  }

  static final String REPO = TestSupport.repoRoot().toString();
  static final String BAD = TestSupport.testDir("bad/unknown-group").toString();

  @Test
  void usageErrorsExit2WithAHint() {
    for (String[] args : new String[][] {{}, {"frobnicate"}, {"explain"}, {"compile", "--format", "xml"}, {"check", "--nope"}}) {
      TestSupport.Run r = TestSupport.anvil(args);
      assertEquals(2, r.exit(), String.join(" ", args));
      assertTrue(r.err().contains("--help' for more information"), r.err());
    }
  }

  /** A run builds only its own subcommand's model; whatever needs them all (help, completion, a typo) gets them all. */
  @Test
  void theSubcommandARunBuildsIsTheOneItRuns() {
    assertEquals("check", AnvilCommand.subcommandIn(new String[] {"-C", "check", "check", "--verify=off"}));
    assertEquals("explain", AnvilCommand.subcommandIn(new String[] {"--repo", "diff", "explain", "compile"}));
    assertEquals("compile", AnvilCommand.subcommandIn(new String[] {"-Ctest", "--repo=x", "compile", "--check"}));
    for (String[] all : new String[][] {{}, {"--version"}, {"help", "check"}, {"completion"}, {"frobnicate", "check"}, {"-C"}}) {
      assertEquals(null, AnvilCommand.subcommandIn(all), String.join(" ", all));
    }
    // the table has every command, in help order
    assertEquals(java.util.List.of("check", "compile", "explain", "test", "diff", "serve", "token", "preview", "init", "migrate",
        "import", "completion", "help"), java.util.List.copyOf(AnvilCommand.SUBCOMMANDS.keySet()));
  }

  /** A repository directory named like a subcommand is the repository, not the subcommand. */
  @Test
  void aRepositoryNamedLikeASubcommand(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("explain");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml");
    TestSupport.writeFile(repo, "inventory/lab.yaml", TestSupport.LAB_GROUP + TestSupport.labHost("check", "10.0.0.1"));
    TestSupport.Run check = TestSupport.anvil("-C", repo.toString(), "check", "--verify=off");
    assertEquals(0, check.exit(), check.err());
    TestSupport.Run explain = TestSupport.anvil("--repo", repo.toString(), "explain", "check", "exporters");
    assertEquals(0, explain.exit(), explain.err());
    assertTrue(explain.out().startsWith("host check"), explain.out());
  }

  @Test
  void versionAndHelpExit0() {
    TestSupport.Run v = TestSupport.anvil("--version");
    assertEquals(0, v.exit());
    assertTrue(v.out().startsWith("anvil "));
    TestSupport.Run top = TestSupport.anvil("--help");
    assertEquals(0, top.exit());
    for (String cmd : new String[] {"check", "compile", "explain", "test", "diff", "serve", "token", "preview", "init", "migrate", "import", "completion", "help"}) {
      assertTrue(top.out().contains("  " + cmd + " "), cmd + " is listed:\n" + top.out());
      TestSupport.Run h = TestSupport.anvil(cmd, "--help");
      assertEquals(0, h.exit(), cmd);
      assertTrue(h.out().contains("Usage: anvil " + cmd), h.out());
      assertEquals(0, TestSupport.anvil("help", cmd).exit(), "help " + cmd);
    }
  }

  @Test
  void checkSucceedsOnTheExampleFleet() {
    TestSupport.Run r = TestSupport.anvil("-C", REPO, "check");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("ok: "), r.out());
  }

  @Test
  void githubFormatPrintsWorkflowAnnotations() {
    TestSupport.Run r = TestSupport.anvil("-C", BAD, "check", "--format", "github");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("::error file=inventory/hosts.yaml,line=6,col=10::unknown group 'logical:ml-trainig'"),
        r.err());
  }

  @Test
  void compileCheckListsStaleMissingAndExtraFiles(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    assertEquals(0, TestSupport.anvil("-C", REPO, "compile", "--out", out.toString()).exit());
    assertEquals(0, TestSupport.anvil("-C", REPO, "compile", "--out", out.toString(), "--check").exit());
    Files.writeString(out.resolve("prometheus/prometheus.yml"), "# edited by hand\n");
    Files.delete(out.resolve("prometheus/targets/node.json"));
    Files.writeString(out.resolve("prometheus/old.yml"), "x\n");
    TestSupport.Run r = TestSupport.anvil("-C", REPO, "compile", "--out", out.toString(), "--check");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("prometheus/prometheus.yml: error: stale"), r.err());
    assertTrue(r.err().contains("prometheus/targets/node.json: error: missing"), r.err());
    assertTrue(r.err().contains("prometheus/old.yml: error: extra"), r.err());
    assertTrue(r.err().contains("3 files out of date"), r.err());
  }

  @Test
  void explainOfAnUnknownHostOrKeyExits1() {
    assertEquals(1, TestSupport.anvil("-C", REPO, "explain", "no-such-host").exit());
    TestSupport.Run r = TestSupport.anvil("-C", REPO, "explain", "gpu-server-01", "alerts.nope");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("has no value 'alerts.nope'"), r.err());
  }

  /** explain resolves only the host it is asked about: another host's resolution error is check's to report. */
  @Test
  void explainAnswersForAHostWhileAnotherHostDoesNotResolve(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("repo");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml");
    TestSupport.writeFile(repo, "inventory/lab.yaml", TestSupport.LAB_GROUP + """
        apiVersion: anvil.dev/v1
        kind: Host
        name: fine
        address: 10.0.0.1
        primary_group: infrastructure:lab
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: broken
        address: 10.0.0.2
        primary_group: infrastructure:lab
        ---
        apiVersion: anvil.dev/v1
        kind: Policy
        host: broken
        checks:
          scratch: {type: mount}
        """);
    TestSupport.Run check = TestSupport.anvil("-C", repo.toString(), "check", "--verify=off");
    assertEquals(1, check.exit(), check.err());
    assertTrue(check.err().contains("needs 'paths' on host broken"), check.err());
    TestSupport.Run fine = TestSupport.anvil("-C", repo.toString(), "explain", "fine", "exporters");
    assertEquals(0, fine.exit(), fine.err());
    assertTrue(fine.out().contains("node_exporter"), fine.out());
    TestSupport.Run broken = TestSupport.anvil("-C", repo.toString(), "explain", "broken", "checks");
    assertEquals(1, broken.exit(), broken.out());
    assertTrue(broken.err().contains("needs 'paths' on host broken"), broken.err());
  }

  @Test
  void explainNamesWhyAnAlertDoesNotApply() {
    TestSupport.Run r = TestSupport.anvil("-C", REPO, "explain", "storage-server-01", "alerts.nvidia_xid_error.for");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("(not applied: host does not run dcgm-exporter)"), r.out());
  }

  @Test
  void compileOutOverADirectoryThatIsNotAnvilsIsAUsageErrorAndTouchesNothing(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(dir.resolve("notes.txt"), "mine\n");
    TestSupport.Run r = TestSupport.anvil("-C", REPO, "compile", "--out", dir.toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("refusing to write into " + dir), r.err());
    assertEquals(java.util.Map.of("notes.txt", "mine\n"), TestSupport.snapshot(dir));
  }

  @Test
  void aRepoThatIsNotThereOrNotAConfigRepoIsAUsageError(@TempDir Path tmp) throws Exception {
    TestSupport.Run missing = TestSupport.anvil("-C", tmp.resolve("nope").toString(), "check");
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("no such directory"), missing.err());
    TestSupport.Run notRepo = TestSupport.anvil("-C", tmp.toString(), "compile");
    assertEquals(2, notRepo.exit());
    assertTrue(notRepo.err().contains("not an anvil config repository"), notRepo.err());
    assertFalse(Files.exists(tmp.resolve("out")), "no out/ created in a directory that is not a config repo");
  }

  @Test
  void theRepositoryIsFoundFromASubdirectory() {
    Path sub = TestSupport.repoRoot().resolve("policies/alerting");
    assertEquals(TestSupport.repoRoot(), dev.anvil.load.ConfigRepo.find(sub));
    assertEquals(TestSupport.repoRoot(), dev.anvil.load.ConfigRepo.find(TestSupport.repoRoot().resolve("out/prometheus")));
    assertEquals(null, dev.anvil.load.ConfigRepo.find(Path.of("/proc/self")));
  }

  @Test
  void controlCharactersAndLineBreaksInValuesAreEscapedInDiagnostics(@TempDir Path repo) throws Exception {
    TestSupport.writeFile(repo, "inventory/hosts.yaml", "apiVersion: anvil.dev/v1\nkind: Host\n"
        + "name: \"evil\\nforged.yaml:1:1: error: forged\\e[31m\\a\"\naddress: 10.0.0.1\nprimary_group: infrastructure:x\n");
    for (String format : new String[] {"text", "github"}) {
      TestSupport.Run r = TestSupport.anvil("-C", repo.toString(), "check", "--format", format);
      assertEquals(1, r.exit(), r.err());
      assertFalse(r.err().lines().anyMatch(l -> l.startsWith("forged.yaml")), r.err());
      assertFalse(r.err().chars().anyMatch(c -> c == 0x1b || c == 0x07), "raw escape sequences reach the terminal");
      assertTrue(r.err().contains("evil\\nforged.yaml:1:1: error: forged\\u001b[31m\\u0007"), r.err());
    }
  }

  @Test
  void symbolicLinksInTheSourceTreeAreReportedNeverFollowed(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("repo");
    TestSupport.writeFile(repo, "inventory/hosts.yaml", "apiVersion: anvil.dev/v1\nkind: Group\nname: infrastructure:x\n");
    Path secret = tmp.resolve("secret.yaml");
    Files.writeString(secret, "token: s3cr3t-value\n");
    Files.createDirectories(tmp.resolve("elsewhere"));
    Files.writeString(tmp.resolve("elsewhere/p.yaml"), "apiVersion: anvil.dev/v1\nkind: Policy\nname: leaked-policy\n");
    Files.createSymbolicLink(repo.resolve("inventory/outside.yaml"), secret);
    Files.createSymbolicLink(repo.resolve("inventory/inside.yaml"), repo.resolve("inventory/hosts.yaml"));
    Files.createSymbolicLink(repo.resolve("policies"), tmp.resolve("elsewhere"));
    Files.createDirectories(repo.resolve("rules"));
    Files.createSymbolicLink(repo.resolve("rules/dir"), tmp.resolve("elsewhere"));
    Path out = tmp.resolve("out");
    TestSupport.Run r = TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString());
    assertEquals(1, r.exit(), r.err());
    for (String link : new String[] {"inventory/outside.yaml", "inventory/inside.yaml", "policies", "rules/dir"}) {
      assertTrue(r.err().contains(link + ": error: symbolic link"), link + ":\n" + r.err());
    }
    assertFalse(r.err().contains("s3cr3t") || r.err().contains("leaked-policy") || r.err().contains(tmp.resolve("elsewhere").toString()),
        "neither a link's target nor its content is shown: " + r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void completionIsGeneratedForEveryCommand() {
    TestSupport.Run r = TestSupport.anvil("completion");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("complete -F _complete_anvil"), r.out().substring(0, 200));
    for (String word : new String[] {"check", "compile", "explain", "diff", "--verify", "--exit-code", "--format"}) {
      assertTrue(r.out().contains(word), word);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** Runs anvil, which must succeed, and reads its stdout as one JSON document. */
  private static com.fasterxml.jackson.databind.JsonNode jsonOfSuccess(String... args) throws Exception {
    TestSupport.Run r = TestSupport.anvil(args);
    assertEquals(0, r.exit(), r.err());
    return JSON.readTree(r.out());
  }

  @Test
  void jsonFormatIsOneDocumentOnStdout() throws Exception {
    var doc = jsonOfSuccess("-C", REPO, "check", "--format", "json", "--verify", "off");
    assertTrue(doc.path("ok").asBoolean());
    assertEquals(17, doc.path("hosts").asInt());
    TestSupport.Run bad = TestSupport.anvil("-C", BAD, "check", "--format", "json");
    assertEquals(1, bad.exit());
    assertEquals("", bad.err(), "diagnostics go into the document, not stderr");
    var d = JSON.readTree(bad.out()).path("diagnostics").get(0);
    assertEquals("inventory/hosts.yaml", d.path("file").asText());
    assertEquals(6, d.path("line").asInt());
    assertTrue(d.path("message").asText().startsWith("unknown group 'logical:ml-trainig'"));
    TestSupport.Run test = TestSupport.anvil("-C", REPO, "test", "--format", "json", "--amtool", "off", "--promtool", "off");
    assertEquals(0, test.exit(), test.err());
    assertEquals(22, JSON.readTree(test.out()).path("passed").asInt(), "the routing tests; the alert tests not run");
    assertTrue(JSON.readTree(test.out()).path("not_run").asInt() > 300, test.out());
    TestSupport.Run explain = TestSupport.anvil("-C", REPO, "explain", "i-1234567890", "alerts.cpu_high.threshold", "--format", "json");
    var value = JSON.readTree(explain.out()).path("values").get(0);
    assertEquals(70, value.path("value").asInt());
    assertEquals("environment:production", value.path("set_by").path("source").asText());
    assertEquals(3, value.path("beats").size());
  }

  /** explain --format json answers for a node pool too, and a question without an answer is still one document. */
  @Test
  void explainAsJsonForAPoolAndForNoAnswer() throws Exception {
    var doc = jsonOfSuccess("-C", REPO, "explain", "logical:inference/eks/t4-spot", "gpu_sharing", "--format", "json");
    assertEquals("logical:inference/eks/t4-spot", doc.path("pool").asText());
    assertEquals("eks-inference", doc.path("cluster").asText());
    var mode = doc.path("values").get(0);
    assertEquals("gpu_sharing.nvidia.mode", mode.path("key").asText());
    assertEquals("time_slicing", mode.path("value").asText());
    assertEquals("policies/logical/eks.yaml:55:18", mode.path("set_by").path("at").asText());
    for (String[] args : new String[][] {{"no-such-host\u001b[31m"}, {"gpu-server-01", "alerts.nope"}, {"logical:inference/eks/t4-spot", "nope"}}) {
      List<String> cmd = new ArrayList<>(List.of("-C", REPO, "explain", "--format", "json"));
      cmd.addAll(List.of(args));
      TestSupport.Run r = TestSupport.anvil(cmd.toArray(String[]::new));
      assertEquals(1, r.exit(), String.join(" ", args));
      assertEquals("", r.err(), "the error goes into the document");
      var error = JSON.readTree(r.out());
      assertFalse(error.path("ok").asBoolean(true));
      assertTrue(error.path("error").asText().contains(args.length == 1 ? "unknown host" : "has no value"), r.out());
      assertFalse(error.path("error").asText().contains("\u001b"), "control characters are escaped: " + r.out());
    }
  }

  /** Input Alertmanager would refuse is a compile error for anvil test too: exit 1, never 3. */
  @Test
  void routingTestsOnInputAlertmanagerRefusesExit1() {
    TestSupport.Run r = TestSupport.anvil("-C", TestSupport.testDir("bad/alertmanager-time-syntax").toString(), "test");
    assertEquals(1, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("'mon' is not a weekday"), r.err());
    assertFalse(r.err().contains("internal error"), r.err());
  }
}
