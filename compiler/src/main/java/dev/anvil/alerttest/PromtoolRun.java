package dev.anvil.alerttest;

import dev.anvil.emit.OutputFile;
import dev.anvil.verify.ToolRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs generated alert tests with {@code promtool test rules}, beside a copy of the emitted rule files. */
public final class PromtoolRun {
  /** A case's verdict; {@code detail} is promtool's complaint or why the case could not be written. */
  public record Result(AlertTests.Case test, boolean passed, String detail) {}

  private static final long TIMEOUT_SECONDS = 600;
  /** Test files per promtool run: keeps the command line short. */
  private static final int BATCH = 200;
  private static final int PARALLEL = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
  private static final java.util.concurrent.Executor POOL = java.util.concurrent.Executors.newFixedThreadPool(PARALLEL,
      r -> {
        Thread t = new Thread(r, "promtool");
        t.setDaemon(true);
        return t;
      });
  private static final Pattern SECTION = Pattern.compile("(?m)^Unit Testing:\\s+(\\S+)\\s*$");

  private PromtoolRun() {}

  public static List<Result> run(Path promtool, List<OutputFile> output, List<AlertTests.Case> cases)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("anvil-alert-tests-");
    try {
      for (OutputFile f : output) {
        if (!f.path().startsWith(AlertTests.RULES_DIR) && !f.path().startsWith(AlertTests.GLOBAL_RULES_DIR)) continue;
        Path p = dir.resolve(f.path());
        Files.createDirectories(p.getParent());
        f.writeTo(p);
      }
      Path tests = Files.createDirectories(dir.resolve("tests"));
      List<AlertTests.Case> runnable = new ArrayList<>();
      for (AlertTests.Case c : cases) {
        if (c.problem() != null) continue;
        Files.writeString(tests.resolve(c.file()), c.yaml());
        runnable.add(c);
      }
      // promtool checks one file after another: batches run side by side, one per processor
      int batch = Math.max(1, Math.min(BATCH, (runnable.size() + PARALLEL - 1) / PARALLEL));
      List<java.util.concurrent.CompletableFuture<Map<String, String>>> running = new ArrayList<>();
      for (int i = 0; i < runnable.size(); i += batch) {
        List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "test", "rules"));
        runnable.subList(i, Math.min(runnable.size(), i + batch)).forEach(c -> cmd.add(c.file()));
        running.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            ToolRun r = ToolRun.run(cmd, tests, TIMEOUT_SECONDS);
            if (!r.finished()) throw new IOException("promtool test rules did not finish within " + TIMEOUT_SECONDS + " s");
            return sections(r.output());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted");
          }
        }, POOL));
      }
      Map<String, String> verdicts = new HashMap<>();
      try {
        running.forEach(f -> verdicts.putAll(f.join()));
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof java.io.UncheckedIOException io) throw io.getCause();
        throw e;
      }
      List<Result> out = new ArrayList<>();
      for (AlertTests.Case c : cases) {
        if (c.problem() != null) {
          out.add(new Result(c, false, c.problem()));
          continue;
        }
        String v = verdicts.getOrDefault(c.file(), "promtool did not report on it");
        out.add(new Result(c, v.equals("SUCCESS"), v.equals("SUCCESS") ? "" : explain(c, v)));
      }
      return out;
    } finally {
      dev.anvil.verify.Verifier.deleteTree(dir);
    }
  }

  /** What the failing queries mean, or promtool's own words when none is recognised. */
  static String explain(AlertTests.Case c, String said) {
    List<String> meant = new ArrayList<>();
    c.failures().forEach((expr, meaning) -> {
      if (said.contains("expr: " + goQuoted(expr))) meant.add(meaning);
    });
    return meant.isEmpty() ? said : String.join("; ", meant);
  }

  /** How promtool prints an expression (Go's %q): backslashes and quotes escaped. */
  private static String goQuoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Test file → "SUCCESS" or what promtool said about it. */
  static Map<String, String> sections(String output) {
    Map<String, String> out = new HashMap<>();
    Matcher m = SECTION.matcher(output);
    String file = null;
    int start = 0;
    while (true) {
      boolean found = m.find();
      if (file != null) {
        String body = output.substring(start, found ? m.start() : output.length()).strip();
        out.put(file, body.equals("SUCCESS") ? "SUCCESS" : body.replaceAll("\\s+", " "));
      }
      if (!found) return out;
      file = m.group(1);
      start = m.end();
    }
  }
}
