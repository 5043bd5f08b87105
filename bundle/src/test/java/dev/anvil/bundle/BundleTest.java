package dev.anvil.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.TestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release bundle (packaging/bundle.sh), unpacked and run the way an air-gapped site runs it: in
 * a network namespace of its own (unshare -n, util-linux) with no JDK on PATH — only sh and the
 * tools the launcher uses (dirname, du, grep, mv, rm).
 * It compiles the example fleet to exactly the committed out/, starts a new repository that checks,
 * and the GitHub Actions recipe that repository gets installs it from the archive and passes; the
 * Debian package built from it installs with dpkg and runs.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class BundleTest {
  @TempDir static Path tmp;
  static Path archive;
  static Path home;
  static Path bin;

  @BeforeAll
  static void build() throws Exception {
    TestSupport.tool("unshare", "util-linux");
    TestSupport.tool("jlink", "openjdk-17-jdk-headless");
    var r = TestSupport.exec(TestSupport.repoRoot(), TestSupport.repoRoot().resolve("packaging/bundle.sh").toString(),
        tmp.resolve("dist").toString());
    assertEquals(0, r.exit(), r.output());
    archive = Path.of(r.output().strip().lines().reduce((a, b) -> b).orElseThrow());
    assertTrue(Files.isRegularFile(archive), r.output());
    var sum = TestSupport.exec(archive.getParent(), "sha256sum", "-c", archive.getFileName() + ".sha256");
    assertEquals(0, sum.exit(), sum.output());

    Path unpacked = Files.createDirectories(tmp.resolve("opt"));
    var untar = TestSupport.exec(unpacked, "tar", "-xzf", archive.toString());
    assertEquals(0, untar.exit(), untar.output());
    try (var s = Files.list(unpacked)) {
      home = s.findFirst().orElseThrow();
    }
    var inner = TestSupport.exec(home, "sha256sum", "--quiet", "-c", "SHA256SUMS");
    assertEquals(0, inner.exit(), "every file is as built: " + inner.output());
    // the only programs on PATH: no java, no network tools
    bin = Files.createDirectories(tmp.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("sh"), Path.of(TestSupport.tool("sh", "dash")));
    for (String tool : List.of("dirname", "du", "grep", "mv", "rm")) {
      Files.createSymbolicLink(bin.resolve(tool), Path.of(TestSupport.tool(tool, "coreutils")));
    }
  }

  /** Runs a command offline: a new network namespace (only a down loopback), a bare environment. */
  private static TestSupport.ToolResult offline(Path cwd, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("unshare", "-n", "--", "env", "-i", "PATH=" + bin, "HOME=" + tmp.resolve("home")));
    cmd.addAll(List.of(command));
    return TestSupport.exec(cwd, cmd.toArray(String[]::new));
  }

  @Test
  void offlineAndWithoutAJdkItCompilesTheExampleFleetToTheCommittedOutput() throws Exception {
    var noJava = offline(tmp, "sh", "-c", "command -v java || echo none");
    assertEquals("none", noJava.output().strip(), "no java on the PATH the bundle runs with");
    // the network namespace has a loopback interface and nothing else
    var interfaces = offline(tmp, "sh", "-c", "while read -r line; do echo \"$line\"; done < /proc/net/dev");
    List<String> names = interfaces.output().lines().filter(l -> l.contains(":")).map(l -> l.substring(0, l.indexOf(':')).strip()).toList();
    assertEquals(List.of("lo"), names, interfaces.output());

    Path fleet = TestSupport.copyOfExampleFleet(tmp.resolve("fleet"));
    var version = offline(tmp, home.resolve("bin/anvil").toString(), "--version");
    assertEquals(0, version.exit(), version.output());
    assertTrue(version.output().startsWith("anvil 0.1.0"), version.output());
    // that first run recorded the class-data archive of the compiler's classes, usable where the bundle is
    assertArchiveMadeFor(home);
    Path out = tmp.resolve("fleet-out");
    var compile = offline(fleet, home.resolve("bin/anvil").toString(), "compile", "--out", out.toString());
    assertEquals(0, compile.exit(), compile.output());
    Map<String, String> built = TestSupport.snapshot(out);
    Map<String, String> committed = TestSupport.snapshot(TestSupport.repoRoot().resolve("out"));
    assertEquals(committed.keySet(), built.keySet());
    for (String f : committed.keySet()) assertEquals(committed.get(f), built.get(f), "out/" + f);

    // the heap comes from the input's size; one too small (forced here) ends the run at its first
    // OutOfMemoryError, and the launcher runs it again with the JVM's default, stdout still one JSON document
    var squeezed = offline(fleet, "sh", "-c", "ANVIL_HEAP_MB=4 \"$0\" check --verify=off --format json 2>\"$1\"",
        home.resolve("bin/anvil").toString(), tmp.resolve("squeezed.err").toString());
    assertEquals(0, squeezed.exit(), squeezed.output());
    assertTrue(new com.fasterxml.jackson.databind.ObjectMapper().readTree(squeezed.output()).path("ok").asBoolean(), squeezed.output());
    String note = Files.readString(tmp.resolve("squeezed.err"));
    assertTrue(note.contains("anvil: note: the input needed more than the 4 MB heap"), note);
    var budget = offline(fleet, "sh", "-c", "ANVIL_HEAP_MB=lots \"$0\" check", home.resolve("bin/anvil").toString());
    assertEquals(2, budget.exit(), budget.output());

    // anvil token runs the service's jar: a token for a node to register with, from the bundle alone
    Files.writeString(tmp.resolve("serve.yaml"), "repository: /nowhere\nwork_dir: " + tmp.resolve("serve-work") + "\nregistration: {}\n");
    var token = offline(tmp, home.resolve("bin/anvil").toString(), "token", "create", "--config", tmp.resolve("serve.yaml").toString(),
        "--group", "infrastructure:lab");
    assertEquals(0, token.exit(), token.output());
    assertTrue(token.output().lines().anyMatch(l -> l.matches("anv_[A-Za-z0-9_-]{43}")), token.output());
    assertTrue(Files.isExecutable(home.resolve("agent/anvil-register")), "the node script ships");

    // the man page and completion are there and say what the program says
    assertTrue(Files.readString(home.resolve("share/man/man1/anvil.1")).contains(".SH \"ANVIL PREVIEW\""));
    assertTrue(Files.readString(home.resolve("share/man/man1/anvil.1")).contains(".SH \"ANVIL TOKEN\""));
    assertTrue(Files.readString(home.resolve("share/bash-completion/completions/anvil")).contains("preview"));
  }

  /**
   * The launcher's class-data archive was made for the bundle at {@code at}: recorded there, and the
   * JVM maps it with the jar at that path ({@code -Xshare:on} ends the JVM when it cannot).
   */
  private static void assertArchiveMadeFor(Path at) throws Exception {
    Path real = at.toRealPath();
    assertTrue(Files.isRegularFile(real.resolve("lib/anvil.jsa")), "lib/anvil.jsa in " + real);
    assertEquals(real + " " + jarChecksum(real), Files.readString(real.resolve("lib/anvil.jsa.stamp")).strip());
    var mapped = offline(tmp, real.resolve("runtime/bin/java").toString(), "-XX:SharedArchiveFile=" + real.resolve("lib/anvil.jsa"),
        "-Xshare:on", "-jar", real.resolve("lib/anvil.jar").toString(), "--version");
    assertEquals(0, mapped.exit(), "the JVM uses the archive: " + mapped.output());
  }

  /** The compiler jar's checksum as the bundle's SHA256SUMS gives it. */
  private static String jarChecksum(Path bundle) throws Exception {
    return Files.readAllLines(bundle.resolve("SHA256SUMS")).stream().filter(l -> l.endsWith("  ./lib/anvil.jar"))
        .map(l -> l.substring(0, l.indexOf(' '))).findFirst().orElseThrow();
  }

  @Test
  void movedElsewhereTheBundleRecordsItsArchiveAgain() throws Exception {
    assertEquals(0, offline(tmp, home.resolve("bin/anvil").toString(), "--version").exit());
    assertArchiveMadeFor(home);
    Path moved = tmp.resolve("moved/anvil");
    Files.createDirectories(moved.getParent());
    var copy = TestSupport.exec(tmp, "cp", "-a", home.toString(), moved.toString());
    assertEquals(0, copy.exit(), copy.output());
    // the copy's archive is the original's, made for another path: the JVM refuses it, without a word
    var refused = offline(tmp, "sh", "-c", ". \"$0/lib/run-java.sh\"; anvil_run_java \"$0/runtime/bin/java\" \"$0/lib/anvil.jar\""
        + " \"$0\" \"$1\" --version", moved.toRealPath().toString(), home.toRealPath().resolve("lib/anvil.jsa").toString());
    assertEquals(0, refused.exit(), refused.output());
    assertEquals("anvil 0.1.0 (input language anvil.dev/v1)", refused.output().strip());
    var first = offline(tmp, moved.resolve("bin/anvil").toString(), "--version");
    assertEquals(0, first.exit(), first.output());
    assertArchiveMadeFor(moved);
    // a jar changed in place is recorded again too
    assertEquals(0, TestSupport.exec(tmp, "touch", moved.resolve("lib/anvil.jar").toString()).exit());
    assertEquals(0, offline(tmp, moved.resolve("bin/anvil").toString(), "--version").exit());
    assertArchiveMadeFor(moved);
    // and so is a release unpacked over it: its jar has the same date (and may have the same size),
    // which is all the JVM compares, but another checksum in SHA256SUMS
    var before = Files.getLastModifiedTime(moved.resolve("lib/anvil.jsa"));
    Path sums = moved.resolve("SHA256SUMS");
    String sum = jarChecksum(moved);
    Files.writeString(sums, Files.readString(sums).replace(sum + "  ./lib/anvil.jar", "0".repeat(64) + "  ./lib/anvil.jar"));
    assertEquals(0, offline(tmp, moved.resolve("bin/anvil").toString(), "--version").exit());
    assertArchiveMadeFor(moved);
    assertNotEquals(before, Files.getLastModifiedTime(moved.resolve("lib/anvil.jsa")), "a new archive");
  }

  @Test
  void theDebianPackageInstallsWithDpkgAndRuns() throws Exception {
    TestSupport.tool("dpkg-deb", "dpkg");
    var built = TestSupport.exec(tmp, TestSupport.repoRoot().resolve("packaging/deb.sh").toString(), home.toString(),
        tmp.resolve("deb").toString());
    assertEquals(0, built.exit(), built.output());
    Path deb = Path.of(built.output().strip().lines().reduce((a, b) -> b).orElseThrow());
    // a real dpkg install, into a root of its own (an empty package database), not this machine's
    Path root = tmp.resolve("debroot");
    Files.createDirectories(root.resolve("var/lib/dpkg/info"));
    Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
    Files.createFile(root.resolve("var/lib/dpkg/status"));
    var install = TestSupport.exec(tmp, "dpkg", "--root=" + root, "--log=/dev/null", "--force-script-chrootless", "-i", deb.toString());
    assertEquals(0, install.exit(), install.output());
    assertEquals(Path.of("/opt/anvil/bin/anvil"), Files.readSymbolicLink(root.resolve("usr/bin/anvil")));
    assertTrue(Files.isRegularFile(root.resolve("usr/share/man/man1/anvil.1.gz")));
    // its installation recorded the class-data archive, which dpkg does not know of: removing takes it too
    assertArchiveMadeFor(root.resolve("opt/anvil"));
    var version = offline(tmp, root.resolve("opt/anvil/bin/anvil").toString(), "--version");
    assertEquals(0, version.exit(), version.output());
    assertTrue(version.output().startsWith("anvil 0.1.0"), version.output());
    var remove = TestSupport.exec(tmp, "dpkg", "--root=" + root, "--log=/dev/null", "--force-script-chrootless", "--purge", "anvil");
    assertEquals(0, remove.exit(), remove.output());
    assertFalse(Files.exists(root.resolve("opt/anvil")), "nothing left under /opt/anvil: " + remove.output());
  }

  @Test
  void aRepositoryItStartsChecksAndItsGithubRecipeInstallsTheBundleAndPasses() throws Exception {
    Path repo = tmp.resolve("new-fleet");
    var init = offline(tmp, home.resolve("bin/anvil").toString(), "init", repo.toString());
    assertEquals(0, init.exit(), init.output());
    var check = offline(repo, home.resolve("bin/anvil").toString(), "check", "--verify=off");
    assertEquals(0, check.exit(), check.output());
    var compile = offline(repo, home.resolve("bin/anvil").toString(), "compile");
    assertEquals(0, compile.exit(), compile.output());

    // The recipe's shell steps, in order, as the runner would run them: the archive comes from a
    // file:// URL with its checksum. Left out: apt-get (the tools are this machine's already, and
    // installing needs the network) and the pull-request-only diff step.
    JsonNode workflow = new ObjectMapper(new YAMLFactory()).readTree(repo.resolve(".github/workflows/anvil.yml").toFile());
    Path runnerTemp = Files.createDirectories(tmp.resolve("runner"));
    Path githubPath = Files.createFile(tmp.resolve("github-path"));
    String sha = Files.readString(Path.of(archive + ".sha256")).split(" ")[0];
    int ran = 0;
    for (JsonNode step : workflow.at("/jobs/check/steps")) {
      if (!step.has("run") || step.has("if")) continue;
      StringBuilder script = new StringBuilder("set -e\n");
      for (String line : step.get("run").asText().split("\n")) if (!line.contains("apt-get")) script.append(line).append('\n');
      // what the runner does between steps: GITHUB_PATH's lines go on PATH
      String path = String.join(":", Files.readAllLines(githubPath)) + ":/usr/bin:/bin";
      Map<String, String> env = new TreeMap<>(Map.of("RUNNER_TEMP", runnerTemp.toString(), "GITHUB_PATH", githubPath.toString(),
          "ANVIL_BUNDLE_URL", archive.toUri().toString(), "ANVIL_BUNDLE_SHA256", sha, "PATH", path,
          "HOME", tmp.resolve("home").toString()));
      List<String> cmd = new ArrayList<>(List.of("env", "-i"));
      env.forEach((k, v) -> cmd.add(k + "=" + v));
      cmd.addAll(List.of("bash", "-c", script.toString()));
      var r = TestSupport.exec(repo, cmd.toArray(String[]::new));
      assertEquals(0, r.exit(), "step '" + step.path("name").asText() + "': " + r.output());
      ran++;
    }
    assertEquals(4, ran, "install, check, output current, tests");
    assertTrue(Files.readString(githubPath).contains(runnerTemp.resolve("anvil/bin").toString()), "the bundle went on PATH");
  }
}
