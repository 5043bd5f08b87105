package dev.anvil;

import static org.junit.jupiter.api.Assertions.fail;

import dev.anvil.cli.AnvilCommand;
import dev.anvil.emit.OutputFile;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.approvaltests.Approvals;
import org.approvaltests.core.ApprovalFailureReporter;
import org.approvaltests.core.Options;
import org.approvaltests.namer.ApprovalNamer;
import org.approvaltests.reporters.AutoApproveReporter;

/** Shared test helpers: repo paths, running the CLI in-process, approvals under test/, real tools. */
public final class TestSupport {
  private TestSupport() {}

  /** The repository root (the example fleet), whatever directory the tests run from. */
  public static Path repoRoot() {
    String p = System.getProperty("anvil.repoRoot");
    return (p != null ? Path.of(p) : Path.of("..")).toAbsolutePath().normalize();
  }

  /** A copy of this repository's example fleet (its source folders) at {@code target}, to change in a test. */
  /**
   * The head of a small test fleet's inventory: the infrastructure:lab group its hosts go in, and
   * the document separator; the test appends its hosts.
   */
  public static final String LAB_GROUP = """
      apiVersion: anvil.dev/v1
      kind: Group
      name: infrastructure:lab
      ---
      """;

  /** A Host document in infrastructure:lab ({@link #LAB_GROUP}). */
  public static String labHost(String name, String address) {
    return "apiVersion: anvil.dev/v1\nkind: Host\nname: " + name + "\naddress: " + address
        + "\nprimary_group: infrastructure:lab\n";
  }

  /**
   * A Host document for a copy of the example fleet ({@link #copyOfExampleFleet}): a production GPU
   * worker in a rack of datacenter-02, with one kind of accelerator, eight of them.
   */
  public static String exampleWorker(String name, String address, int cores, String vendor, String model) {
    return """
        ---
        apiVersion: anvil.dev/v1
        kind: Host
        name: %s
        address: %s
        primary_group: infrastructure:onprem/datacenter-02/rack-a/chassis-1
        groups: [logical:ml-training/gpu-workers, environment:production]
        hardware:
          cpu: {cores: %d}
          memory_gb: 512
          accelerators:
            - {vendor: %s, model: %s, count: 8, memory_gb: 80}
        """.formatted(name, address, cores, vendor, model);
  }

