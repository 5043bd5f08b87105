package dev.anvil.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.anvil.Compiler;
import dev.anvil.Compiler.Compilation;
import dev.anvil.diag.Diagnostic;
import dev.anvil.load.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Priority order, child over parent, merge and override, equal-rank conflicts and provenance. */
class ResolutionTest {
  static final String RULES = """
      apiVersion: anvil.dev/v1
      kind: Exporter
      name: node_exporter
      job: node
      port: 9100
      ---
      apiVersion: anvil.dev/v1
      kind: AlertRule
      name: cpu_high
      exporter: node_exporter
      defaults: {threshold: 80, for: 5m, severity: warning}
      rule: |
        alert: HighCPU
        expr: cpu{[[selector]]} > [[threshold]]
        for: [[for]]
      """;

  static final String GROUPS = """
      apiVersion: anvil.dev/v1
      kind: Group
      name: infrastructure:dc/rack
      ---
      apiVersion: anvil.dev/v1
      kind: Group
      name: logical:train/workers
      ---
      apiVersion: anvil.dev/v1
      kind: Group
      name: logical:serve
      ---
      apiVersion: anvil.dev/v1
      kind: Group
      name: environment:prod
      """;

  static String host(String name, String... groups) {
    return "apiVersion: anvil.dev/v1\nkind: Host\nname: " + name + "\naddress: 10.0.0.1\n"
        + "primary_group: infrastructure:dc/rack\ngroups: [" + String.join(", ", groups) + "]\n";
  }

  static String policy(String target, String body) {
    String key = target.startsWith("host:") ? "host: " + target.substring(5) : "group: " + target;
    return "apiVersion: anvil.dev/v1\nkind: Policy\n" + key + "\n" + body + "\n";
  }

  /** Compiles the standard rules and groups plus the given documents (one file each). */
  static Compilation compile(String... docs) {
    List<SourceFile> files = new ArrayList<>();
    files.add(new SourceFile("rules/system.yaml", RULES));
    files.add(new SourceFile("inventory/groups.yaml", GROUPS));
    for (int i = 0; i < docs.length; i++) files.add(new SourceFile("policies/p" + i + ".yaml", docs[i]));
    return Compiler.compile(files);
  }

  static String value(Compilation c, String host, String key) {
    assertTrue(c.ok(), () -> errors(c));
    return c.fleet().host(host).provenance().get(key).value().asText();
  }

  static String errors(Compilation c) {
    return c.diagnostics().all().stream().map(d -> d.position() + ": " + d.message()).collect(Collectors.joining("\n"));
  }

  @Test
  void environmentBeatsLogicalBeatsInfrastructureBeatsDefault() {
    String h = host("h1", "logical:train/workers", "environment:prod");
    assertEquals("80", value(compile(h), "h1", "alerts.cpu_high.threshold"));
    String infra = policy("infrastructure:dc", "alerts: {cpu_high: {threshold: 90}}");
    assertEquals("90", value(compile(h, infra), "h1", "alerts.cpu_high.threshold"));
    String logical = policy("logical:train", "alerts: {cpu_high: {threshold: 95}}");
    assertEquals("95", value(compile(h, infra, logical), "h1", "alerts.cpu_high.threshold"));
    String env = policy("environment:prod", "alerts: {cpu_high: {threshold: 70}}");
    assertEquals("70", value(compile(h, infra, logical, env), "h1", "alerts.cpu_high.threshold"));
  }

  @Test
  void hostOverrideBeatsEveryGroup() {
    Compilation c = compile(host("h1", "environment:prod"),
        policy("environment:prod", "alerts: {cpu_high: {threshold: 70}}"),
        policy("host:h1", "alerts: {cpu_high: {threshold: 99}}"));
    assertEquals("99", value(c, "h1", "alerts.cpu_high.threshold"));
  }

  @Test
  void hostsWithTheSameMembershipsShareTheirSectionsAndAHostsOwnValuesStayItsOwn() {
    Compilation c = compile(host("h1", "environment:prod") + "---\n" + host("h2", "environment:prod") + "---\n"
        + host("h3", "environment:prod"),
        policy("environment:prod", "alerts: {cpu_high: {threshold: 70}}\nlabels: {team: ml}"),
        policy("host:h3", "alerts: {cpu_high: {threshold: 99}}"));
    assertEquals("70", value(c, "h1", "alerts.cpu_high.threshold"));
    assertEquals("99", value(c, "h3", "alerts.cpu_high.threshold"));
    assertEquals("70", value(c, "h2", "alerts.cpu_high.threshold"), "h3's own value is not shared with h2");
    var h1 = c.fleet().host("h1").sections();
    var h3 = c.fleet().host("h3").sections();
    assertTrue(h1 == c.fleet().host("h2").sections(), "one resolution for the same memberships");
    assertFalse(h1 == h3);
    assertTrue(h1.get(Resolver.LABELS) == h3.get(Resolver.LABELS), "h3 shares the sections it sets nothing in");
    assertEquals("ml", h3.get(Resolver.LABELS).get("team").asText());
  }

