package dev.anvil.verify;

import dev.anvil.diag.Diagnostic.Note;
import dev.anvil.diag.Diagnostics;
import dev.anvil.diag.Position;
import dev.anvil.emit.OutputFile;
import dev.anvil.model.AlertRule;
import dev.anvil.resolve.ResolvedFleet;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The verify phase: the consumers' own checkers judge the output before anything is written, so
 * that {@code anvil check} passing means they accept it. The output is written to a private
 * temporary directory; promtool, amtool and a Slurm client read it there, in parallel, each with a
 * deadline. Their findings become diagnostics, attributed to the alert rule that produced them
 * where the message names one.
 *
 * <p>ansible-inventory is not among them: it takes about 50 s for 10k hosts, too slow for every
 * check and push. The Ansible output is safe by construction (one serializer, every string
 * {@code !unsafe}), and the tests run ansible-inventory and ansible-playbook on it.
 */
public final class Verifier {
  /** auto: run the checkers that are installed; required: a missing one is an error; off: none. */
  public enum Mode { AUTO, REQUIRED, OFF }

  /** Which checkers ran and which were skipped (not installed, or nothing of theirs to check). */
  public record Report(List<String> ran, List<String> skipped) {
    /** One line for the user, or null when every checker ran. */
    public String skippedLine() {
      return skipped.isEmpty() ? null : "verify: skipped " + String.join(", ", skipped) + " (not installed); ran "
          + (ran.isEmpty() ? "none" : String.join(", ", ran));
    }
  }

  /** One consumer's checker: the tool, its Debian package, the output files it reads (a pattern), how to run it. */
  record Checker(String tool, String debianPackage, Pattern needs, Command command) {}

  interface Command {
    /** The command line for the output files {@code paths} (those {@link Checker#needs} matched, sorted). */
    List<String> args(Path tool, Path dir, List<String> paths) throws IOException;
  }

  static final long TIMEOUT_SECONDS = 60;

  /** promtool checks every server's config of a topology at once, with the rule and target files each names. */
  static final List<Checker> CHECKERS = List.of(
      new Checker("promtool", "prometheus", Pattern.compile("prometheus/(?:[^/]+/[0-9]+/)?prometheus(?:-[0-9]+)?\\.yml"),
          (tool, dir, paths) -> concat(List.of(tool.toString(), "check", "config"), paths)),
      // the fleet-wide rules of a topology, for the global evaluator: no server's config names them
      new Checker("promtool", "prometheus", Pattern.compile("prometheus/global/rules/[^/]+\\.yml"),
          (tool, dir, paths) -> concat(List.of(tool.toString(), "check", "rules"), paths)),
      new Checker("amtool", "prometheus-alertmanager", Pattern.compile("alertmanager/alertmanager\\.yml"),
          (tool, dir, paths) -> List.of(tool.toString(), "check-config", "alertmanager/alertmanager.yml")),
      new Checker("scontrol", "slurm-client", Pattern.compile("slurm/nodes\\.conf"), (tool, dir, paths) -> slurmParse(tool, dir)),
      new Checker("prometheus-snmp-exporter", "prometheus-snmp-exporter", Pattern.compile("snmp/snmp\\.yml"),
          (tool, dir, paths) -> List.of(tool.toString(), "--dry-run", "--config.file=snmp/snmp.yml")));

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private Verifier() {}

  /** Runs every checker {@code mode} asks for on {@code files}; findings go to {@code diagnostics}. */
  public static Report verify(List<OutputFile> files, ResolvedFleet fleet, Mode mode, Diagnostics diagnostics) {
    return verify(files, fleet, mode, diagnostics, Verifier::onPath);
  }

  /** As above, with the tools found by {@code locate} (name → executable, or null when missing). */
  static Report verify(List<OutputFile> files, ResolvedFleet fleet, Mode mode, Diagnostics diagnostics,
      java.util.function.Function<String, Path> locate) {
    List<String> ran = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    if (mode == Mode.OFF) return new Report(ran, skipped);
    Map<String, OutputFile> byPath = new java.util.HashMap<>();
    for (OutputFile f : files) byPath.put(f.path(), f);
    Path dir = null;
    try {
      dir = Files.createTempDirectory("anvil-verify-");
      for (OutputFile f : files) {
        Path p = dir.resolve(f.path());
        Files.createDirectories(p.getParent());
        f.writeTo(p);
      }
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (Checker c : CHECKERS) {
        List<String> paths = byPath.keySet().stream().filter(p -> c.needs().matcher(p).matches()).sorted().toList();
        if (paths.isEmpty()) continue;
        Path tool = locate.apply(c.tool());
        if (tool == null) {
          if (mode == Mode.REQUIRED) {
            diagnostics.error(Position.ofFile("out/" + paths.get(0)), "verify: " + c.tool() + " is not installed (Debian"
                + " package " + c.debianPackage() + "); --verify=required needs every consumer's checker");
          }
          String missing = c.tool() + " (" + c.debianPackage() + ")";
          if (!skipped.contains(missing)) skipped.add(missing);
          continue;
        }
        if (!ran.contains(c.tool())) ran.add(c.tool());
        Path work = dir;
        running.add(CompletableFuture.runAsync(() -> run(c, tool, work, paths, fleet, diagnostics)));
      }
      running.forEach(CompletableFuture::join);
    } catch (IOException e) {
      diagnostics.error(Position.ofFile("out"), "verify: cannot prepare the output for checking: " + e.getMessage());
    } finally {
      if (dir != null) deleteTree(dir);
    }
    return new Report(ran, skipped);
  }

