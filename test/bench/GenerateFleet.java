import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Writes a deterministic synthetic fleet: N hosts over 50 infrastructure, 20 logical and 3
 * environment groups, every accelerator vendor, and thresholds that differ per group. The rule
 * templates are the repository's own.
 *
 * <p>Usage: java test/bench/GenerateFleet.java HOSTS OUT_DIR [REPO_ROOT]
 */
public class GenerateFleet {
  static final String API = "apiVersion: anvil.dev/v1\n";
  static final String[] VENDORS = {"nvidia", "amd", "intel-gaudi", "rebellions", "furiosa", "tenstorrent", "google-tpu"};
  static final String[] MODELS = {"H100", "MI300X", "HL-225", "ATOM", "RNGD", "Wormhole n300", "v5e"};
  static final String[] PROVIDERS = {"onprem", "aws", "gcp", "azure", "onprem"};
  static final String[] ENVS = {"production", "staging", "development"};
  static final int HOSTS_PER_FILE = 1000;

  public static void main(String[] args) throws IOException {
    int hosts = Integer.parseInt(args[0]);
    Path out = Path.of(args[1]);
    Path repo = Path.of(args.length > 2 ? args[2] : ".");
    Files.createDirectories(out.resolve("inventory/hosts"));
    Files.createDirectories(out.resolve("policies"));
    for (String dir : new String[] {"rules", "dashboards"}) {
      Files.createDirectories(out.resolve(dir));
      try (Stream<Path> s = Files.list(repo.resolve(dir))) {
        for (Path p : (Iterable<Path>) s::iterator) {
          Files.copy(p, out.resolve(dir).resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }

    StringBuilder groups = new StringBuilder();
    StringBuilder policies = new StringBuilder();
    for (int site = 0; site < 5; site++) {
      groups.append(doc("Group", "name: " + infraParent(site) + "\nprovider: {name: " + PROVIDERS[site] + "}\n"));
      for (int zone = 0; zone < 10; zone++) {
        int i = site * 10 + zone;
        groups.append(doc("Group", "name: " + infra(i) + "\n"));
        // thresholds differ per infrastructure group: 5 distinct CPU thresholds
        policies.append(doc("Policy", "group: " + infra(i) + "\nalerts:\n  cpu_high: {threshold: " + (75 + (i % 5) * 5)
            + "}\n"));
      }
    }
    for (int l = 0; l < 20; l++) {
      groups.append(doc("Group", "name: " + logical(l) + "\n"));
      policies.append(doc("Policy", "group: " + logical(l) + "\nrouting:\n  critical: {receivers: [pager, chat-team-" + (l % 4)
          + "]}\n  warning: {receivers: [chat-team-" + (l % 4) + "], active: [office]}\n"));
      policies.append(doc("Policy", "group: " + logical(l) + "\nmerge: merge\nlabels: {team: team-" + (l % 4) + "}\n"
          + "alerts:\n  memory_high: {threshold: " + (85 + (l % 3) * 5) + "}\n"
          + "  accelerator_temperature_high: {threshold: " + (80 + (l % 2) * 5) + "}\n"));
    }
    for (String env : ENVS) groups.append(doc("Group", "name: environment:" + env + "\n"));
    // alerting: receivers, business hours, routing per logical group, a maintenance window per site
    policies.append(doc("Alerting", "receiver: mail\ntime_intervals:\n  office: {location: UTC, weekdays: [\"monday:friday\"],"
        + " times: [{start: \"09:00\", end: \"18:00\"}]}\ndefault_routes:\n  critical: {receivers: [pager]}\n"
        + "inhibit_rules:\n  down: {source: ['alertname=\"NodeDown\"'], target: ['alertname!=\"NodeDown\"'], equal: [instance]}\n"));
    policies.append(doc("Receiver", "name: mail\nemail: {to: ops@example.com, from: am@example.com, smarthost: \"smtp:25\"}\n"));
    policies.append(doc("Receiver", "name: pager\npagerduty: {routing_key: {file: /etc/am/pd.key}}\n"));
    for (int t = 0; t < 4; t++) {
      policies.append(doc("Receiver", "name: chat-team-" + t + "\nslack: {channel: \"#team-" + t
          + "\", api_url: {env: SLACK_TEAM_" + t + "}}\n"));
    }
    // Slurm: every host of the first ten logical groups is a node; one partition per vendor family
    for (int l = 0; l < 10; l++) policies.append(doc("Policy", "group: " + logical(l) + "\nslurm:\n  node: {enabled: true}\n"));
    policies.append(doc("Partition", "name: gpu\nselect: {accelerator_vendors: [nvidia, amd]}\nmax_time: 2-00:00:00\ndefault: true\n"));
    policies.append(doc("Partition", "name: npu\nselect: {accelerator_vendors: [intel-gaudi, rebellions, furiosa, tenstorrent]}\n"));
    policies.append(doc("Partition", "name: cpu\nselect: {groups: [logical:project-0]}\nmax_time: UNLIMITED\n"));
    policies.append(doc("Policy", "group: environment:production\nrollout:\n  exporters: {strategy: canary, canary: 10%}\n"));
    // custom checks: every site checks NVMe and its home mount; training projects add scratch
    for (int site = 0; site < 5; site++) {
      policies.append(doc("Policy", "group: " + infraParent(site) + "\nchecks:\n  nvme: {type: nvme}\n"
          + "  home: {type: mount, paths: [/home], fstype: nfs4, timeout: 5s}\n"));
    }
    for (int l = 0; l < 10; l++) {
      policies.append(doc("Policy", "group: " + logical(l) + "\nchecks:\n  scratch: {type: parallel_fs, paths: [/scratch-"
          + (l % 3) + "], max_latency: 2s}\n"));
    }
    for (int site = 0; site < 5; site++) {
      policies.append(doc("Policy", "group: " + infraParent(site) + "\nmaintenance:\n  patch-" + site
          + ": {weekdays: [sunday], times: [{start: \"0" + site + ":00\", end: \"0" + (site + 1) + ":00\"}], location: UTC}\n"));
    }
    policies.append(doc("Policy", "group: environment:production\nalerts:\n  cpu_high: {threshold: 70}\n"
        + "  node_down: {for: 1m}\n"));
    policies.append(doc("Policy", "group: environment:staging\nalerts:\n  node_down: {for: 5m, severity: warning}\n"));
    groups.append(doc("Group", "name: logical:accelerated\nselect: {accelerator_vendors: [" + String.join(", ", VENDORS)
        + "]}\n"));
    groups.append(doc("Group", "name: logical:accelerated/nvidia\nselect: {accelerator_vendors: [nvidia]}\n"));
    policies.append(doc("Policy", "group: logical:accelerated\nexporters:\n  all-smi: {enabled: true, port: 9401}\n"));
    policies.append(doc("Policy", "group: logical:accelerated/nvidia\nexporters:\n  dcgm-exporter: {enabled: true}\n"));
    Files.writeString(out.resolve("inventory/groups.yaml"), groups);
    Files.writeString(out.resolve("policies/policies.yaml"), policies);

    for (int file = 0; file * HOSTS_PER_FILE < hosts; file++) {
      StringBuilder sb = new StringBuilder();
      for (int h = file * HOSTS_PER_FILE; h < Math.min(hosts, (file + 1) * HOSTS_PER_FILE); h++) sb.append(host(h));
      Files.writeString(out.resolve(String.format("inventory/hosts/hosts-%04d.yaml", file)), sb);
    }
  }

  static String host(int h) {
    int infra = h % 50;
    int logical = (h / 50) % 20;
    String env = ENVS[(h / 7) % 3];
    int vendor = h % 8; // 7 vendors and hosts without accelerators
    StringBuilder sb = new StringBuilder();
    sb.append("name: node-").append(String.format("%06d", h)).append('\n');
    sb.append("address: 10.").append((h >> 16) & 255).append('.').append((h >> 8) & 255).append('.').append(h & 255)
        .append('\n');
    sb.append("primary_group: ").append(infra(infra)).append('\n');
    sb.append("groups: [").append(logical(logical)).append(", environment:").append(env).append("]\n");
    sb.append("hardware:\n  cpu: {cores: ").append(32 << (h % 3)).append("}\n  memory_gb: ").append(256 << (h % 3))
        .append('\n');
    if (vendor < 7) {
      int count = new int[] {1, 2, 4, 8}[(h / 8) % 4];
      sb.append("  accelerators:\n    - {vendor: ").append(VENDORS[vendor]).append(", model: ").append(MODELS[vendor])
          .append(", count: ").append(count).append(", memory_gb: 80}\n");
    }
    if (h % 4 == 0) sb.append("  nics:\n    - {name: ib0, type: infiniband, rate_gbps: 200}\n");
    return doc("Host", sb.toString());
  }

  static String infraParent(int site) {
    return "infrastructure:" + PROVIDERS[site] + "-" + site;
  }

  static String infra(int i) {
    return infraParent(i / 10) + "/zone-" + (i % 10);
  }

  static String logical(int l) {
    return "logical:project-" + (l / 4) + "/cluster-" + (l % 4);
  }

  static String doc(String kind, String body) {
    return "---\n" + API + "kind: " + kind + "\n" + body;
  }
}
