package dev.anvil.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anvil.validate.ReferenceChecker;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code anvil import prometheus}: a prometheus.yml's scrape jobs (static and file_sd targets with
 * their labels) as Anvil input for a person to review — each target's host a Host, each job an
 * Exporter that Anvil scrapes but does not install ({@code managed: false}), each host's ports in a
 * Policy. A label named after a namespace (environment, logical, infrastructure) becomes the host's
 * group in it, so the compiled target carries it again; other labels become host labels. What
 * cannot be carried over is said in the files' comments, never dropped silently.
 */
public final class PrometheusImport {
  private static final Pattern GROUP_PATH = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");
  private static final Pattern JOB = Pattern.compile("[a-z][a-z0-9_-]*");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One scraped target: the job, host and port, and its labels. */
  record Target(String job, String host, int port, Map<String, String> labels) {}

  private PrometheusImport() {}

  /** The input files for the fleet {@code config} (a prometheus.yml) scrapes: path → YAML. */
  public static Map<String, String> of(Path config) throws IOException {
    JsonNode root = YAML.readTree(Files.readString(config));
    List<Target> targets = new ArrayList<>();
    Map<String, String> metricsPaths = new TreeMap<>();
    List<String> notes = new ArrayList<>();
    for (JsonNode job : root.path("scrape_configs")) {
      String name = job.path("job_name").asText();
      if (!JOB.matcher(name).matches()) {
        notes.add("job '" + name + "' left out: an Anvil job name is lower-case letters, digits, '_' and '-'");
        continue;
      }
      metricsPaths.put(name, job.path("metrics_path").asText("/metrics"));
      if (job.has("relabel_configs") || job.has("params")) {
        notes.add("job '" + name + "': relabel_configs and params are not carried over; check its targets");
      }
      for (JsonNode sc : job.path("static_configs")) targets.addAll(group(name, sc, notes));
      for (JsonNode fsd : job.path("file_sd_configs")) {
        for (JsonNode pattern : fsd.path("files")) {
          for (Path file : files(config.toAbsolutePath().getParent(), pattern.asText())) {
            JsonNode groups = YAML.readTree(Files.readString(file));
            for (JsonNode sc : groups) targets.addAll(group(name, sc, notes));
          }
        }
      }
      for (String other : List.of("dns_sd_configs", "consul_sd_configs", "kubernetes_sd_configs", "ec2_sd_configs",
          "gce_sd_configs", "azure_sd_configs", "http_sd_configs")) {
        if (job.has(other)) notes.add("job '" + name + "': " + other + " discovers its targets at run time; not imported");
      }
    }
    return files(targets, metricsPaths, notes, config.getFileName().toString());
  }