  @Test
  void sectionsWithTheSameEntriesShareTheirNamesAndNoResolvedValueCanBeChanged() {
    Compilation c = compile(host("h1", "environment:prod") + "---\n" + host("h2"),
        policy("environment:prod", "alerts: {cpu_high: {threshold: 70}}"),
        policy("infrastructure:dc", "alerts: {cpu_high: {threshold: 80}}"));
    assertTrue(c.ok(), () -> errors(c));
    ResolvedSection a = c.fleet().host("h1").sections().get(Resolver.ALERTS);
    ResolvedSection b = c.fleet().host("h2").sections().get(Resolver.ALERTS);
    assertFalse(a == b, "different contributions, different sections");
    assertEquals("70", a.get("cpu_high").get("threshold").asText());
    assertEquals("80", b.get("cpu_high").get("threshold").asText());
    // the same entry names, in the same (sorted) order, held once for both
    List<String> names = new ArrayList<>();
    a.values().fieldNames().forEachRemaining(names::add);
    List<String> sorted = new ArrayList<>(names);
    java.util.Collections.sort(sorted);
    assertEquals(sorted, names);
    List<String> namesOfB = new ArrayList<>();
    b.values().fieldNames().forEachRemaining(namesOfB::add);
    assertEquals(names, namesOfB);
    assertEquals(names.size(), a.values().size());
    assertTrue(a.entry("cpu_high") != null && a.entry("no_such_alert") == null);
    assertTrue(a.values().equals(a.values().deepCopy()), "equal to a plain copy");
    // shared by every host with these memberships: a change through one host would reach the others
    org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
        () -> a.values().put("cpu_high", 1));
    org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
        () -> c.fleet().host("h1").sections().put(Resolver.ALERTS, b));
  }

  @Test
  void childGroupBeatsItsAncestors() {
    Compilation c = compile(host("h1", "logical:train/workers"),
        policy("infrastructure:dc/rack", "alerts: {cpu_high: {threshold: 60}}"),
        policy("infrastructure:dc", "alerts: {cpu_high: {threshold: 75}}"),
        policy("logical:train", "alerts: {cpu_high: {for: 1m, merge: merge}}"),
        policy("logical:train/workers", "alerts: {cpu_high: {for: 2m, merge: merge}}"));
    assertEquals("60", value(c, "h1", "alerts.cpu_high.threshold"));
    assertEquals("2m", value(c, "h1", "alerts.cpu_high.for"));
  }

  @Test
  void overrideReplacesTheEntryAndDefaultsFillTheRest() {
    String infra = policy("infrastructure:dc", "alerts: {cpu_high: {threshold: 90, for: 10m}}");
    Compilation override = compile(host("h1", "environment:prod"), infra,
        policy("environment:prod", "merge: override\nalerts: {cpu_high: {threshold: 70}}"));
    assertEquals("70", value(override, "h1", "alerts.cpu_high.threshold"));
    assertEquals("5m", value(override, "h1", "alerts.cpu_high.for"), "override drops infrastructure's 'for'");

    Compilation merge = compile(host("h1", "environment:prod"), infra,
        policy("environment:prod", "alerts: {cpu_high: {threshold: 70, merge: merge}}"));
    assertEquals("70", value(merge, "h1", "alerts.cpu_high.threshold"));
    assertEquals("10m", value(merge, "h1", "alerts.cpu_high.for"), "merge keeps infrastructure's 'for'");
  }

  @Test
  void mergeUnionsListsAndOverrideReplacesThem() {
    String infra = policy("infrastructure:dc", "checks: {mounts: {type: mount, paths: [/home]}, nvme: {type: nvme}}");
    Compilation merged = compile(host("h1", "logical:train/workers"), infra,
        policy("logical:train", "merge: merge\nchecks: {mounts: {type: mount, paths: [/lustre]}}"));
    assertTrue(merged.ok(), () -> errors(merged));
    var checks = merged.fleet().host("h1").section(Resolver.CHECKS);
    assertEquals("[\"/home\",\"/lustre\"]", checks.get("mounts").get("paths").toString());
    assertTrue(checks.has("nvme"), "entries of other names accumulate whatever the strategy");
    Provenance paths = merged.fleet().host("h1").provenance().get("checks.mounts.paths");
    assertTrue(paths.shadowed().get(0).merged(), "the weaker list is reported as merged, not beaten");

    Compilation replaced = compile(host("h1", "logical:train/workers"), infra,
        policy("logical:train", "checks: {mounts: {type: mount, paths: [/lustre]}}"));
    var checks2 = replaced.fleet().host("h1").section(Resolver.CHECKS);
    assertEquals("[\"/lustre\"]", checks2.get("mounts").get("paths").toString());
    assertFalse(replaced.fleet().host("h1").provenance().get("checks.mounts.paths").shadowed().get(0).merged());
  }

  @Test
  void equalRankSourcesThatDisagreeAreAnErrorNamingBothPositions() {
    Compilation c = compile(host("h1", "logical:train/workers", "logical:serve"),
        policy("logical:train", "alerts: {cpu_high: {threshold: 95}}"),
        policy("logical:serve", "alerts: {cpu_high: {threshold: 85}}"));
    assertFalse(c.ok());
    List<Diagnostic> ds = c.diagnostics().all();
    assertEquals(1, ds.size(), errors(c));
    Diagnostic d = ds.get(0);
    assertEquals("policies/p2.yaml:4:32", d.position().toString());
    assertTrue(d.message().contains("'alerts.cpu_high.threshold'") && d.message().contains("95")
        && d.message().contains("85") && d.message().contains("on host h1"), d.message());
    assertEquals("policies/p1.yaml:4:32", d.notes().get(0).position().toString());
  }

  @Test
  void equalRankSourcesThatAgreeAreFine() {
    Compilation c = compile(host("h1", "logical:train/workers", "logical:serve"),
        policy("logical:train", "alerts: {cpu_high: {threshold: 95}}"),
        policy("logical:serve", "alerts: {cpu_high: {threshold: 95}}"));
    assertEquals("95", value(c, "h1", "alerts.cpu_high.threshold"));
  }

  @Test
  void aStrongerSourceSettlesAnEqualRankConflict() {
    Compilation c = compile(host("h1", "logical:train/workers", "logical:serve"),
        policy("logical:train", "labels: {team: ml}"),
        policy("logical:serve", "labels: {team: platform}"),
        policy("host:h1", "labels: {team: ml}"));
    assertEquals("ml", value(c, "h1", "labels.team"));
  }

  @Test
  void provenanceRecordsTheWinnerAndEveryShadowedValueStrongestFirst() {
    Compilation c = compile(host("h1", "logical:train/workers", "environment:prod"),
        policy("infrastructure:dc", "alerts: {cpu_high: {threshold: 90}}"),
        policy("logical:train", "merge: merge\nalerts: {cpu_high: {threshold: 95}}"),
        policy("environment:prod", "alerts: {cpu_high: {threshold: 70}}"));
    Provenance p = c.fleet().host("h1").provenance().get("alerts.cpu_high.threshold");
    assertEquals("70", p.value().asText());
    assertEquals("environment:prod", p.from().source().label());
    assertEquals("policies/p3.yaml:4:32", p.from().positionOf("threshold").toString());
    assertEquals(List.of("95 logical:train merge", "90 infrastructure:dc override", "80 default merge"),
        p.shadowed().stream().map(s -> s.value().asText() + " "
            + (s.from().source().kind() == Source.Kind.DEFAULT ? "default" : s.from().source().label()) + " "
            + s.from().strategy().label()).toList());
    assertEquals("rules/system.yaml:11:23", p.shadowed().get(2).from().positionOf("threshold").toString());
  }

  @Test
  void selectorGroupsAndCustomNamespacesRankByPriority() {
    String hw = """
        apiVersion: anvil.dev/v1
        kind: Namespace
        name: hardware
        priority: 75
        ---
        apiVersion: anvil.dev/v1
        kind: Group
        name: hardware:nvidia
        select: {accelerator_vendors: [nvidia]}
        """;
    String gpuHost = host("gpu", "logical:serve")
        + "hardware:\n  accelerators: [{vendor: nvidia, model: A100, count: 8}]\n";
    Compilation c = compile(hw, gpuHost, host("cpu", "logical:serve"),
        policy("hardware:nvidia", "alerts: {cpu_high: {threshold: 60}}"),
        policy("infrastructure:dc", "alerts: {cpu_high: {threshold: 90}}"));
    assertEquals("60", value(c, "gpu", "alerts.cpu_high.threshold"), "hardware (75) beats infrastructure (100)");
    assertEquals("90", value(c, "cpu", "alerts.cpu_high.threshold"), "a host without NVIDIA is not selected");
    assertTrue(c.fleet().host("gpu").memberships().toString().contains("hardware:nvidia"));
  }
}
