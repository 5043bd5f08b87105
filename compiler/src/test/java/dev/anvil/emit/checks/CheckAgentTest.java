package dev.anvil.emit.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.TestSupport;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole check chain on this machine: a policy compiled by anvil into the Ansible inventory, the
 * host's list written by the emitted playbook's task (ansible-playbook, a local connection), the agent ({@code agent/anvil-check-agent}, needs python3) checking real things — mount points,
 * a temp directory, a listening and a closed local TCP port — and a fake sysfs/proc tree for
 * InfiniBand, NVMe and md RAID (test/agent, with stand-ins for nvme-cli and smartctl), its output
 * judged by {@code promtool check metrics}, and the emitted rules fed that output in
 * {@code promtool test rules}: every failing check fires its alert, nothing else does.
 */
class CheckAgentTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)(?:\\{(.*)})? (\\S+)$");
  static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  @TempDir static Path tmp;
  static ServerSocket listening;
  static int closedPort;
  static Path out;
  static Path prom;
  static Path checkList;
  static String promtool;
  static String notAMount;

  @BeforeAll
  static void compileAndRunTheAgent() throws Exception {
    promtool = TestSupport.tool("promtool", "prometheus");
    listening = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    notAMount = Files.createDirectories(tmp.resolve("not-a-mount")).toString();
    Path repo = writeRepo();
    out = tmp.resolve("out");
    var compiled = TestSupport.anvil("-C", repo.toString(), "compile", "--out", out.toString());
    assertEquals(0, compiled.exit(), compiled.err());

    Path textfiles = tmp.resolve("textfile");
    // the list the agent runs is the one the emitted playbook writes on the host
    var written = TestSupport.writeCheckListsWithAnsible(out.resolve("ansible"), tmp.resolve("etc-anvil"));
    assertEquals(0, written.exit(), written.output());
    checkList = tmp.resolve("etc-anvil/node-a.json");
    var r = TestSupport.runCheckAgent(checkList, textfiles, tmp.resolve("state/state.json"));
    assertEquals(0, r.exit(), r.output());
    prom = textfiles.resolve("anvil_checks.prom");
    assertTrue(Files.exists(prom), r.output());
  }

  @AfterAll
  static void close() throws Exception {
    if (listening != null) listening.close();
  }

  /** One host whose checks pass and fail on purpose, with the rules of the example fleet. */
  static Path writeRepo() throws Exception {
    Path repo = tmp.resolve("repo");
    TestSupport.copyFromRepo(repo, "rules/exporters.yaml", "rules/checks.yaml");
    TestSupport.writeFile(repo, "inventory/lab.yaml", TestSupport.LAB_GROUP + """
        apiVersion: anvil.dev/v1
        kind: Host
        name: node-a
        address: 127.0.0.1
        primary_group: infrastructure:lab
        """);
    String expires = LocalDate.now(ZoneOffset.UTC).plusDays(10).toString();
    TestSupport.writeFile(repo, "policies/lab.yaml", """
        apiVersion: anvil.dev/v1
        kind: Policy
        name: lab-checks
        group: infrastructure:lab
        checks:
          shm: {type: mount, paths: [/dev/shm], fstype: tmpfs, writable: true, timeout: 5s, max_latency: 5s}
          missing: {type: mount, paths: [%1$s], timeout: 2s}
          proc-as-nfs: {type: mount, paths: [/proc], fstype: nfs4}
          fast-fs: {type: parallel_fs, paths: [/dev/shm], max_latency: 5s}
          slow-fs: {type: parallel_fs, paths: [/dev/shm], max_latency: 0s}
          gone-fs: {type: parallel_fs, paths: [%1$s], max_latency: 5s}
          nvme: {type: nvme, interval: 1s}
          fabric: {type: infiniband, min_rate_gbps: 100}
          raid: {type: raid}
          hwraid: {type: raid, controller: storcli, tool: "%5$s"}
          disks: {type: smart, devices: [sda, sdb, sdz], interval: 1h}
          service: {type: tcp_port, target: "127.0.0.1:%2$d", timeout: 2s}
          closed: {type: tcp_port, target: "127.0.0.1:%3$d", timeout: 2s}
          licence: {type: licence_expiry, expires: "%4$s", warn_days: 30}
          probe-ok: {type: command, command: [/bin/sh, -c, "echo queue_depth 7; echo not a value; echo temp_c 41.5"], metrics: true}
          probe-fail: {type: command, command: [/bin/sh, -c, "echo broken >&2; exit 3"], expect_exit: [0, 1]}
          probe-allowed: {type: command, command: [/bin/sh, -c, "exit 1"], expect_exit: [0, 1]}
          probe-slow: {type: command, command: [/bin/sleep, "30"], timeout: 1s}
          probe-missing: {type: command, command: [/nonexistent/probe]}
          probe-uid: {type: command, command: [/bin/sh, -c, "echo uid $(id -u)"], metrics: true}
          io-ok: {type: io_bandwidth, paths: [%1$s], size_mib: 4, min_mbps: 1, timeout: 20s}
          io-slow: {type: io_bandwidth, paths: [%1$s], size_mib: 2, min_mbps: 1000000, timeout: 20s}
          io-gone: {type: io_bandwidth, paths: [%1$s/gone], size_mib: 1}
        """.formatted(notAMount, listening.getLocalPort(), closedPort, expires,
        TestSupport.testDir("agent/bin/storcli64")));
    return repo;
  }

  @Test
  void theCompiledCheckListCarriesEveryCheckWithItsDefaults() throws Exception {
    JsonNode list = JSON.readTree(checkList.toFile());
    assertEquals("node-a", list.get("host").asText());
    assertEquals(23, list.get("checks").size());
    JsonNode first = list.get("checks").get(0);
    assertEquals("closed", first.get("name").asText(), "sorted by name");
    assertEquals("1m", first.get("interval").asText(), "defaults are filled in");
  }

  @Test
  void theResultFileIsReplacedWholeAndSlowChecksWaitForTheirInterval() throws Exception {
    Path textfiles = prom.getParent();
    try (var files = Files.list(textfiles)) {
      assertEquals(List.of("anvil_checks.prom"), files.map(p -> p.getFileName().toString()).toList(),
          "no temporary file is left where node_exporter reads *.prom");
    }
    Map<String, String> before = lastRuns(samples());
    Thread.sleep(1100);
    Path again = tmp.resolve("second-run");
    var r = TestSupport.runCheckAgent(checkList, again, tmp.resolve("state/state.json"));
    assertEquals(0, r.exit(), r.output());
    Map<String, String> after = lastRuns(parse(again.resolve("anvil_checks.prom")));
    assertEquals(before.get("disks"), after.get("disks"), "the hourly SMART check reuses its results");
    assertTrue(!before.get("nvme").equals(after.get("nvme")), "a check whose interval has passed runs again");
    assertEquals(Files.readString(prom).lines().filter(l -> l.contains("check=\"disks\"")).toList(),
        Files.readString(again.resolve("anvil_checks.prom")).lines().filter(l -> l.contains("check=\"disks\"")).toList());
  }

  private static Map<String, String> lastRuns(List<Sample> samples) {
    Map<String, String> out = new TreeMap<>();
    for (Sample s : samples) {
      if (s.name.equals("anvil_check_last_run_timestamp_seconds")) out.put(s.labels.get("check"), s.value);
    }
    return out;
  }

  @Test
  void promtoolAcceptsTheMetrics() throws Exception {
    var r = TestSupport.exec(tmp, "sh", "-c", "'" + promtool + "' check metrics < '" + prom + "'");
    assertEquals(0, r.exit(), r.output());
    assertEquals("", r.output().strip(), "promtool lint findings");
  }

  @Test
  void eachItemPassesOrFailsForTheRightReason() throws Exception {
    Map<String, String> success = new TreeMap<>();
    Map<String, String> reasons = new TreeMap<>();
    for (Sample s : samples()) {
      String key = s.labels.get("check") + " " + s.labels.get("item");
      if (s.name.equals("anvil_check_success")) success.put(key, s.value);
      if (s.name.equals("anvil_check_failure")) reasons.put(key, s.labels.get("reason"));
    }
    Map<String, String> expected = new TreeMap<>(Map.ofEntries(
        Map.entry("shm /dev/shm", "1"), Map.entry("missing " + notAMount, "0"), Map.entry("proc-as-nfs /proc", "0"),
        Map.entry("fast-fs /dev/shm", "1"), Map.entry("slow-fs /dev/shm", "0"), Map.entry("gone-fs " + notAMount, "0"),
        Map.entry("nvme nvme0", "1"), Map.entry("nvme nvme1", "0"),
        Map.entry("fabric mlx5_0:1", "1"), Map.entry("fabric mlx5_1:1", "0"),
        Map.entry("raid md0", "1"), Map.entry("raid md1", "0"), Map.entry("disks sda", "1"), Map.entry("disks sdb", "0"),
        Map.entry("hwraid c0", "0"), Map.entry("hwraid c0/v0", "1"), Map.entry("hwraid c0/v1", "0"),
        Map.entry("service 127.0.0.1:" + listening.getLocalPort(), "1"), Map.entry("closed 127.0.0.1:" + closedPort, "0"),
        Map.entry("licence licence", "1"), Map.entry("probe-ok /bin/sh", "1"), Map.entry("probe-fail /bin/sh", "0"),
        Map.entry("probe-allowed /bin/sh", "1"), Map.entry("probe-slow /bin/sleep", "0"), Map.entry("probe-uid /bin/sh", "1"),
        Map.entry("io-ok " + notAMount, "1"), Map.entry("io-slow " + notAMount, "0"),
        Map.entry("io-gone " + notAMount + "/gone", "0")));
    assertEquals(expected, success);
    assertEquals(new TreeMap<>(Map.ofEntries(
        Map.entry("missing " + notAMount, "not_mounted"), Map.entry("proc-as-nfs /proc", "wrong_fstype"),
        Map.entry("slow-fs /dev/shm", "slow"), Map.entry("gone-fs " + notAMount, "not_mounted"),
        Map.entry("nvme nvme1", "state_dead"), Map.entry("fabric mlx5_1:1", "not_active"),
        Map.entry("raid md1", "degraded"), Map.entry("disks sdb", "smart_failed"),
        Map.entry("hwraid c0", "needs_attention"), Map.entry("hwraid c0/v1", "degraded"),
        Map.entry("closed 127.0.0.1:" + closedPort, "refused"), Map.entry("probe-fail /bin/sh", "exit_3"),
        Map.entry("probe-slow /bin/sleep", "timeout"), Map.entry("io-slow " + notAMount, "slow"),
        Map.entry("io-gone " + notAMount + "/gone", "missing"))), reasons);
    // a hardware RAID volume rebuilding one of its two drives: one member online
    assertTrue(samples().stream().anyMatch(s -> s.name.equals("anvil_raid_disks_active") && s.labels.get("item").equals("c0/v1")
        && s.value.equals("1")), "c0/v1 has one drive online");
    assertTrue(samples().stream().anyMatch(s -> s.name.equals("anvil_check_error") && s.labels.get("item").equals("sdz")),
        "a device smartctl cannot open is an error, not a failed disk");
    assertTrue(samples().stream().anyMatch(s -> s.name.equals("anvil_check_error")
        && s.labels.get("check").equals("probe-missing")), "a program that is not there is an error, not a failure");
  }

  /** A command check's values, and who it ran as: never root unless the check says as_root. */
  @Test
  void aCommandCheckPublishesItsValuesAndNeverRunsAsRoot() throws Exception {
    Map<String, String> values = new TreeMap<>();
    for (Sample s : samples()) {
      if (s.name.equals("anvil_command_value")) values.put(s.labels.get("check") + " " + s.labels.get("name"), s.value);
    }
    String uid = TestSupport.exec(tmp, "id", "-u").output().strip();
    // run as root, the agent runs commands as nobody (65534 on Debian); otherwise as itself
    String expectedUid = uid.equals("0") ? "65534" : uid;
    assertEquals(Map.of("probe-ok queue_depth", "7", "probe-ok temp_c", "41.5", "probe-uid uid", expectedUid), values,
        "lines that are not 'name value' are ignored");
    double slow = samples().stream().filter(s -> s.name.equals("anvil_check_duration_seconds")
        && s.labels.get("check").equals("probe-slow")).findFirst().orElseThrow().number();
    assertTrue(slow >= 1 && slow < 5, "killed at its 1s timeout, not after 30s: " + slow);
  }

  /** The I/O probe writes and reads its bounded file, measures both directions, and leaves nothing behind. */
  @Test
  void theIoProbeMeasuresBothDirectionsAndCleansUp() throws Exception {
    Map<String, Double> rates = new TreeMap<>();
    for (Sample s : samples()) {
      if (s.name.equals("anvil_io_bandwidth_bytes_per_second") && s.labels.get("check").equals("io-ok")) {
        rates.put(s.labels.get("direction"), s.number());
      }
    }
    assertEquals(java.util.Set.of("read", "write"), rates.keySet());
    assertTrue(rates.values().stream().allMatch(r -> r > 1e6), "at least the 1 MB/s it requires: " + rates);
    try (var left = Files.list(Path.of(notAMount))) {
      assertEquals(List.of(), left.toList(), "the test files are removed");
    }
  }

  @Test
  void everyFailingCheckFiresItsEmittedAlert() throws Exception {
    Map<String, String> target = targetLabels();
    List<Sample> samples = samples();
    double agentNow = samples.stream().filter(s -> s.name.equals("anvil_check_agent_last_run_timestamp_seconds"))
        .findFirst().orElseThrow().number();
    int evalSeconds = 20 * 60;
    List<Object> series = new ArrayList<>();
    Map<String, Double> durations = new TreeMap<>();
    double licenceLeft = 0;
    for (Sample s : samples) {
      double v = s.number();
      // promtool's clock starts at 0: keep the time a licence has left, as seen when the agent ran
      if (s.name.equals("anvil_licence_expiry_timestamp_seconds")) {
        licenceLeft = v - agentNow;
        v = evalSeconds + licenceLeft;
      }
      if (s.name.equals("anvil_check_duration_seconds")) durations.put(s.labels.get("check"), v);
      Map<String, String> labels = new TreeMap<>(s.labels);
      labels.putAll(target);
      series.add(Map.of("series", s.name + selector(labels), "values", BigDecimal.valueOf(v).toPlainString() + "x30"));
    }

    List<Object> cases = new ArrayList<>();
    String mountDesc = "Check %s fails for %s (%s).";
    cases.add(alertCase("MountFailed",
        alert(target, "missing", "mount", notAMount, "mount_failed", "critical",
            "Mount " + notAMount + " failed on node-a", String.format(mountDesc, "missing", notAMount, "not_mounted")),
        alert(target, "proc-as-nfs", "mount", "/proc", "mount_failed", "critical",
            "Mount /proc failed on node-a", String.format(mountDesc, "proc-as-nfs", "/proc", "wrong_fstype"))));
    cases.add(alertCase("ParallelFsLatencyHigh",
        alert(target, "slow-fs", "parallel_fs", "/dev/shm", "parallel_fs_latency_high", "warning",
            "/dev/shm on node-a answers in " + humanizeDuration(durations.get("slow-fs")), null)));
    cases.add(alertCase("ParallelFsUnavailable",
        alert(target, "gone-fs", "parallel_fs", notAMount, "parallel_fs_unavailable", "critical",
            "Parallel filesystem " + notAMount + " is unavailable on node-a", null)));
    cases.add(alertCase("NVMeUnhealthy",
        alert(target, "nvme", "nvme", "nvme1", "nvme_unhealthy", "critical", "NVMe nvme1 on node-a is unhealthy", null)));
    cases.add(alertCase("InfinibandLinkDown",
        alert(target, "fabric", "infiniband", "mlx5_1:1", "infiniband_link_down", "critical",
            "Fabric port mlx5_1:1 on node-a is down or degraded", null)));
    cases.add(alertCase("RaidDegraded",
        alert(target, "hwraid", "raid", "c0", "raid_degraded", "critical", "RAID c0 on node-a is degraded or inactive", null),
        alert(target, "hwraid", "raid", "c0/v1", "raid_degraded", "critical", "RAID c0/v1 on node-a is degraded or inactive", null),
        alert(target, "raid", "raid", "md1", "raid_degraded", "critical", "RAID md1 on node-a is degraded or inactive", null)));
    cases.add(alertCase("SmartHealthFailing",
        alert(target, "disks", "smart", "sdb", "smart_failing", "warning",
            "Disk sdb on node-a fails its SMART health check", null)));
    cases.add(alertCase("TcpPortUnreachable",
        alert(target, "closed", "tcp_port", "127.0.0.1:" + closedPort, "tcp_port_unreachable", "warning",
            "node-a cannot reach 127.0.0.1:" + closedPort, null)));
    cases.add(alertCase("LicenceExpiring",
        alert(target, "licence", "licence_expiry", "licence", "licence_expiring", "warning",
            "Licence licence on node-a expires in " + humanizeDuration(licenceLeft), null)));
    cases.add(alertCase("CheckCannotRun",
        alert(target, "disks", "smart", "sdz", "check_error", "warning",
            "Check disks cannot run for sdz on node-a", null),
        alert(target, "probe-missing", "command", "/nonexistent/probe", "check_error", "warning",
            "Check probe-missing cannot run for /nonexistent/probe on node-a", null)));
    cases.add(alertCase("IOBandwidthLow",
        alert(target, "io-gone", "io_bandwidth", notAMount + "/gone", "io_bandwidth_low", "warning",
            "I/O to " + notAMount + "/gone on node-a is below its bound or fails", "missing"),
        alert(target, "io-slow", "io_bandwidth", notAMount, "io_bandwidth_low", "warning",
            "I/O to " + notAMount + " on node-a is below its bound or fails", "slow")));
    cases.add(alertCase("CommandCheckFailed",
        alert(target, "probe-fail", "command", "/bin/sh", "command_failed", "warning",
            "Check probe-fail (/bin/sh) fails on node-a", "exit_3"),
        alert(target, "probe-slow", "command", "/bin/sleep", "command_failed", "warning",
            "Check probe-slow (/bin/sleep) fails on node-a", "timeout")));
    // constant counters: no new NVMe errors; the agent just ran: its results are fresh
    cases.add(alertCase("NVMeErrors"));
    cases.add(alertCase("CheckResultsStale"));

    var r = promtoolTest("checks-test.yml", series, cases);
    assertEquals(0, r.exit(), r.output());
  }

  /** promtool test rules on the compiled checks.yml: one test of {@code series} and alert {@code cases}. */
  private static TestSupport.ToolResult promtoolTest(String name, List<Object> series, List<Object> cases) throws Exception {
    Map<String, Object> test = new TreeMap<>();
    test.put("interval", "1m");
    test.put("input_series", series);
    test.put("alert_rule_test", cases);
    Map<String, Object> file = new TreeMap<>();
    file.put("rule_files", List.of(out.resolve("prometheus/rules/checks.yml").toString()));
    file.put("evaluation_interval", "1m");
    file.put("tests", List.of(test));
    Path testFile = tmp.resolve(name);
    YAML.writeValue(testFile.toFile(), file);
    return TestSupport.exec(tmp, promtool, "test", "rules", testFile.toString());
  }

  /**
   * Every shipped check rule, evaluated on the agent's real output with every counter growing (so
   * increase() and rate() return a series per label combination): no rule may fail to evaluate.
   * Prometheus refuses a result whose series collide once the rule's own labels (severity, class)
   * are applied; promtool reports that as "err:", which this test forbids. The NVMe PCIe counters
   * once carried a 'severity' label of their own and failed exactly so.
   */
  @Test
  void everyCheckRuleEvaluatesOnEveryLabelCombinationTheAgentEmits() throws Exception {
    Map<String, String> target = targetLabels();
    List<Object> series = new ArrayList<>();
    for (Sample s : samples()) {
      Map<String, String> labels = new TreeMap<>(s.labels);
      labels.putAll(target);
      String start = BigDecimal.valueOf(s.number()).toPlainString();
      series.add(Map.of("series", s.name + selector(labels), "values", s.name.endsWith("_total") ? start + "+1x60" : start + "x60"));
    }
    assertTrue(samples().stream().filter(s -> s.name.equals("anvil_nvme_pcie_errors_total")).count() >= 3,
        "the fixtures' controllers report PCIe errors of every AER severity");
    List<Object> cases = new ArrayList<>();
    List<String> alertnames = new ArrayList<>();
    for (JsonNode group : YAML.readTree(out.resolve("prometheus/rules/checks.yml").toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert") && !alertnames.contains(rule.get("alert").asText())) alertnames.add(rule.get("alert").asText());
      }
    }
    for (String name : alertnames) cases.add(Map.of("eval_time", "30m", "alertname", name, "exp_alerts", List.of()));
    var r = promtoolTest("checks-eval.yml", series, cases);
    // no alert is expected, so firing ones are reported: those are fine; an evaluation error is not
    List<String> errors = r.output().lines().filter(l -> l.contains(" err: ")).toList();
    assertEquals(List.of(), errors, r.output());
    assertTrue(alertnames.size() >= 10, alertnames.toString());
    assertTrue(r.output().contains("alertname: NVMeErrors"), "growing PCIe errors fire NVMeErrors:\n" + r.output());
  }

  private static Map<String, Object> alertCase(String alertname, Object... alerts) {
    return Map.of("eval_time", "20m", "alertname", alertname, "exp_alerts", List.of(alerts));
  }

  private static Map<String, Object> alert(Map<String, String> target, String check, String type, String item,
      String rule, String severity, String summary, String description) throws Exception {
    Map<String, String> labels = new TreeMap<>(target);
    labels.put("check", check);
    labels.put("check_type", type);
    labels.put("item", item);
    labels.put("severity", severity);
    labels.put("anvil_" + rule, TestSupport.ruleParams(out.resolve("prometheus/rules/checks.yml"), rule, target.get("anvil_class")));
    Map<String, String> annotations = new TreeMap<>();
    annotations.put("summary", summary);
    if (description != null) annotations.put("description", description);
    return Map.of("exp_labels", labels, "exp_annotations", annotations);
  }

  /** The labels Prometheus gives node-a's node_exporter target: file_sd labels plus job. */
  private static Map<String, String> targetLabels() throws Exception {
    for (JsonNode g : JSON.readTree(out.resolve("prometheus/targets/node.json").toFile())) {
      if ("node-a".equals(g.path("labels").path("instance").asText())) {
        Map<String, String> labels = new TreeMap<>();
        g.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        labels.put("job", "node");
        return labels;
      }
    }
    throw new AssertionError("node-a is not a node target");
  }

  record Sample(String name, Map<String, String> labels, String value) {
    double number() {
      return Double.parseDouble(value);
    }
  }

  static List<Sample> samples() throws Exception {
    return parse(prom);
  }

  static List<Sample> parse(Path file) throws Exception {
    List<Sample> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("#")) continue;
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), line);
      Map<String, String> labels = new TreeMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
      }
      out.add(new Sample(m.group(1), labels, m.group(3)));
    }
    return out;
  }

  static String selector(Map<String, String> labels) {
    StringBuilder sb = new StringBuilder("{");
    labels.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(k).append("=\"")
        .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
    return sb.append('}').toString();
  }

  /** Prometheus's humanizeDuration template function. */
  static String humanizeDuration(double v) {
    if (v >= 1) {
      long s = (long) v;
      long days = s / 86400, hours = s / 3600 % 24, minutes = s / 60 % 60, seconds = s % 60;
      if (days != 0) return days + "d " + hours + "h " + minutes + "m " + seconds + "s";
      if (hours != 0) return hours + "h " + minutes + "m " + seconds + "s";
      if (minutes != 0) return minutes + "m " + seconds + "s";
      return g4(v) + "s";
    }
    if (v == 0) return "0s";
    String prefix = "";
    for (String p : List.of("m", "u", "n", "p")) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
    return g4(v) + prefix + "s";
  }

  /** Go's %.4g for values in [1, 1000). */
  private static String g4(double v) {
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