  private static List<Path> files(Path dir, String pattern) throws IOException {
    Path p = dir.resolve(pattern);
    if (!pattern.contains("*") && !pattern.contains("?")) return Files.isRegularFile(p) ? List.of(p) : List.of();
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + p.getFileName());
    try (Stream<Path> s = Files.list(p.getParent())) {
      return s.filter(f -> m.matches(f.getFileName()) && Files.isRegularFile(f)).sorted().toList();
    }
  }

  private static List<Target> group(String job, JsonNode sc, List<String> notes) {
    Map<String, String> labels = new TreeMap<>();
    sc.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    List<Target> out = new ArrayList<>();
    for (JsonNode t : sc.path("targets")) {
      String address = t.asText();
      int colon = address.lastIndexOf(':');
      if (colon < 0 || address.endsWith("]")) {
        notes.add("target '" + address + "' of job '" + job + "' has no port; not imported");
        continue;
      }
      String host = address.substring(0, colon).replace("[", "").replace("]", "");
      int port;
      try {
        port = Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        notes.add("target '" + address + "' of job '" + job + "': not HOST:PORT; not imported");
        continue;
      }
      out.add(new Target(job, host, port, labels));
    }
    return out;
  }

  /** The Anvil files: hosts by name (instance label, else the address), exporters, ports, groups. */
  private static Map<String, String> files(List<Target> targets, Map<String, String> metricsPaths, List<String> notes,
      String source) {
    Map<String, String> hostNames = new LinkedHashMap<>();  // address → host name
    Map<String, Map<String, String>> hostLabels = new TreeMap<>();
    Map<String, Map<String, Integer>> ports = new TreeMap<>();  // host → job → port
    Map<String, Map<Integer, Integer>> portCounts = new TreeMap<>();  // job → port → hosts
    TreeSet<String> groups = new TreeSet<>();
    for (Target t : targets) {
      String name = t.labels().getOrDefault("instance", t.host());
      if (!dev.anvil.model.Host.NAME.matcher(name).matches()) name = t.host();
      hostNames.putIfAbsent(t.host(), name);
      name = hostNames.get(t.host());
      Map<String, String> labels = hostLabels.computeIfAbsent(name, k -> new TreeMap<>());
      for (var e : t.labels().entrySet()) {
        String k = e.getKey();
        if (k.equals("instance") || k.equals("job")) continue;
        String prior = labels.putIfAbsent(k, e.getValue());
        if (prior != null && !prior.equals(e.getValue())) {
          notes.add("host " + name + ": label " + k + " is '" + prior + "' in one job and '" + e.getValue() + "' in job '"
              + t.job() + "'; kept the first");
        }
      }
      ports.computeIfAbsent(name, k -> new TreeMap<>()).put(t.job(), t.port());
      portCounts.computeIfAbsent(t.job(), k -> new TreeMap<>()).merge(t.port(), 1, Integer::sum);
    }
    Map<String, Integer> defaultPort = new TreeMap<>();
    portCounts.forEach((job, counts) -> defaultPort.put(job,
        counts.entrySet().stream().max(Map.Entry.<Integer, Integer>comparingByValue()).orElseThrow().getKey()));

    StringBuilder hosts = new StringBuilder(Imported.header(source, "prometheus", "hosts, one per scraped address"));
    for (var e : hostNames.entrySet()) {
      String name = e.getValue();
      Map<String, String> labels = new TreeMap<>(hostLabels.get(name));
      String primary = "infrastructure:imported";
      List<String> memberships = new ArrayList<>();
      for (String ns : Imported.NAMESPACES) {
        String v = labels.get(ns);
        if (v == null) continue;
        if (GROUP_PATH.matcher(v).matches()) {
          labels.remove(ns);
          String g = ns + ":" + v;
          if (ns.equals("infrastructure")) primary = g;
          else memberships.add(g);
        } else {
          labels.remove(ns);
          notes.add("host " + name + ": " + ns + " '" + v + "' is no group path; dropped");
        }
      }
      groups.add(primary);
      groups.addAll(memberships);
      Map<String, String> kept = new TreeMap<>();
      labels.forEach((k, v) -> {
        if (ReferenceChecker.reservedName(k)) notes.add("host " + name + ": label " + k + " is Anvil's or Prometheus's own; dropped");
        else kept.put(k, v);
      });
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("apiVersion", "anvil.dev/v1");
      doc.put("kind", "Host");
      doc.put("name", name);
      doc.put("address", e.getKey());
      doc.put("primary_group", primary);
      if (!memberships.isEmpty()) doc.put("groups", memberships);
      if (!kept.isEmpty()) doc.put("labels", kept);
      hosts.append("---\n").append(yaml(doc));
    }

    StringBuilder groupDocs = new StringBuilder(Imported.header(source, "prometheus", "groups the hosts' labels name"));
    TreeSet<String> all = new TreeSet<>();
    for (String g : groups) {
      String ns = g.substring(0, g.indexOf(':'));
      String path = g.substring(g.indexOf(':') + 1);
      StringBuilder prefix = new StringBuilder();
      for (String part : path.split("/")) {
        prefix.append(prefix.length() == 0 ? "" : "/").append(part);
        all.add(ns + ":" + prefix);
      }
    }
    for (String g : all) groupDocs.append("---\n").append(yaml(Map.of("apiVersion", "anvil.dev/v1", "kind", "Group", "name", g)));

    StringBuilder exporters = new StringBuilder(Imported.header(source, "prometheus", "one exporter per scrape job; something else runs them (managed: false)"));
    for (var e : defaultPort.entrySet()) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("apiVersion", "anvil.dev/v1");
      doc.put("kind", "Exporter");
      doc.put("name", e.getKey());
      doc.put("job", e.getKey());
      doc.put("port", e.getValue());
      doc.put("enabled", false);
      doc.put("managed", false);
      if (!metricsPaths.get(e.getKey()).equals("/metrics")) doc.put("metrics_path", metricsPaths.get(e.getKey()));
      exporters.append("---\n").append(yaml(doc));
    }

    StringBuilder policies = new StringBuilder(Imported.header(source, "prometheus", "which host runs which exporter, on which port"));
    ports.forEach((host, jobs) -> {
      Map<String, Object> exp = new TreeMap<>();
      jobs.forEach((job, port) -> exp.put(job, port.equals(defaultPort.get(job)) ? Map.of("enabled", true)
          : Map.of("enabled", true, "port", port)));
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("apiVersion", "anvil.dev/v1");
      doc.put("kind", "Policy");
      doc.put("name", "imported-" + host);
      doc.put("host", host);
      doc.put("exporters", exp);
      policies.append("---\n").append(yaml(doc));
    });

    Map<String, String> out = new TreeMap<>();
    out.put("inventory/namespaces.yaml", Imported.namespaces(source, "prometheus"));
    out.put("inventory/groups/imported.yaml", groupDocs.toString());
    out.put("inventory/hosts/imported.yaml", hosts.toString());
    out.put("rules/imported-exporters.yaml", exporters.toString());
    out.put("policies/imported.yaml", policies.toString());
    out.put("IMPORTED.md", Imported.readme(source, "prometheus", hostNames.size() + " hosts, " + defaultPort.size() + " exporters", notes));
    return out;
  }



  private static String yaml(Object doc) {
    return dev.anvil.emit.Output.yamlText(doc);
  }
}
