package dev.anvil.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anvil.emit.Output;
import dev.anvil.validate.ReferenceChecker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code anvil import ansible}: an Ansible inventory as Anvil input to review. Ansible itself reads
 * the inventory ({@code ansible-inventory --list}: INI, YAML, directories, group_vars alike); its
 * group tree becomes groups of the {@code logical} namespace (child under parent), each host a Host
 * in the groups that list it, its address {@code ansible_host}, its scalar variables its labels.
 */
public final class AnsibleImport {
  private static final Pattern GROUP_SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  /** Ansible's own groups: every host is in all, the rest in ungrouped. */
  private static final List<String> IMPLICIT = List.of("all", "ungrouped");

  private AnsibleImport() {}

  /** What {@code ansible-inventory --list} says of {@code inventory}. */
  public static JsonNode list(String ansibleInventory, Path inventory) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(ansibleInventory, "-i", inventory.toString(), "--list")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("ansible-inventory took longer than 120 s");
    }
    if (p.exitValue() != 0) throw new IOException("ansible-inventory cannot read it (exit " + p.exitValue() + ")");
    return new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8));
  }

  /** The input files for the inventory {@code listed} (ansible-inventory --list): path → YAML. */
  public static Map<String, String> of(JsonNode listed, String source) {
    List<String> notes = new ArrayList<>();
    // each group's path under all, the first way it is reached (Ansible groups may have several parents)
    Map<String, String> paths = new LinkedHashMap<>();
    Deque<String[]> queue = new ArrayDeque<>();
    for (JsonNode c : listed.path("all").path("children")) queue.add(new String[] {c.asText(), c.asText()});
    while (!queue.isEmpty()) {
      String[] next = queue.poll();
      String group = next[0];
      if (IMPLICIT.contains(group)) continue;
      if (!GROUP_SEGMENT.matcher(group).matches()) {
        notes.add("group '" + group + "': not a group name Anvil can keep (letters, digits, '.', '_', '-'); its hosts lose it");
        continue;
      }
      if (paths.containsKey(group)) {
        notes.add("group '" + group + "' has several parents; kept under " + paths.get(group) + " only");
        continue;
      }
      paths.put(group, next[1]);
      for (JsonNode c : listed.path(group).path("children")) queue.add(new String[] {c.asText(), next[1] + "/" + c.asText()});
    }

    Map<String, TreeSet<String>> memberships = new TreeMap<>();
    JsonNode hostvars = listed.path("_meta").path("hostvars");
    // a set: membership tests stay cheap on an inventory of 100k hosts
    TreeSet<String> hostNames = new TreeSet<>();
    hostvars.fieldNames().forEachRemaining(hostNames::add);
    for (String g : IMPLICIT) listed.path(g).path("hosts").forEach(h -> hostNames.add(h.asText()));
    paths.forEach((group, path) -> listed.path(group).path("hosts").forEach(h -> {
      memberships.computeIfAbsent(h.asText(), k -> new TreeSet<>()).add("logical:" + path);
      hostNames.add(h.asText());
    }));

    StringBuilder hosts = new StringBuilder(Imported.header(source, "ansible", "one host per inventory host"));
    for (String name : hostNames) {
      if (!dev.anvil.model.Host.NAME.matcher(name).matches()) {
        notes.add("host '" + name + "': not a host name Anvil can keep; not imported");
        continue;
      }
      JsonNode vars = hostvars.path(name);
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("apiVersion", "anvil.dev/v1");
      doc.put("kind", "Host");
      doc.put("name", name);
      doc.put("address", vars.path("ansible_host").asText(name));
      doc.put("primary_group", "infrastructure:imported");
      if (memberships.containsKey(name)) doc.put("groups", List.copyOf(memberships.get(name)));
      Map<String, String> labels = new TreeMap<>();
      vars.fields().forEachRemaining(e -> {
        String k = e.getKey();
        if (k.startsWith("ansible_")) return;
        if (!e.getValue().isValueNode() || !LABEL.matcher(k).matches() || ReferenceChecker.reservedName(k)
            || Imported.NAMESPACES.contains(k)) {
          notes.add("host " + name + ": variable " + k + " is no label Anvil can carry (a list, a map, or a name it reserves)");
          return;
        }
        labels.put(k, e.getValue().asText());
      });
      if (!labels.isEmpty()) doc.put("labels", labels);
      hosts.append("---\n").append(Output.yamlText(doc));
    }

    StringBuilder groups = new StringBuilder(Imported.header(source, "ansible", "the inventory's groups, child under parent"));
    TreeSet<String> all = new TreeSet<>(List.of("infrastructure:imported"));
    paths.values().forEach(p -> all.add("logical:" + p));
    for (String g : all) groups.append("---\n").append(Output.yamlText(Map.of("apiVersion", "anvil.dev/v1", "kind", "Group", "name", g)));

    Map<String, String> out = new TreeMap<>();
    out.put("inventory/namespaces.yaml", Imported.namespaces(source, "ansible"));
    out.put("inventory/groups/imported.yaml", groups.toString());
    out.put("inventory/hosts/imported.yaml", hosts.toString());
    out.put("IMPORTED.md", Imported.readme(source, "ansible", hostNames.size() + " hosts, " + paths.size() + " groups", notes));
    return out;
  }
}