  public static Path copyOfExampleFleet(Path target) throws IOException {
    Path root = repoRoot();
    for (String dir : dev.anvil.load.SourceTreeReader.SOURCE_DIRS) {
      try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(root.resolve(dir))) {
        for (Path p : s.toList()) {
          Path copy = target.resolve(root.relativize(p).toString());
          if (java.nio.file.Files.isDirectory(p)) java.nio.file.Files.createDirectories(copy);
          else java.nio.file.Files.copy(p, copy);
        }
      }
    }
    return target;
  }

  /**
   * A copy of the example fleet with {@code files} added (repository path → text), compiled into its
   * out/ without the real tools; fails the test if the compile does.
   */
  public static Path compiledExampleFleetWith(Path target, java.util.Map<String, String> files) throws IOException {
    Path repo = copyOfExampleFleet(target);
    for (var f : files.entrySet()) Files.writeString(repo.resolve(f.getKey()), f.getValue());
    Run run = anvil("-C", repo.toString(), "compile", "--verify=off");
    if (run.exit() != 0) fail("compile of the example fleet with " + files.keySet() + " exited " + run.exit() + ":\n" + run.err());
    return repo;
  }

  public static Path testDir(String sub) {
    return repoRoot().resolve("test").resolve(sub);
  }

  public record Run(int exit, String out, String err) {}

  public static Run anvil(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = AnvilCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  /** Every output file under a `=== path ===` header: one approved file per case, reviewed like code. */
  public static String render(List<OutputFile> files) {
    StringBuilder sb = new StringBuilder();
    for (OutputFile f : files) sb.append("=== ").append(f.path()).append(" ===\n").append(f.content());
    return sb.toString();
  }

  /** Approves {@code text} against {@code dir/name.approved.txt}. ANVIL_APPROVE=1 accepts new output. */
  public static void verify(Path dir, String name, String text) {
    ApprovalFailureReporter reporter = "1".equals(System.getenv("ANVIL_APPROVE")) ? new AutoApproveReporter()
        : new DiffReporter();
    Approvals.verify(text, new Options(reporter).forFile().withNamer(new FixedNamer(dir, name)));
  }

  /** Prints the first differing lines, so a CI log says what changed. */
  static final class DiffReporter implements ApprovalFailureReporter {
    @Override
    public boolean report(String received, String approved) {
      try {
        List<String> r = Files.readAllLines(Path.of(received));
        List<String> a = Files.exists(Path.of(approved)) ? Files.readAllLines(Path.of(approved)) : List.of();
        System.err.println("approval failed: " + approved + " (received: " + received + ")");
        int shown = 0;
        for (int i = 0; i < Math.max(r.size(), a.size()) && shown < 30; i++) {
          String ra = i < r.size() ? r.get(i) : "<end>";
          String aa = i < a.size() ? a.get(i) : "<end>";
          if (!ra.equals(aa)) {
            System.err.println("  line " + (i + 1) + "\n    approved: " + aa + "\n    received: " + ra);
            shown++;
          }
        }
        System.err.println("review the change; accept with ANVIL_APPROVE=1 mvn test");
      } catch (IOException e) {
        System.err.println("approval failed: " + e);
      }
      return true;
    }
  }

  static final class FixedNamer implements ApprovalNamer {
    private final Path dir;
    private final String name;

    FixedNamer(Path dir, String name) {
      this.dir = dir;
      this.name = name;
    }

    @Override
    public File getApprovedFile(String ext) {
      return dir.resolve(name + ".approved" + ext).toFile();
    }

    @Override
    public File getReceivedFile(String ext) {
      return dir.resolve(name + ".received" + ext).toFile();
    }

    @Override
    public ApprovalNamer addAdditionalInformation(String info) {
      return this;
    }

    @Override
    public String getAdditionalInformation() {
      return "";
    }

    @Override
    public String getApprovalName() {
      return name;
    }

    @Override
    public String getSourceFilePath() {
      return dir.toString() + File.separator;
    }
  }

  /** Every regular file below {@code dir} with its bytes, for byte-identical comparisons. */
  public static TreeMap<String, String> snapshot(Path dir) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    if (!Files.exists(dir)) return out;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        out.put(dir.relativize(p).toString(), new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
      }
    }
    return out;
  }

  /** A real tool from a Debian package; fails loudly (never skips) when it is not installed. */
  public static String tool(String name, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
    }
    fail("'" + name + "' is not installed: install the Debian package '" + debianPackage
        + "' (.ci/run does: apt-get install " + debianPackage + ")");
    return null;
  }

  public record ToolResult(int exit, String output) {}

  public static ToolResult exec(Path cwd, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + String.join(" ", command));
    }
    return new ToolResult(p.exitValue(), output);
  }

  /**
   * Copies parts of this repository (files or directories, repo-relative) into a scratch config
   * repo: tests write their own inventory and policies around the real rules and templates.
   */
  /**
   * Runs the emitted playbook's exporter-config tasks for real on this machine, for {@code host},
   * into {@code exporterDir}; asserts that they pass and that {@code secret} (a community, a
   * password they read from its file) is neither in their output nor in any file of {@code out}.
   */
  public static void runExporterConfigTasks(Path out, String host, Path exporterDir, String secret) throws Exception {
    ToolResult play = exec(out.resolve("ansible"), "env", "ANSIBLE_NOCOLOR=1", "ANSIBLE_LOCALHOST_WARNING=False",
        tool("ansible-playbook", "ansible-core"), "-i", "inventory.yml", "exporters.yml", "-c", "local",
        "--limit", host, "--tags", "exporter-config", "-e", "anvil_exporter_dir=" + exporterDir);
    org.junit.jupiter.api.Assertions.assertEquals(0, play.exit(), play.output());
    org.junit.jupiter.api.Assertions.assertFalse(play.output().contains(secret), "the secret is logged: " + play.output());
    for (var f : snapshot(out).entrySet()) {
      org.junit.jupiter.api.Assertions.assertFalse(f.getValue().contains(secret), "the secret is in out/" + f.getKey());
    }
  }

  public static void copyFromRepo(Path scratch, String... paths) throws IOException {
    for (String p : paths) copyTree(repoRoot().resolve(p), scratch.resolve(p));
  }

  /** Writes one file of a scratch repo, creating its directories. */
  public static void writeFile(Path scratch, String path, String content) throws IOException {
    Path file = scratch.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  /**
   * The parameters label ({@code anvil_<rule>}) of the rendered rule of {@code rule} in
   * {@code ruleFile} that selects the alert class {@code classId}: what its alerts carry.
   */
  public static String ruleParams(Path ruleFile, String rule, String classId) throws IOException {
    var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    for (var g : yaml.readTree(ruleFile.toFile()).path("groups")) {
      for (var r : g.path("rules")) {
        String params = r.path("labels").path("anvil_" + rule).asText(null);
        var m = java.util.regex.Pattern.compile("anvil_class=~?\"([^\"]*)\"").matcher(r.path("expr").asText());
        if (params != null && m.find() && List.of(m.group(1).split("\\|")).contains(classId)) return params;
      }
    }
    throw new AssertionError("no rule " + rule + " for class " + classId + " in " + ruleFile);
  }

  /** Copies a file, or a directory with everything below it; symbolic links stay links (sysfs is made of them). */
  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isSymbolicLink(p)) {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(p, target);
        }
      }
    }
  }

  /**
   * Runs the check agent (agent/anvil-check-agent, needs python3) on a compiled check list against
   * test/agent's fake sysfs and proc, with its stand-ins for nvme-cli and smartctl on the PATH.
   */
  public static ToolResult runCheckAgent(Path config, Path textfileDir, Path state) throws Exception {
    String python = tool("python3", "python3");
    Path fixtures = testDir("agent");
    return exec(textfileDir.getParent(), "env", "PATH=" + fixtures.resolve("bin") + File.pathSeparator
            + System.getenv("PATH"), python, repoRoot().resolve("agent/anvil-check-agent").toString(),
        "--config", config.toString(), "--textfile-dir", textfileDir.toString(), "--state", state.toString(),
        "--sysfs", fixtures.resolve("sysfs").toString(), "--proc", fixtures.resolve("proc").toString());
  }

  /**
   * Each host's check list as the emitted playbook writes it (its {@code check-list} task, run for real on
   * this machine with a local connection), into {@code destDir/<host>.json}.
   */
  public static ToolResult writeCheckListsWithAnsible(Path ansibleDir, Path destDir, String... hosts) throws Exception {
    Files.createDirectories(destDir);
    List<String> cmd = new ArrayList<>(List.of("env", "ANSIBLE_NOCOLOR=1", "ANSIBLE_LOCALHOST_WARNING=False",
        tool("ansible-playbook", "ansible-core"), "-i", "inventory.yml", "exporters.yml", "-c", "local",
        "--tags", "check-list", "-e", "anvil_check_list=" + destDir + "/{{ inventory_hostname }}.json"));
    if (hosts.length > 0) cmd.addAll(List.of("--limit", String.join(",", hosts)));
    return exec(ansibleDir, cmd.toArray(String[]::new));
  }

  public static List<Path> subdirectories(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(Files::isDirectory).sorted().forEach(out::add);
    }
    return out;
  }

  /**
   * Inventory strings are tagged !unsafe (never templated); ansible-inventory shows such a value as
   * {"__ansible_unsafe": value}. Unwrapped, the tree reads as the plain values.
   */
  public static com.fasterxml.jackson.databind.JsonNode unwrapUnsafe(com.fasterxml.jackson.databind.JsonNode n) {
    if (n.isObject() && n.size() == 1 && n.has("__ansible_unsafe")) return n.get("__ansible_unsafe");
    if (n.isObject()) {
      var o = ((com.fasterxml.jackson.databind.node.ObjectNode) n);
      o.fields().forEachRemaining(e -> e.setValue(unwrapUnsafe(e.getValue())));
    } else if (n.isArray()) {
      var a = (com.fasterxml.jackson.databind.node.ArrayNode) n;
      for (int i = 0; i < a.size(); i++) a.set(i, unwrapUnsafe(a.get(i)));
    }
    return n;
  }

}
