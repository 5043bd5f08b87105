package dev.anvil.emit.prometheus;

import dev.anvil.diag.Diagnostics;
import dev.anvil.model.GroupName;
import dev.anvil.model.PrometheusSettings;
import dev.anvil.resolve.ResolvedFleet;
import dev.anvil.resolve.ResolvedHost;
import java.util.ArrayList;
import java.util.List;

/**
 * The Prometheus servers of a fleet and which hosts each scrapes: one server for every host, or,
 * with {@code sites}, one per site and shard. A host belongs to the one site whose groups it is in,
 * and to the shard its name hashes to: a host's shard depends on its name and the shard count only,
 * so adding a host moves no other, and SHA-256 spreads names evenly.
 *
 * @param servers each server's site (null for the single server), shard and output directory
 * @param serverOf for each resolved host (by index), its server's index, or -1 (reported)
 */
record Servers(List<Server> servers, int[] serverOf) {

  record Server(String site, int shard, String dir) {}

  static Servers of(PrometheusSettings settings, ResolvedFleet resolved, Diagnostics diagnostics) {
    List<ResolvedHost> hosts = resolved.hosts();
    int[] serverOf = new int[hosts.size()];
    if (!settings.distributed()) return new Servers(List.of(new Server(null, 0, PrometheusEmitter.DIR)), serverOf);
    List<Server> servers = new ArrayList<>();
    int[] first = new int[settings.sites().size()];
    for (int s = 0; s < settings.sites().size(); s++) {
      PrometheusSettings.Site site = settings.sites().get(s);
      first[s] = servers.size();
      for (int shard = 0; shard < site.shards(); shard++) {
        servers.add(new Server(site.name(), shard, PrometheusEmitter.DIR + site.name() + "/" + shard + "/"));
      }
    }
    for (int i = 0; i < hosts.size(); i++) {
      ResolvedHost h = hosts.get(i);
      List<Integer> in = new ArrayList<>();
      for (int s = 0; s < settings.sites().size(); s++) if (inSite(h, settings.sites().get(s))) in.add(s);
      serverOf[i] = -1;
      if (in.size() != 1) {
        diagnostics.error(h.host().source().at("/name"), "host '" + h.name() + "' is in " + (in.isEmpty() ? "no site"
            : "sites " + String.join(" and ", in.stream().map(s -> settings.sites().get(s).name()).toList()))
            + " of kind: Prometheus; every host is scraped by the Prometheus of exactly one site (" + settings.source().file() + ")");
        continue;
      }
      int s = in.get(0);
      serverOf[i] = first[s] + shard(h.name(), settings.sites().get(s).shards());
    }
    return new Servers(List.copyOf(servers), serverOf);
  }

  private static boolean inSite(ResolvedHost h, PrometheusSettings.Site site) {
    for (GroupName g : site.groups()) {
      for (GroupName m : h.memberships()) if (m.equals(g) || g.isAncestorOf(m)) return true;
    }
    return false;
  }

  /** The shard of a host name: the first 8 bytes of its SHA-256, modulo the shard count. */
  static int shard(String name, int shards) {
    if (shards == 1) return 0;
    byte[] d = dev.anvil.model.Sha256.of(name);
    long v = 0;
    for (int b = 0; b < 8; b++) v = v << 8 | (d[b] & 0xff);
    return (int) Long.remainderUnsigned(v, shards);
  }
}
