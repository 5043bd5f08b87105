package dev.anvil.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Slurm's scontrol, run without a shell: every value is one argument, every run has a deadline.
 * {@code slurmConf} (SLURM_CONF) is optional: scontrol finds the cluster's own otherwise.
 */
final class Scontrol {
  private final String program;
  private final Path slurmConf;
  private final Duration timeout;

  Scontrol(String program, Path slurmConf, Duration timeout) {
    this.program = program;
    this.slurmConf = slurmConf;
    this.timeout = timeout;
  }

  /** scontrol refused or could not be run; {@code unknownNode} when Slurm has no such node. */
  static final class Failure extends Exception {
    private final boolean unknownNode;

    Failure(String message, boolean unknownNode) {
      super(message);
      this.unknownNode = unknownNode;
    }

    boolean unknownNode() {
      return unknownNode;
    }
  }

  /** A node's state (IDLE+DRAIN, DOWN*+DRAIN, MIXED, ...) and partitions. */
  record Node(String state, List<String> partitions) {
    boolean draining() {
      return state.contains("DRAIN");
    }
  }

  Node node(String name) throws Failure {
    Map<String, String> f = fields(run("show", "node", name, "-o"), "NodeName", name);
    if (f == null) throw new Failure("Slurm has no node " + name, true);
    String partitions = f.getOrDefault("Partitions", "");
    return new Node(f.getOrDefault("State", ""), partitions.isEmpty() ? List.of() : List.of(partitions.split(",")));
  }

  int partitionNodes(String partition) throws Failure {
    Map<String, String> f = fields(run("show", "partition", partition, "-o"), "PartitionName", partition);
    if (f == null) throw new Failure("Slurm has no partition " + partition, false);
    try {
      return Integer.parseInt(f.getOrDefault("TotalNodes", ""));
    } catch (NumberFormatException e) {
      throw new Failure("partition " + partition + " has no TotalNodes", false);
    }
  }

  void drain(String node, String reason) throws Failure {
    run("update", "NodeName=" + node, "State=DRAIN", "Reason=" + reason);
  }

  /** The Key=Value fields of the line about {@code name} in {@code show -o} output, or null. */
  private static Map<String, String> fields(String output, String key, String name) {
    for (String line : output.split("\n")) {
      Map<String, String> f = new HashMap<>();
      for (String token : line.trim().split(" (?=[A-Za-z/]+=)")) {
        int eq = token.indexOf('=');
        if (eq > 0) f.put(token.substring(0, eq), token.substring(eq + 1).trim());
      }
      if (name.equals(f.get(key))) return f;
    }
    return null;
  }

  private String run(String... args) throws Failure {
    List<String> command = new ArrayList<>(List.of(program));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (slurmConf != null) pb.environment().put("SLURM_CONF", slurmConf.toString());
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new Failure("scontrol " + args[0] + " took longer than " + timeout.toSeconds() + " s", false);
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        String first = out.lines().filter(l -> !l.isBlank()).findFirst().orElse("exit " + p.exitValue());
        throw new Failure("scontrol " + args[0] + ": " + dev.anvil.diag.Text.shown(first),
            out.contains("Invalid node name") || out.contains("not found"));
      }
      return out;
    } catch (IOException e) {
      throw new Failure("cannot run " + program + ": " + e.getClass().getSimpleName(), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted", false);
    }
  }
}
