package dev.anvil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile inputs of up to 20 MB, each compiled by anvil in its own JVM with a 1 GiB heap (and the
 * launcher's other options): every
 * one is accepted or refused with diagnostics — no stack trace, no crash — within generous bounds
 * of time and memory, and a refused one leaves out/ as it was. A benchmark-style test: it prints
 * each case's time and peak RSS, and fails only past the bounds (10 s, 1 GiB).
 */
class ResourceLimitsTest {
  static final long MAX_MILLIS = 10_000;
  static final long MAX_RSS_KB = 1024 * 1024;
  static final int MB = 1024 * 1024;

  static final String GROUP = "apiVersion: anvil.dev/v1\nkind: Group\nname: infrastructure:lab\n";
  static final String HOST = "apiVersion: anvil.dev/v1\nkind: Host\nname: %s\naddress: %s\nprimary_group: infrastructure:lab\n";

  @Test
  void everyCaseIsAcceptedOrRefusedWithinBounds(@TempDir Path tmp) throws Exception {
    Map<String, Map<String, String>> cases = new LinkedHashMap<>();
    cases.put("nesting bomb (flow lists 200k deep)", Map.of("inventory/a.yaml", GROUP + "x: " + "[ ".repeat(200_000)));
    cases.put("a 200k-character word", Map.of("inventory/a.yaml", GROUP + "x: " + "[".repeat(200_000)));
    cases.put("nesting bomb (block maps 5k deep)", Map.of("inventory/a.yaml", GROUP + nestedBlock(5_000)));
    cases.put("one 20 MB scalar", Map.of("inventory/a.yaml", GROUP + "description: \"" + "a".repeat(20 * MB - 100) + "\"\n"));
    cases.put("one 20 MB key", Map.of("inventory/a.yaml", GROUP + "k".repeat(20 * MB - 100) + ": 1\n"));
    cases.put("300k empty documents", Map.of("inventory/a.yaml", GROUP + "---\n".repeat(300_000)));
    cases.put("alias bomb", Map.of("inventory/a.yaml", aliasBomb()));
    cases.put("a million labels on one host", Map.of("inventory/a.yaml", GROUP + "---\n" + HOST.formatted("h", "10.0.0.1")
        + "labels: {" + labels(1_000_000) + "}\n"));
    cases.put("1000 equal-rank groups set one key", equalRank(1000));
    // a valid fleet is compiled whole: 5 MB is 36k hosts (20 MB of hosts is the fleet-scale benchmark's job)
    cases.put("5 MB of valid hosts in 2 files", Map.of("inventory/a.yaml", hosts(0, 5 * MB / 2), "inventory/b.yaml",
        hosts(1, 5 * MB / 2)));
    cases.put("100k labels on one host, one a line", Map.of("inventory/a.yaml", GROUP + "---\n" + HOST.formatted("h", "10.0.0.1")
        + "labels:\n" + labelLines(100_000)));
    cases.put("control characters and invalid UTF-8", Map.of("inventory/a.yaml", GROUP + "description: \"\u0000\u0007\"\n",
        "inventory/b.yaml", "\u00ff\u00fe"));
    cases.put("20 MB file of one long comment line", Map.of("inventory/a.yaml", GROUP + "#" + "x".repeat(20 * MB - 100) + "\n"));

    List<String> report = new ArrayList<>();
    for (var c : cases.entrySet()) {
      Path repo = tmp.resolve("repo-" + report.size());
      long bytes = 0;
      for (var f : c.getValue().entrySet()) {
        Path file = repo.resolve(f.getKey());
        Files.createDirectories(file.getParent());
        byte[] content = f.getValue().equals("\u00ff\u00fe") ? new byte[] {(byte) 0xff, (byte) 0xfe, 'a'}
            : f.getValue().getBytes(StandardCharsets.UTF_8);
        Files.write(file, content);
        bytes += content.length;
      }
      assertTrue(bytes <= 21 * MB, c.getKey() + " is " + bytes + " bytes");
      Path out = repo.resolve("out");
      Files.createDirectories(out);
      Files.writeString(out.resolve(dev.anvil.write.OutputWriter.MARKER), "an earlier compile's\n");
      Files.writeString(out.resolve("keep.txt"), "the previous output\n");
      TreeMap<String, String> before = TestSupport.snapshot(out);

      Result r = run(tmp, repo, out);
      String name = c.getKey();
      report.add(String.format("%-40s %6.1f MB  exit %d  %6d ms  peak RSS %5d MB  %s", name, bytes / (double) MB, r.exit,
          r.millis, r.peakRssKb / 1024, r.firstLine));
      assertTrue(r.exit == 0 || r.exit == 1, name + ": exit " + r.exit + "\n" + r.err);
      assertFalse(r.err.contains("Exception") || r.err.contains("\tat ") || r.err.contains("internal error"),
          name + ": no stack trace\n" + r.err.substring(0, Math.min(2000, r.err.length())));
      assertTrue(r.millis < MAX_MILLIS, name + " took " + r.millis + " ms");
      assertTrue(r.peakRssKb < MAX_RSS_KB, name + " used " + r.peakRssKb / 1024 + " MB");
      if (r.exit == 1) {
        assertTrue(r.err.contains(": error: "), name + "\n" + r.err);
        assertEquals(before, TestSupport.snapshot(out), name + ": a refused input leaves out/ as it was");
      }
      assertTrue(r.err.length() < 1_000_000, name + ": diagnostics stay proportionate (" + r.err.length() + " chars)");
    }
    System.out.println("resource limits (1 GiB heap, --verify=off):\n  " + String.join("\n  ", report));
  }

  record Result(int exit, long millis, long peakRssKb, String err, String firstLine) {}

  /** anvil in its own JVM (heap capped at 1 GiB), peak RSS sampled from /proc while it runs. */
  private static Result run(Path tmp, Path repo, Path out) throws Exception {
    Path err = tmp.resolve("stderr.txt");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.anvil.cli.AnvilCommand",
        "-C", repo.toString(), "compile", "--verify=off", "--out", out.toString())
        .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    long start = System.nanoTime();
    Process p = pb.start();
    long peak = 0;
    Path status = Path.of("/proc/" + p.pid() + "/status");
    while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
      peak = Math.max(peak, vmHwm(status));
      if (System.nanoTime() - start > 60_000_000_000L) {
        p.destroyForcibly();
        break;
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    String text = Files.readString(err);
    return new Result(p.exitValue(), millis, peak, text, text.lines().findFirst().orElse("").replaceAll("\\s+", " ")
        .substring(0, Math.min(90, text.lines().findFirst().orElse("").length())));
  }

  private static long vmHwm(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (Exception e) {
      // the process has just exited
    }
    return 0;
  }

  private static String nestedBlock(int depth) {
    StringBuilder sb = new StringBuilder("x:\n");
    for (int i = 1; i < depth; i++) sb.append(" ".repeat(i)).append("a:\n");
    return sb.append(" ".repeat(depth)).append("b: 1\n").toString();
  }

  private static String aliasBomb() {
    StringBuilder sb = new StringBuilder(GROUP + "x:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 30; i++) {
      sb.append("  a").append(i).append(": &a").append(i).append(" [").append(("*a" + (i - 1) + ", ").repeat(8))
          .append("*a").append(i - 1).append("]\n");
    }
    return sb.toString();
  }

  private static String labels(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append(i > 0 ? ", " : "").append("l").append(i).append(": v");
    return sb.toString();
  }

  private static String labelLines(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append("  l").append(i).append(": v\n");
    return sb.toString();
  }

  /** Valid hosts filling {@code bytes}; file {@code part} of several (names and addresses do not repeat). */
  private static String hosts(int part, int bytes) {
    StringBuilder sb = new StringBuilder(part == 0 ? GROUP : "");
    for (int i = part << 20; sb.length() < bytes - 200; i++) {
      sb.append(sb.length() > 0 ? "---\n" : "").append(HOST.formatted("node-" + i, "10." + (i >> 16 & 255) + "." + (i >> 8 & 255)
          + "." + (i & 255)))
          .append("labels: {team: ml, rack: r").append(i % 40).append("}\n");
    }
    return sb.toString();
  }

  /** One host in a thousand groups of one namespace, each setting the same key to its own value. */
  private static Map<String, String> equalRank(int n) {
    StringBuilder groups = new StringBuilder(GROUP);
    StringBuilder policies = new StringBuilder();
    List<String> memberships = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      groups.append("---\napiVersion: anvil.dev/v1\nkind: Group\nname: logical:g").append(i).append('\n');
      policies.append(i > 0 ? "---\n" : "").append("apiVersion: anvil.dev/v1\nkind: Policy\ngroup: logical:g").append(i)
          .append("\nlabels: {tier: t").append(i).append("}\n");
      memberships.add("logical:g" + i);
    }
    groups.append("---\n").append(HOST.formatted("h", "10.0.0.1")).append("groups: [").append(String.join(", ", memberships))
        .append("]\n");
    return Map.of("inventory/a.yaml", groups.toString(), "policies/p.yaml", policies.toString());
  }
}