  private static void run(Checker c, Path tool, Path dir, List<String> paths, ResolvedFleet fleet, Diagnostics diagnostics) {
    try {
      ToolRun r = ToolRun.run(c.command().args(tool, dir, paths), dir, TIMEOUT_SECONDS);
      if (!r.finished()) {
        diagnostics.error(Position.ofFile("out/" + paths.get(0)), "verify: " + c.tool() + " did not finish within "
            + TIMEOUT_SECONDS + " s");
        return;
      }
      String text = r.output().replace(dir + File.separator, "out/").replace(dir.toString(), "out");
      if (r.exit() == 0) return;
      report(c, paths.get(0), text, fleet, diagnostics);
    } catch (IOException e) {
      diagnostics.error(Position.ofFile("out/" + paths.get(0)), "verify: cannot run " + c.tool() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final Pattern FILE = Pattern.compile(
      "(?:out/)?((?:prometheus|alertmanager|slurm|ansible|grafana|checks)/[A-Za-z0-9_./-]+\\.(?:yml|yaml|json|conf))");
  private static final Pattern QUOTED = Pattern.compile("\"([A-Za-z_][A-Za-z0-9_]*)\"");
  private static final Pattern ALERT = Pattern.compile("(?m)^\\s*alert:\\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)");

  /** Each meaningful line of a failed check is one finding, at the output file it names. */
  private static void report(Checker c, String primary, String text, ResolvedFleet fleet, Diagnostics diagnostics) {
    List<String> findings = text.lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !(l.startsWith("Checking ") && !l.contains("FAILED")) && !l.startsWith("SUCCESS")
            && !l.startsWith("Found:") && !l.startsWith("amtool: error: failed to validate")
            && !l.equals("FAILED:") && !l.startsWith("{") && !l.startsWith("}") && !l.startsWith("\""))
        .limit(50).toList();
    if (findings.isEmpty()) findings = List.of("refused the output (exit status non-zero, no message)");
    for (String line : findings) {
      Matcher file = FILE.matcher(line);
      String path = file.find() ? "out/" + file.group(1) : "out/" + primary;
      String message = c.tool() + " refuses the output: " + line;
      AlertRule rule = ruleNamedIn(line, fleet);
      if (rule != null) {
        diagnostics.error(rule.source().at("/rule"), message, new Note(Position.ofFile(path), "in this output file"));
      } else {
        diagnostics.error(Position.ofFile(path), message);
      }
    }
  }

  private static AlertRule ruleNamedIn(String line, ResolvedFleet fleet) {
    if (fleet == null) return null;
    Matcher m = QUOTED.matcher(line);
    while (m.find()) {
      for (AlertRule r : fleet.fleet().alertRules()) {
        Matcher alert = ALERT.matcher(r.template());
        if (r.name().equals(m.group(1)) || (alert.find() && alert.group(1).equals(m.group(1)))) return r;
      }
    }
    return null;
  }

  /** A Slurm client parse: a slurm.conf that includes the emitted node and partition files. */
  private static List<String> slurmParse(Path tool, Path dir) throws IOException {
    Path conf = dir.resolve("slurm/slurm.conf");
    List<String> lines = new ArrayList<>(List.of("ClusterName=anvil-verify", "SlurmctldHost=localhost",
        "Include " + dir.resolve("slurm/nodes.conf")));
    if (Files.exists(dir.resolve("slurm/partitions.conf"))) lines.add("Include " + dir.resolve("slurm/partitions.conf"));
    Files.writeString(conf, String.join("\n", lines) + "\n");
    return List.of("env", "SLURM_CONF=" + conf, tool.toString(), "show", "hostnames", "anvil-verify");
  }

  /** The executable {@code name} on PATH, or null. */
  public static Path onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, name);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) return p;
    }
    return null;
  }

  /** Removes a temporary directory Anvil made; what cannot be removed is left to the system's cleanup. */
  public static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: nothing else depends on it
    }
  }
}
