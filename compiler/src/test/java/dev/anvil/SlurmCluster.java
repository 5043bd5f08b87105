package dev.anvil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away Slurm controller on 127.0.0.1 (Debian slurm-wlm 22.05) with a private munge daemon:
 * a slurm.conf that includes the given files, and scontrol pointed at it. Used by the Slurm output
 * tests and by anvil serve's drain receiver tests (as a test-jar).
 */
public final class SlurmCluster implements AutoCloseable {
  private final Path work;
  private final Path conf;
  private Process controller;

  private SlurmCluster(Path work, Path conf) {
    this.work = work;
    this.conf = conf;
  }

  /**
   * Starts munged and writes slurm.conf; {@code beside} are copied next to it (gres.conf is read
   * from there), {@code includes} are included in order. The controller is started by {@link #startController}.
   */
  public static SlurmCluster prepare(Path work, List<Path> beside, List<Path> includes) throws Exception {
    String mungekey = TestSupport.tool("mungekey", "munge");
    String munged = TestSupport.tool("munged", "munge");
    TestSupport.tool("slurmctld", "slurmctld");
    TestSupport.tool("scontrol", "slurm-client");
    Path munge = Files.createDirectories(work.resolve("munge"));
    Files.setPosixFilePermissions(munge, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path run = Files.createDirectories(work.resolve("run"));
    assertEquals(0, TestSupport.exec(work, mungekey, "-c", "-k", munge.resolve("munge.key").toString()).exit());
    var m = TestSupport.exec(work, munged, "--key-file=" + munge.resolve("munge.key"), "--socket=" + run.resolve("munge.socket"),
        "--pid-file=" + run.resolve("munged.pid"), "--log-file=" + munge.resolve("munged.log"),
        "--seed-file=" + munge.resolve("munged.seed"));
    assertEquals(0, m.exit(), m.output());
    Path slurm = Files.createDirectories(work.resolve("slurm"));
    for (Path p : beside) Files.copy(p, slurm.resolve(p.getFileName()));
    int port = Live.freePort();
    String host = TestSupport.exec(work, "hostname", "-s").output().strip();
    List<String> lines = new ArrayList<>(List.of(
        "ClusterName=anvil-test",
        "SlurmctldHost=" + host + "(127.0.0.1)",
        "SlurmctldPort=" + port,
        "SlurmdPort=" + (port + 1),
        "SlurmUser=root",
        "AuthType=auth/munge",
        "CredType=cred/munge",
        "AuthInfo=socket=" + run.resolve("munge.socket"),
        "StateSaveLocation=" + Files.createDirectories(work.resolve("state")),
        "SlurmdSpoolDir=" + Files.createDirectories(work.resolve("spool")),
        "SlurmctldPidFile=" + run.resolve("slurmctld.pid"),
        "SlurmctldLogFile=" + work.resolve("slurmctld.log"),
        "MailProg=/bin/true",
        "PrivateData=cloud",
        "CommunicationParameters=NoCtldInAddrAny",
        "SuspendProgram=/bin/true",
        "ResumeProgram=/bin/true",
        "SuspendTime=300",
        "ResumeTimeout=600",
        "AccountingStorageType=accounting_storage/none",
        "JobCompType=jobcomp/none",
        "JobAcctGatherType=jobacct_gather/none"));
    for (Path p : includes) lines.add("Include " + p);
    lines.add("");
    Files.writeString(slurm.resolve("slurm.conf"), String.join("\n", lines));
    return new SlurmCluster(work, slurm.resolve("slurm.conf"));
  }

  public Path conf() {
    return conf;
  }

  /** What slurmctld printed so far. */
  public String output() throws IOException {
    return Files.readString(work.resolve("ctld.out"));
  }

  /** Starts slurmctld: true once it runs as primary, false when it exits first (a fatal configuration error). */
  public boolean startController() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("slurmctld", "-D", "-f", conf.toString()).redirectErrorStream(true)
        .redirectOutput(work.resolve("ctld.out").toFile());
    pb.environment().put("SLURM_CONF", conf.toString());
    controller = pb.start();
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      if (output().contains("Running as primary controller")) return true;
      if (!controller.isAlive()) return false;
      Thread.sleep(100);
    }
    fail("slurmctld neither started nor failed within 20 s: " + output() + "\nslurmctld.log:\n"
        + (Files.exists(work.resolve("slurmctld.log")) ? Files.readString(work.resolve("slurmctld.log")) : "(none)"));
    return false;
  }

  public TestSupport.ToolResult scontrol(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("env", "SLURM_CONF=" + conf, "scontrol"));
    cmd.addAll(List.of(args));
    return TestSupport.exec(work, cmd.toArray(String[]::new));
  }

  /** {@code scontrol show <what> -o}, one map of Key=Value per entity, keyed by name. */
  public Map<String, Map<String, String>> show(String what) throws Exception {
    var r = scontrol("--future", "show", what, "-o");
    assertEquals(0, r.exit(), r.output());
    Map<String, Map<String, String>> out = new HashMap<>();
    for (String line : r.output().split("\n")) {
      if (line.isBlank()) continue;
      Map<String, String> fields = new HashMap<>();
      for (String token : line.trim().split(" (?=[A-Za-z/]+=)")) {
        int eq = token.indexOf('=');
        if (eq > 0) fields.put(token.substring(0, eq), token.substring(eq + 1).trim());
      }
      String name = fields.getOrDefault("PartitionName", fields.get("NodeName"));
      if (name != null) out.put(name, fields);  // other lines are stderr noise (pmix plugin warnings)
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    if (controller != null) {
      controller.destroy();
      if (!controller.waitFor(10, TimeUnit.SECONDS)) controller.destroyForcibly();
    }
    // munged daemonizes: stop it through its pid file, and wait for it: it writes its seed file on
    // the way out, into the directory JUnit then deletes
    Path pid = work.resolve("run/munged.pid");
    if (Files.exists(pid)) {
      var munged = ProcessHandle.of(Long.parseLong(Files.readString(pid).strip()));
      if (munged.isPresent()) {
        munged.get().destroy();
        munged.get().onExit().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
