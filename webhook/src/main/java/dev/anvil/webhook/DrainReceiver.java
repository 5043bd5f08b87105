package dev.anvil.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The remediation receiver (docs/remediation.md): Alertmanager posts alerts that a policy marks
 * {@code remediate: drain}; for each firing one whose name is on the service's allow-list, the
 * alert's host is drained in Slurm, unless that would pass the hourly limits. Resuming a node stays
 * a human decision.
 *
 * <p>The audit log is the durable state: a line is written and synced before scontrol runs and
 * after it answers, and the hourly limits are counted from it, so a restart neither forgets nor
 * repeats a drain.
 */
final class DrainReceiver {
  /** A Slurm node name as Anvil writes host names: no hostlist expression, no spaces, no options. */
  private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WINDOW = Duration.ofHours(1);
  /** Outcomes, each a metric label value from the start. */
  static final List<String> OUTCOMES = List.of("drained", "already_drained", "not_allowed", "not_marked",
      "rate_limited", "unknown_node", "failed");

  private final ServiceConfig.Remediation config;
  private final Scontrol scontrol;
  private final Metrics metrics;
  private final Clock clock;
  /** Drains started within the window (intent recorded), oldest first: time and the node's partitions. */
  private final List<Drain> recent = new ArrayList<>();

  private record Drain(Instant at, List<String> partitions) {}

  /** One alert's verdict: what was done to which node, and why. */
  record Decision(String alert, String node, String outcome, String detail) {}

  DrainReceiver(ServiceConfig.Remediation config, Scontrol scontrol, Metrics metrics, Clock clock) throws IOException {
    this.config = config;
    this.scontrol = scontrol;
    this.metrics = metrics;
    this.clock = clock;
    Files.createDirectories(config.auditLog().toAbsolutePath().getParent());
    reload();
  }

  /** Re-reads the drains of the last hour from the audit log (a crash between intent and outcome counts as a drain). */
  private void reload() throws IOException {
    if (!Files.exists(config.auditLog())) return;
    Instant since = clock.instant().minus(WINDOW);
    for (String line : Files.readAllLines(config.auditLog(), StandardCharsets.UTF_8)) {
      JsonNode entry;
      try {
        entry = JSON.readTree(line);
      } catch (IOException e) {
        continue;  // a line torn by a crash: its intent never reached scontrol's log either
      }
      if (entry == null || !"draining".equals(entry.path("outcome").asText())) continue;
      Instant at = Instant.parse(entry.path("ts").asText(Instant.EPOCH.toString()));
      if (at.isBefore(since)) continue;
      List<String> partitions = new ArrayList<>();
      entry.path("partitions").forEach(p -> partitions.add(p.asText()));
      recent.add(new Drain(at, List.copyOf(partitions)));
    }
  }

  /** Handles one Alertmanager webhook payload; one decision per firing alert. Serialised: limits hold under bursts. */
  synchronized List<Decision> handle(JsonNode payload) throws IOException {
    List<Decision> out = new ArrayList<>();
    for (JsonNode alert : payload.path("alerts")) {
      if (!"firing".equals(alert.path("status").asText())) continue;  // resolving does not resume: a human does
      Decision d = decide(alert);
      metrics.remediations.labelValues(d.outcome()).inc();
      out.add(d);
    }
    return out;
  }

  private Decision decide(JsonNode alert) throws IOException {
    JsonNode labels = alert.path("labels");
    String name = labels.path("alertname").asText("");
    String node = labels.path("instance").asText("");
    if (!"drain".equals(labels.path("remediate").asText())) {
      return audit(name, node, "not_marked", "the alert is not marked remediate=drain", List.of());
    }
    if (!config.allow().contains(name)) {
      return audit(name, node, "not_allowed", "not on remediation.allow in the service's configuration", List.of());
    }
    if (!NODE.matcher(node).matches()) {
      return audit(name, node, "unknown_node", "the instance label is not a node name", List.of());
    }
    Scontrol.Node state;
    try {
      state = scontrol.node(node);
    } catch (Scontrol.Failure e) {
      return audit(name, node, e.unknownNode() ? "unknown_node" : "failed", e.getMessage(), List.of());
    }
    if (state.draining()) {
      return audit(name, node, "already_drained", "state " + state.state(), state.partitions());
    }
    String limit = overLimit(state.partitions());
    if (limit != null) return audit(name, node, "rate_limited", limit, state.partitions());

    String reason = reason(name, alert.path("annotations").path("summary").asText(""));
    audit(name, node, "draining", reason, state.partitions());
    recent.add(new Drain(clock.instant(), state.partitions()));
    try {
      scontrol.drain(node, reason);
    } catch (Scontrol.Failure e) {
      return audit(name, node, "failed", e.getMessage(), state.partitions());
    }
    return audit(name, node, "drained", reason, state.partitions());
  }

  /** Why another drain now would pass a limit, or null. */
  private String overLimit(List<String> partitions) {
    Instant since = clock.instant().minus(WINDOW);
    recent.removeIf(d -> d.at().isBefore(since));
    if (recent.size() >= config.maxNodesPerHour()) {
      return recent.size() + " nodes drained in the last hour (max_nodes_per_hour: " + config.maxNodesPerHour() + ")";
    }
    for (String p : partitions) {
      long drained = recent.stream().filter(d -> d.partitions().contains(p)).count();
      int total;
      try {
        total = scontrol.partitionNodes(p);
      } catch (Scontrol.Failure e) {
        return "cannot read partition " + p + ": " + e.getMessage();
      }
      // strict: draining one more must keep the partition's drained share at or under the limit
      if ((drained + 1) * 100 > (long) config.maxPartitionPercent() * total) {
        return "draining it would take " + (drained + 1) + " of partition " + p + "'s " + total + " nodes within an hour"
            + " (max_partition_percent: " + config.maxPartitionPercent() + ")";
      }
    }
    return null;
  }

  /** The drain reason Slurm shows: the alert and its summary, printable and short. */
  static String reason(String alert, String summary) {
    String text = "anvil: " + alert + (summary.isBlank() ? "" : ": " + summary);
    StringBuilder sb = new StringBuilder();
    text.codePoints().forEach(c -> sb.appendCodePoint(c >= 0x20 && c < 0x7f && c != '"' && c != '\'' ? c : '_'));
    return sb.length() > 120 ? sb.substring(0, 117) + "..." : sb.toString();
  }

  /** Appends one line to the audit log and syncs it before anything else happens. */
  private Decision audit(String alert, String node, String outcome, String detail, List<String> partitions)
      throws IOException {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("ts", clock.instant().toString());
    line.put("alert", alert);
    line.put("node", node);
    line.put("outcome", outcome);
    line.put("detail", detail);
    line.put("partitions", partitions);
    byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(config.auditLog(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    Log.info("remediation", line);
    return new Decision(alert, node, outcome, detail);
  }
}
