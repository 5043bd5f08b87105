package dev.anvil.preview;

import static dev.anvil.html.Html.escape;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anvil.Compiler.Compilation;
import dev.anvil.diag.Diagnostic;
import dev.anvil.diff.DiffHtml;
import dev.anvil.diff.FleetDiff;
import dev.anvil.emit.CheckList;
import dev.anvil.emit.TargetLabels;
import dev.anvil.emit.slurm.SlurmEmitter;
import dev.anvil.explain.Explainer;
import dev.anvil.model.AlertRule;
import dev.anvil.model.GroupName;
import dev.anvil.model.Namespace;
import dev.anvil.model.Policy;
import dev.anvil.resolve.ResolvedHost;
import dev.anvil.resolve.Resolver;
import dev.anvil.routing.AlertmanagerConfig;
import dev.anvil.routing.RoutingTestRunner;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The preview's pages, rendered on the server from one {@link Workspace.Snapshot}. Every value
 * from the configuration goes through {@link dev.anvil.html.Html#escape}; URLs are built from
 * names with {@link #url}. Each page is a function of the snapshot and the request's parameters.
 */
final class Pages {
  /** Search shows at most this many hosts; the count says how many matched. */
  static final int SEARCH_LIMIT = 200;
  /** Characters of output-file diffs the diff page shows. */
  static final int DIFF_BUDGET = 2_000_000;

  private Pages() {}

  // ---- overview

  static String overview(Workspace.Snapshot s) {
    StringBuilder b = new StringBuilder("<h1>Fleet</h1>\n");
    Index ix = s.index();
    if (ix == null) return layout(s, "Fleet", b.append("<p>Nothing compiled yet.</p>\n").toString());
    var fleet = ix.compilation.fleet().fleet();
    b.append("<p>").append(ix.hosts.size()).append(" hosts, ").append(fleet.groups().size()).append(" groups, ")
        .append(fleet.devices().size()).append(" facility devices, ").append(fleet.alertRules().size())
        .append(" rules. <a href=\"/diff\">What this working tree changes</a> against ")
        .append("<code>").append(escape(s.baseRef())).append("</code>.</p>\n");
    List<Namespace> namespaces = new ArrayList<>(fleet.namespaces().values());
    namespaces.sort(Comparator.comparingInt(Namespace::priority).thenComparing(Namespace::name));
    b.append("<p class=\"muted\">Namespaces by priority: the lower number wins.</p>\n");
    for (Namespace n : namespaces) {
      b.append("<section class=\"namespace\" id=\"ns-").append(escape(n.name())).append("\"><h2>")
          .append(escape(n.name())).append(" <span class=\"count\">priority ").append(n.priority()).append("</span></h2>\n");
      tree(b, ix, n.name(), null);
      b.append("</section>\n");
    }
    return layout(s, "Fleet", b.toString());
  }

  private static void tree(StringBuilder b, Index ix, String namespace, GroupName parent) {
    List<GroupName> children = ix.children(namespace, parent);
    if (children.isEmpty()) return;
    b.append("<ul class=\"tree\">\n");
    for (GroupName g : children) {
      int n = ix.members.get(g).size();
      b.append("<li><a href=\"").append(groupUrl(g)).append("\">").append(escape(leaf(g))).append("</a> <span class=\"count\">")
          .append(n).append(n == 1 ? " host" : " hosts").append("</span>\n");
      tree(b, ix, namespace, g);
      b.append("</li>\n");
    }
    b.append("</ul>\n");
  }

  private static String leaf(GroupName g) {
    return g.path().substring(g.path().lastIndexOf('/') + 1);
  }

  // ---- group

  static String group(Workspace.Snapshot s, GroupName g) {
    Index ix = s.index();
    if (ix == null || !ix.members.containsKey(g)) return null;
    StringBuilder b = new StringBuilder("<h1>Group <code>").append(escape(g.toString())).append("</code></h1>\n");
    var fleet = ix.compilation.fleet().fleet();
    var group = fleet.groups().get(g);
    if (group != null && group.description() != null) b.append("<p>").append(escape(group.description())).append("</p>\n");
    if (group != null) b.append("<p class=\"muted\">Declared at ").append(at(group.source().at("/name"))).append("</p>\n");
    if (g.parent() != null) b.append("<p>Parent: <a href=\"").append(groupUrl(g.parent())).append("\">")
        .append(escape(g.parent().toString())).append("</a></p>\n");
    List<GroupName> children = ix.children(g.namespace(), g);
    if (!children.isEmpty()) {
      b.append("<h2>Groups below</h2>\n");
      tree(b, ix, g.namespace(), g);
    }
    b.append("<h2>Policies</h2>\n");
    List<Policy> policies = fleet.policies().stream().filter(p -> g.equals(p.group())).toList();
    if (policies.isEmpty()) b.append("<p class=\"muted\">No policy names this group.</p>\n");
    else {
      b.append("<table><thead><tr><th>policy</th><th>sets</th><th>where</th></tr></thead><tbody>\n");
      for (Policy p : policies) {
        List<String> keys = new ArrayList<>();
        for (Policy.Entry e : p.entries()) keys.add(e.section() + "." + e.name() + " (" + e.strategy().label() + ")");
        b.append("<tr><td>").append(escape(p.name() == null ? "(unnamed)" : p.name())).append("</td><td class=\"value\">")
            .append(escape(String.join(", ", keys))).append("</td><td>").append(at(p.source().at(""))).append("</td></tr>\n");
      }
      b.append("</tbody></table>\n");
    }
    List<ResolvedHost> members = ix.members.get(g);
    b.append("<h2>Members <span class=\"count\">").append(members.size()).append("</span></h2>\n");
    hostList(b, members, SEARCH_LIMIT);
    return layout(s, g.toString(), b.toString());
  }

  private static void hostList(StringBuilder b, List<ResolvedHost> hosts, int limit) {
    b.append("<ul class=\"hosts\">\n");
    for (int i = 0; i < hosts.size() && i < limit; i++) {
      ResolvedHost h = hosts.get(i);
      b.append("<li><a href=\"").append(hostUrl(h.name())).append("\">").append(escape(h.name())).append("</a> <span class=\"muted\">")
          .append(escape(h.host().address())).append("</span></li>\n");
    }
    b.append("</ul>\n");
    if (hosts.size() > limit) b.append("<p class=\"muted\">and ").append(hosts.size() - limit).append(" more.</p>\n");
  }

  // ---- host

  @SuppressWarnings("unchecked")
  static String host(Workspace.Snapshot s, String name) {
    Index ix = s.index();
    ResolvedHost h = ix == null ? null : ix.hosts.get(name);
    if (h == null) return null;
    var resolved = ix.compilation.fleet();
    StringBuilder b = new StringBuilder("<h1>Host <code>").append(escape(h.name())).append("</code></h1>\n");
    b.append("<p>").append(escape(h.host().address())).append(" · declared at ").append(at(h.host().source().at("/name")))
        .append("</p>\n<p>Groups: ");
    for (GroupName g : h.memberships()) {
      b.append("<a class=\"tag\" href=\"").append(groupUrl(g)).append("\">").append(escape(g.toString())).append("</a>");
    }
    b.append("</p>\n<h2>Target labels</h2>\n<p>");
    TargetLabels.of(h, resolved.fleet()).forEach((k, v) -> b.append("<span class=\"tag mono\">").append(escape(k)).append("=")
        .append(escape(v)).append("</span>"));
    b.append("</p>\n");

    b.append("<h2 id=\"alerts\">Alerts</h2>\n<table><thead><tr><th>rule</th><th>alert</th><th>parameters</th></tr></thead><tbody>\n");
    for (AlertRule rule : resolved.fleet().alertRules()) {
      if (rule.recording() || !h.alertApplies(rule)) continue;
      JsonNode params = rule.fleetWide() ? rule.defaults() : h.section(rule.section()).get(rule.name());
      String alert = dev.anvil.contract.ContractChecker.templateField(rule.template(), "alert");
      b.append("<tr><td><a href=\"#").append(escape(rule.section() + "." + rule.name())).append("\">").append(escape(rule.name()))
          .append("</a></td><td>").append(escape(alert == null ? "" : alert)).append("</td><td class=\"value\">")
          .append(escape(params == null ? "" : params.toString())).append("</td></tr>\n");
    }
    b.append("</tbody></table>\n");

    b.append("<h2 id=\"exporters\">Exporters</h2>\n<ul>\n");
    h.section(Resolver.EXPORTERS).fields().forEachRemaining(e -> {
      if (h.runs(e.getKey())) b.append("<li><code>").append(escape(e.getKey())).append("</code> ")
          .append(escape(e.getValue().toString())).append("</li>\n");
    });
    b.append("</ul>\n<h2 id=\"checks\">Checks</h2>\n<ul>\n");
    for (Map<String, Object> c : CheckList.of(h)) {
      b.append("<li><code>").append(escape(String.valueOf(c.get("name")))).append("</code> ").append(escape(String.valueOf(c.get("type"))))
          .append("</li>\n");
    }
    b.append("</ul>\n<h2 id=\"slurm\">Slurm</h2>\n");
    String node = SlurmEmitter.nodeLine(h);
    if (node == null) b.append("<p class=\"muted\">Not a Slurm node.</p>\n");
    else {
      b.append("<pre class=\"mono\">").append(escape(node)).append("</pre>\n<p>Partitions: ")
          .append(escape(String.join(", ", SlurmEmitter.partitionsOf(h, resolved.fleet().partitions())))).append("</p>\n");
    }

    b.append("<h2 id=\"values\">Effective values</h2>\n<p class=\"muted\">Every value the host ends up with, who set it, and what it")
        .append(" beat. Host beats namespaces by priority, which beat the defaults; within a namespace a child group beats its ancestors.</p>\n");
    b.append("<table class=\"values\"><thead><tr><th>key</th><th>value</th><th>set by</th><th>beats</th></tr></thead><tbody>\n");
    Map<String, Object> data = new Explainer(resolved).explainData(h, null);
    if (data != null) {
      for (Object o : (List<Object>) data.get("values")) {
        Map<String, Object> v = (Map<String, Object>) o;
        String key = (String) v.get("key");
        b.append("<tr id=\"").append(escape(key)).append("\"><td class=\"value\"><a href=\"#").append(escape(key)).append("\">")
            .append(escape(key)).append("</a></td><td class=\"value\">").append(escape(show((JsonNode) v.get("value"))))
            .append("</td><td>").append(source((Map<String, Object>) v.get("set_by"))).append("</td><td>");
        for (Object sh : (List<Object>) v.get("beats")) {
          Map<String, Object> m = (Map<String, Object>) sh;
          boolean merged = Boolean.TRUE.equals(m.get("merged"));
          b.append("<div class=\"").append(merged ? "merged" : "shadowed").append("\"><span class=\"value ")
              .append(merged ? "" : "beaten").append("\">").append(escape(show((JsonNode) m.get("value")))).append("</span> ")
              .append(merged ? "(merged) " : "").append(source(m)).append("</div>");
        }
        b.append("</td></tr>\n");
      }
    }
    b.append("</tbody></table>\n");
    return layout(s, h.name(), b.toString());
  }

  private static String source(Map<String, Object> src) {
    String who = String.valueOf(src.get("source"));
    Object strategy = src.get("strategy");
    return escape(who) + (strategy == null ? "" : " <span class=\"muted\">(" + escape(String.valueOf(strategy)) + ")</span>")
        + " " + atText(String.valueOf(src.get("at")));
  }

  private static String show(JsonNode v) {
    if (v == null) return "(unset)";
    return v.isTextual() ? v.asText() : v.toString();
  }

  // ---- search

  /**
   * {@code KEY=VALUE} finds hosts whose effective value at a key ending in KEY is VALUE (e.g.
   * {@code cpu_high.threshold=65}, {@code labels.team=ml}); other text finds hosts, groups and
   * rules whose name contains it.
   */
  static String search(Workspace.Snapshot s, String q) {
    StringBuilder b = new StringBuilder("<h1>Search</h1>\n");
    Index ix = s.index();
    String query = q == null ? "" : q.strip();
    b.append("<form class=\"inline\" action=\"/search\" method=\"get\" role=\"search\"><div><label for=\"q2\">Host, group, rule,")
        .append(" or key=value</label><input id=\"q2\" name=\"q\" size=\"40\" value=\"").append(escape(query))
        .append("\"></div><button type=\"submit\">Search</button></form>\n");
    if (ix == null || query.isEmpty()) return layout(s, "Search", b.toString());
    int eq = query.indexOf('=');
    if (eq > 0) {
      String key = query.substring(0, eq).strip();
      String value = query.substring(eq + 1).strip();
      List<ResolvedHost> found = valueSearch(ix, key, value);
      b.append("<h2>Hosts with <code>").append(escape(key)).append("</code> = <code>").append(escape(value))
          .append("</code> <span class=\"count\" id=\"result-count\">").append(found.size()).append("</span></h2>\n");
      hostList(b, found, SEARCH_LIMIT);
      return layout(s, "Search", b.toString());
    }
    String needle = query.toLowerCase(Locale.ROOT);
    List<ResolvedHost> hosts = new ArrayList<>();
    for (ResolvedHost h : ix.compilation.fleet().hosts()) {
      if (h.name().toLowerCase(Locale.ROOT).contains(needle) || h.host().address().contains(needle)) hosts.add(h);
    }
    b.append("<h2>Hosts <span class=\"count\" id=\"result-count\">").append(hosts.size()).append("</span></h2>\n");
    hostList(b, hosts, SEARCH_LIMIT);
    b.append("<h2>Groups</h2>\n<ul>\n");
    for (GroupName g : ix.members.keySet()) {
      if (g.toString().toLowerCase(Locale.ROOT).contains(needle)) {
        b.append("<li><a href=\"").append(groupUrl(g)).append("\">").append(escape(g.toString())).append("</a></li>\n");
      }
    }
    b.append("</ul>\n<h2>Rules</h2>\n<ul>\n");
    for (AlertRule r : ix.compilation.fleet().fleet().alertRules()) {
      if (r.name().toLowerCase(Locale.ROOT).contains(needle)) {
        b.append("<li><code>").append(escape(r.name())).append("</code> ").append(at(r.source().at("/name"))).append("</li>\n");
      }
    }
    b.append("</ul>\n");
    return layout(s, "Search", b.toString());
  }

  /**
   * Hosts whose value at {@code key} (a full key like alerts.cpu_high.threshold, or one without its
   * section) is {@code value}. Hosts that resolve a section alike share it, so each distinct section
   * is looked at once: the cost is the number of hosts, not hosts times keys.
   */
  private static List<ResolvedHost> valueSearch(Index ix, String key, String value) {
    String[] parts = key.split("\\.");
    List<String> sections = Resolver.SECTIONS.contains(parts[0]) ? List.of(parts[0]) : Resolver.SECTIONS;
    String pointer = "/" + String.join("/", java.util.Arrays.stream(parts, Resolver.SECTIONS.contains(parts[0]) ? 1 : 0, parts.length)
        .map(p -> p.replace("~", "~0").replace("/", "~1")).toList());
    Map<JsonNode, Boolean> seen = new java.util.IdentityHashMap<>();
    List<ResolvedHost> found = new ArrayList<>();
    for (ResolvedHost h : ix.compilation.fleet().hosts()) {
      for (String section : sections) {
        if (seen.computeIfAbsent(h.section(section), sec -> {
          JsonNode v = sec.at(pointer);
          return !v.isMissingNode() && !v.isContainerNode() && show(v).equals(value);
        })) {
          found.add(h);
          break;
        }
      }
    }
    return found;
  }

  // ---- routing

  /**
   * Labels (one {@code name=value} per line) and optionally a host (its target labels under the
   * alert's), a moment (RFC 3339) and other firing alerts (a label per line, a blank line between
   * alerts) → the
   * receivers, each with its route path, whether time mutes it, and whether another alert inhibits it.
   */
  static String routing(Workspace.Snapshot s, String host, String rawLabels, String at, String rawFiring) {
    // browsers send a textarea's lines with CRLF
    String labels = rawLabels == null ? null : rawLabels.replace("\r\n", "\n");
    String firing = rawFiring == null ? null : rawFiring.replace("\r\n", "\n");
    StringBuilder form = new StringBuilder();
    form.append("<form action=\"/routing\" method=\"get\" id=\"routing-form\">\n")
        .append("<p><label for=\"host\">Host (optional: its target labels come first)</label><input id=\"host\" name=\"host\" size=\"30\" value=\"")
        .append(escape(nz(host))).append("\"></p>\n")
        .append("<p><label for=\"labels\">Alert labels, one <code>name=value</code> per line</label><textarea id=\"labels\" name=\"labels\"")
        .append(" rows=\"4\" cols=\"50\">").append(escape(nz(labels))).append("</textarea></p>\n")
        .append("<p><label for=\"at\">At (RFC 3339, e.g. 2026-12-05T03:00:00Z; empty: time intervals not evaluated)</label>")
        .append("<input id=\"at\" name=\"at\" size=\"30\" value=\"").append(escape(nz(at))).append("\"></p>\n")
        .append("<p><label for=\"firing\">Other firing alerts (for inhibition): one <code>name=value</code> per line, a blank")
        .append(" line between alerts</label><textarea id=\"firing\" name=\"firing\" rows=\"4\" cols=\"50\">").append(escape(nz(firing))).append("</textarea></p>\n")
        .append("<p><button type=\"submit\">Route</button></p>\n</form>\n");
    String title = "<h1>Routing explorer</h1>\n";
    Index ix = s.index();
    if (ix == null || labels == null || labels.isBlank()) return layout(s, "Routing", title + form);
    StringBuilder b = new StringBuilder();
    try {
      String h = host == null || host.isBlank() ? null : host.strip();
      if (h != null && !ix.hosts.containsKey(h)) throw new IllegalArgumentException("unknown host '" + h + "'");
      java.time.Instant when = at == null || at.isBlank() ? null : java.time.OffsetDateTime.parse(at.strip()).toInstant();
      List<Map<String, String>> others = new ArrayList<>();
      if (firing != null) {
        for (String block : firing.replace("\r", "").split("\n\\s*\n")) if (!block.isBlank()) others.add(pairs(block.split("\n")));
      }
      AlertmanagerConfig config = ix.alertmanager;
      if (config == null) throw new IllegalArgumentException("this fleet has no Alertmanager configuration");
      RoutingTestRunner.Answer a = RoutingTestRunner.evaluate(ix.compilation.fleet(), config, h, pairs(labels.replace("\r", "").split("\n")), when, others);
      b.append("<section id=\"routing-result\"><h2>Result</h2>\n<p id=\"receivers\">Receivers: <strong>")
          .append(escape(String.join(", ", a.receivers()))).append("</strong>")
          .append(a.inhibited() ? " <span class=\"tag\" id=\"inhibited\">inhibited</span>" : "")
          .append(a.muted() && !a.inhibited() ? " <span class=\"tag\" id=\"muted\">muted at this time</span>" : "").append("</p>\n");
      b.append("<table><thead><tr><th>receiver</th><th>muted</th><th>route path</th></tr></thead><tbody>\n");
      for (AlertmanagerConfig.Delivery d : a.deliveries()) {
        b.append("<tr><td>").append(escape(d.receiver())).append("</td><td>").append(d.muted() ? "yes" : "no").append("</td><td class=\"value\">")
            .append(escape(d.path().isEmpty() ? "(root)" : String.join(" → ", d.path()))).append("</td></tr>\n");
      }
      b.append("</tbody></table>\n<h3>The alert's labels</h3>\n<p>");
      a.alert().forEach((k, v) -> b.append("<span class=\"tag mono\">").append(escape(k)).append('=').append(escape(v)).append("</span>"));
      b.append("</p></section>\n");
    } catch (RuntimeException e) {
      b.append("<p class=\"banner error\" role=\"alert\">").append(escape(String.valueOf(e.getMessage()))).append("</p>\n");
    }
    // the answer first, above the question: it is what the page is opened for
    return layout(s, "Routing", title + b + form);
  }

  private static Map<String, String> pairs(String[] items) {
    Map<String, String> out = new TreeMap<>();
    for (String item : items) {
      if (item.isBlank()) continue;
      int eq = item.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("not name=value: '" + dev.anvil.diag.Text.shown(item.strip()) + "'");
      String value = item.substring(eq + 1).strip();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) value = value.substring(1, value.length() - 1);
      out.put(item.substring(0, eq).strip(), value);
    }
    return out;
  }

  // ---- diff

  static String diff(Workspace.Snapshot s) {
    StringBuilder b = new StringBuilder("<h1>Changes against <code>").append(escape(s.baseRef())).append("</code></h1>\n");
    FleetDiff.Report report = s.diff().get();
    if (report == null) {
      b.append("<p class=\"banner stale\">").append(escape(s.baseProblem() != null ? s.baseProblem() : "nothing compiled yet")).append("</p>\n");
    } else {
      b.append(DiffHtml.fragment(report, DIFF_BUDGET));
    }
    return layout(s, "Diff", b.toString());
  }

  // ---- source files (diagnostics link here)

  /** A source file of the compilation with numbered lines (those holding secrets are not shown); null if not a source. */
  static String file(Workspace.Snapshot s, String path) {
    Compilation c = s.failed() != null ? s.failed() : s.index() == null ? null : s.index().compilation;
    if (c == null || c.sources().stream().noneMatch(f -> f.path().equals(path))) return null;
    StringBuilder b = new StringBuilder("<h1><code>").append(escape(path)).append("</code></h1>\n<pre class=\"source mono\">");
    List<String> lines = c.lines(path);
    for (int i = 0; i < lines.size(); i++) {
      b.append("<span class=\"line\" id=\"L").append(i + 1).append("\">").append(escape(lines.get(i))).append("</span>");
    }
    b.append("</pre>\n");
    return layout(s, path, b.toString());
  }

  static String notFound(Workspace.Snapshot s, String what) {
    return layout(s, "Not found", "<h1>Not found</h1>\n<p>" + escape(what) + "</p>\n");
  }

  // ---- shared

  /** The frame of every page: navigation, the compile status, the page, and live updates. */
  static String layout(Workspace.Snapshot s, String title, String body) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        .append(escape(title)).append(" · anvil preview</title>\n<style>\n").append(dev.anvil.html.Html.css()).append("</style>\n</head>\n")
        .append("<body data-generation=\"").append(s.generation()).append("\">\n")
        .append("<a class=\"skip\" href=\"#content\">Skip to content</a>\n")
        .append("<header class=\"top\"><span class=\"brand\">anvil preview</span><nav aria-label=\"main\">")
        .append("<a href=\"/\" accesskey=\"h\">Fleet</a> · <a href=\"/routing\" accesskey=\"r\">Routing</a> · ")
        .append("<a href=\"/diff\" accesskey=\"d\">Diff</a></nav>")
        .append("<form action=\"/search\" method=\"get\" role=\"search\"><label class=\"sr\" for=\"q\">Search</label>")
        .append("<input id=\"q\" name=\"q\" placeholder=\"Search (press /)\" size=\"28\"></form></header>\n")
        .append("<main id=\"content\">\n").append(status(s)).append(body).append("</main>\n")
        .append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
    return b.toString();
  }

  /** The compile status: diagnostics when the working tree does not compile (the last good model stays). */
  static String status(Workspace.Snapshot s) {
    StringBuilder b = new StringBuilder("<div id=\"status\" class=\"muted\">compiled ").append(s.at()).append(" in ")
        .append(s.compileMillis()).append(" ms</div>\n");
    if (s.failed() == null) return b.toString();
    List<Diagnostic> errors = s.failed().diagnostics().all().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
    b.append("<section class=\"banner error diagnostics\" id=\"diagnostics\" role=\"alert\"><strong>The working tree does not compile")
        .append(" (").append(errors.size()).append(errors.size() == 1 ? " error" : " errors").append(").</strong> ")
        .append(s.good() == null ? "Nothing to show until it does." : "The pages show the last model that compiled.").append("\n");
    int shown = 0;
    for (Diagnostic d : errors) {
      if (shown++ == 50) {
        b.append("<p>and ").append(errors.size() - 50).append(" more.</p>\n");
        break;
      }
      b.append("<pre>").append(at(d.position())).append(": error: ").append(escape(d.message())).append("</pre>\n");
    }
    return b.append("</section>\n").toString();
  }

  /** A link to a source position: {@code /files/PATH#LLINE}, reading {@code file:line:col}. */
  static String at(dev.anvil.diag.Position p) {
    if (p == null || p.file() == null) return "";
    return "<a class=\"mono\" href=\"/files/" + path(p.file()) + (p.line() > 0 ? "#L" + p.line() : "") + "\">" + escape(p.toString()) + "</a>";
  }

  private static String atText(String position) {
    String[] parts = position.split(":");
    if (parts.length >= 2 && parts[1].chars().allMatch(Character::isDigit) && !parts[1].isEmpty()) {
      return "<a class=\"mono\" href=\"/files/" + path(parts[0]) + "#L" + parts[1] + "\">" + escape(position) + "</a>";
    }
    return "<span class=\"mono\">" + escape(position) + "</span>";
  }

  static String hostUrl(String name) {
    return "/hosts/" + url(name);
  }

  /** {@code infrastructure:onprem/dc-1} → {@code /groups/infrastructure/onprem/dc-1}. */
  static String groupUrl(GroupName g) {
    return "/groups/" + url(g.namespace()) + "/" + path(g.path());
  }

  private static String path(String p) {
    return String.join("/", java.util.Arrays.stream(p.split("/")).map(Pages::url).toList());
  }

  static String url(String s) {
    return escape(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /**
   * Live updates without reload: on each new model the page fetches itself again and swaps its
   * content; "/" focuses the search box.
   */
  private static final String SCRIPT = """
      (function () {
        var body = document.body;
        var es = new EventSource('/events');
        es.addEventListener('model', function (e) {
          if (Number(e.data) <= Number(body.dataset.generation)) return;
          fetch(location.href, {cache: 'no-store'}).then(function (r) { return r.text(); }).then(function (html) {
            var doc = new DOMParser().parseFromString(html, 'text/html');
            document.querySelector('main').innerHTML = doc.querySelector('main').innerHTML;
            body.dataset.generation = doc.body.dataset.generation;
            document.title = doc.title;
          });
        });
        document.addEventListener('keydown', function (e) {
          var t = e.target.tagName;
          if (e.key === '/' && t !== 'INPUT' && t !== 'TEXTAREA') { e.preventDefault(); document.getElementById('q').focus(); }
        });
      })();
      """;
}
