package dev.anvil.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.emit.OutputFile;
import dev.anvil.emit.TargetLabels;
import dev.anvil.model.RoutingTest;
import dev.anvil.resolve.ResolvedFleet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the repo's routing tests against the compiled alertmanager.yml: routes (cross-checked with
 * {@code amtool config routes test} when amtool is given), time intervals and inhibition (our own
 * evaluation, which amtool cannot do).
 */
public final class RoutingTestRunner {
  private final ResolvedFleet fleet;
  private final AlertmanagerConfig config;
  private final Path configFile;
  private final String amtool;

  public record Result(RoutingTest test, boolean passed, String detail) {}

  /** {@code amtool} may be null: then routes are checked by our evaluation alone. */
  public RoutingTestRunner(ResolvedFleet fleet, OutputFile alertmanagerYml, String amtool) {
    this.fleet = fleet;
    this.amtool = amtool;
    try {
      JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(alertmanagerYml.content());
      this.config = new AlertmanagerConfig(tree);
      this.configFile = Files.createTempFile("anvil-alertmanager-", ".yml");
      alertmanagerYml.writeTo(configFile);
      configFile.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<Result> run(List<RoutingTest> tests) {
    List<Result> out = new ArrayList<>();
    for (RoutingTest t : tests) {
      try {
        out.add(run(t));
      } catch (RuntimeException e) {
        // user input the evaluator cannot read is a failed test with the reason, never a crash
        out.add(new Result(t, false, "cannot evaluate: " + dev.anvil.diag.Text.shown(String.valueOf(e.getMessage()))));
      }
    }
    return out;
  }

  /**
   * Where an alert goes: the host's target labels (when a host is given) under the alert's labels,
   * the same for each other firing alert; the receivers that get it are those of the deliveries
   * that time does not mute, none when another firing alert inhibits it.
   *
   * @param at null: time intervals are not evaluated
   */
  public record Answer(Map<String, String> alert, List<AlertmanagerConfig.Delivery> deliveries, boolean inhibited) {
    public boolean muted() {
      return deliveries.stream().allMatch(AlertmanagerConfig.Delivery::muted);
    }

    public List<String> receivers() {
      return inhibited ? List.of() : deliveries.stream().filter(d -> !d.muted()).map(AlertmanagerConfig.Delivery::receiver).toList();
    }
  }

  public static Answer evaluate(ResolvedFleet fleet, AlertmanagerConfig config, String host, Map<String, String> labels,
      java.time.Instant at, List<Map<String, String>> firingLabels) {
    Map<String, String> hostLabels = new TreeMap<>();
    if (host != null) hostLabels.putAll(TargetLabels.of(fleet.host(host), fleet.fleet()));
    Map<String, String> alert = new TreeMap<>(hostLabels);
    alert.putAll(labels);
    List<Map<String, String>> firing = new ArrayList<>();
    for (Map<String, String> f : firingLabels) {
      Map<String, String> other = new TreeMap<>(hostLabels);
      other.putAll(f);
      firing.add(other);
    }
    return new Answer(alert, config.route(alert, at), config.inhibited(alert, firing));
  }

  private Result run(RoutingTest t) {
    var at = t.at() == null ? null : OffsetDateTime.parse(t.at()).toInstant();
    Answer answer = evaluate(fleet, config, t.host(), t.labels(), at, t.firing());
    Map<String, String> alert = answer.alert();
    List<AlertmanagerConfig.Delivery> deliveries = answer.deliveries();
    boolean inhibited = answer.inhibited();
    boolean muted = answer.muted();
    List<String> receivers = answer.receivers();
    String got = "receivers " + receivers + (inhibited ? ", inhibited" : "") + (muted && !inhibited ? ", muted" : "");

    List<String> problems = new ArrayList<>();
    JsonNode expect = t.expect();
    if (expect.has("receivers")) {
      List<String> want = new ArrayList<>();
      expect.get("receivers").forEach(r -> want.add(r.asText()));
      if (!want.equals(receivers)) problems.add("expected receivers " + want);
    }
    if (expect.has("inhibited") && expect.get("inhibited").asBoolean() != inhibited) {
      problems.add(expect.get("inhibited").asBoolean() ? "expected it inhibited" : "expected it not inhibited");
    }
    if (expect.has("muted") && expect.get("muted").asBoolean() != muted) {
      problems.add(expect.get("muted").asBoolean() ? "expected it muted" : "expected it not muted");
    }
    String amtoolNote = "";
    if (amtool != null) {
      List<String> routed = deliveries.stream().map(AlertmanagerConfig.Delivery::receiver).toList();
      String disagreement = crossCheck(alert, routed);
      if (disagreement != null) problems.add(disagreement);
      else amtoolNote = " [amtool agrees]";
    }
    return new Result(t, problems.isEmpty(), problems.isEmpty() ? got + amtoolNote
        : String.join("; ", problems) + ", got " + got);
  }

  /** amtool on the same labels must name the same receivers, in order (time and inhibition aside). */
  private String crossCheck(Map<String, String> alert, List<String> receivers) {
    List<String> cmd = new ArrayList<>(List.of(amtool, "config", "routes", "test", "--config.file=" + configFile,
        "--verify.receivers=" + String.join(",", receivers)));
    alert.forEach((k, v) -> cmd.add(k + "=\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "amtool timed out";
      }
      return p.exitValue() == 0 ? null : "amtool disagrees: " + output.replace('\n', ' ');
    } catch (IOException e) {
      return "amtool failed to run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
