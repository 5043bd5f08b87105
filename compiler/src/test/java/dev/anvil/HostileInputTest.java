package dev.anvil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.anvil.Compiler.Compilation;
import dev.anvil.diag.DiagnosticPrinter;
import dev.anvil.diag.Diagnostics;
import dev.anvil.load.SourceFile;
import dev.anvil.load.SourceTreeReader;
import dev.anvil.validate.SchemaValidator;
import dev.anvil.validate.SchemaWalker;
import dev.anvil.verify.Verifier;
import dev.anvil.write.OutputWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every string field the schemas allow, set to hostile text in the example fleet: each mutation is
 * either refused by the compiler with a clean diagnostic, or accepted — and then every consumer
 * (promtool, amtool, a Slurm client, ansible-inventory, ansible-playbook --check) accepts the
 * output with the value intact, and nothing the value says is executed. The field list comes from
 * schema/, so a new field is covered without touching this test.
 */
class HostileInputTest {
  private static final ObjectMapper READ = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper WRITE = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

  /** One line of everything that means something to a shell, Jinja, Go templates, YAML, PromQL or a path. */
  static String oneLine(Path sentinel) {
    return "q'u\"o`te {{ lookup('pipe', 'touch " + sentinel + "') }} {{ undefined_anvil_variable }} {% if x %}"
        + " ${HOME} $(touch " + sentinel + ") %n %s \\ # : , [x] {y} *z &w !t |> </x> ../../etc/passwd ; 日本 é";
  }

  /** Line breaks and control characters: a forged diagnostic, a systemd directive, terminal escapes. */
  static String multiLine(Path sentinel) {
    return "first\nforged.yaml:1:1: error: forged\u001b[31m\u0007\r\nExecStartPre=/bin/touch " + sentinel + "\n";
  }

  record Field(String kind, String pointer, boolean multiline) {}

  /** A document of the example fleet: file, index in the file, tree. */
  record Doc(String file, int index, ObjectNode tree) {}

  record Mutation(Field field, Doc doc, List<String> concrete, boolean key) {}

  /**
   * The example fleet, and a fixture that uses the fields the example fleet leaves out. Together
   * they place every field but those of receivers Debian's Alertmanager 0.25 cannot run (msteams,
   * webhook url_file), which the consumers could not judge here.
   */
  @Test
  void everyStringFieldIsRefusedOrReachesEveryConsumerIntact(@TempDir Path tmp) throws Exception {
    List<Field> fields = fields();
    java.util.Set<Field> placed = new java.util.HashSet<>();
    List<String> reports = new ArrayList<>();
    for (Path base : List.of(TestSupport.repoRoot(), TestSupport.testDir("fixtures/every-field"))) {
      Path work = java.nio.file.Files.createDirectories(tmp.resolve("base-" + reports.size()));
      reports.add(TestSupport.repoRoot().relativize(base) + ": " + corpus(base, fields, placed, work));
    }
    List<String> missing = fields.stream().filter(f -> !placed.contains(f)).map(f -> f.kind() + f.pointer()).toList();
    System.out.printf("hostile corpus: %d string fields in schema/, %d placed; %s; not placed: %s%n", fields.size(),
        placed.size(), String.join("; ", reports), missing);
    assertTrue(missing.stream().allMatch(f -> f.startsWith("Receiver/msteams") || f.startsWith("Receiver/webhook/url/")),
        "every field but the receivers Alertmanager 0.25 lacks is exercised: " + missing);
  }

  /** The corpus over one base repository; returns its figures. */
  private String corpus(Path repo, List<Field> fields, java.util.Set<Field> placed, Path tmp) throws Exception {
    Path sentinel = tmp.resolve("executed");
    String hostile = oneLine(sentinel);
    String broken = multiLine(sentinel);
    List<SourceFile> base = SourceTreeReader.read(repo, new ArrayList<>());
    Map<String, List<Doc>> docsByFile = new LinkedHashMap<>();
    Map<String, List<Doc>> docsByKind = new TreeMap<>();
    for (SourceFile f : base) {
      List<Doc> docs = new ArrayList<>();
      int i = 0;
      for (JsonNode n : READ.readValues(READ.createParser(f.text()), JsonNode.class).readAll()) {
        Doc d = new Doc(f.path(), i++, (ObjectNode) n);
        docs.add(d);
        docsByKind.computeIfAbsent(n.path("kind").asText(), k -> new ArrayList<>()).add(d);
      }
      docsByFile.put(f.path(), docs);
    }

    List<Mutation> mutations = new ArrayList<>();
    for (Field f : fields) {
      Mutation m = place(f, docsByKind.getOrDefault(f.kind(), List.of()));
      if (m != null) {
        mutations.add(m);
        placed.add(f);
      }
    }

    List<Mutation> accepted = new ArrayList<>();
    List<Mutation> acceptedMultiline = new ArrayList<>();
    long slowest = 0;
    String slowestCase = "";
    for (Mutation m : mutations) {
      for (String value : List.of(hostile, broken)) {
        long start = System.nanoTime();
        Compilation c = Compiler.compile(sources(base, docsByFile, List.of(m), value, false));
        long took = System.nanoTime() - start;
        if (took > slowest) {
          slowest = took;
          slowestCase = m.field().kind() + " " + m.field().pointer();
        }
        String printed = print(c);
        String where = m.field().kind() + " " + m.concrete() + " in " + m.doc().file();
        assertFalse(printed.chars().anyMatch(ch -> ch < 0x20 && ch != '\n'), "raw control characters printed for " + where);
        assertFalse(printed.lines().anyMatch(l -> l.startsWith("forged.yaml") || l.startsWith("ExecStartPre")),
            "a value forged a line of output for " + where + ":\n" + printed);
        assertFalse(printed.contains("Exception"), "no stack trace for " + where + ":\n" + printed);
        if (value.equals(broken) && !m.field().multiline()) {
          assertFalse(c.ok(), "a line break in the single-line field " + where + " must be refused");
        }
        if (c.ok() && value.equals(hostile)) accepted.add(m);
        if (c.ok() && value.equals(broken)) acceptedMultiline.add(m);
      }
    }

    // everything accepted, at once, through every consumer
    // each field's value tagged " #i", so that the hosts carrying every one of them can be found
    Compilation all = Compiler.compile(sources(base, docsByFile, accepted, hostile, true));
    assertTrue(all.ok(), "each was accepted alone; together:\n" + print(all));
    Diagnostics verdict = new Diagnostics();
    Verifier.Report report = Verifier.verify(all.files(), all.fleet(), Verifier.Mode.REQUIRED, verdict);
    assertEquals(4, report.ran().size(), "promtool, amtool, scontrol and snmp_exporter all ran: " + report);
    assertTrue(all.files().stream().anyMatch(f -> f.path().startsWith("slurm/")), "the Slurm output is judged too");
    assertTrue(verdict.all().isEmpty(), "the consumers refuse what anvil accepted:\n" + verdict.all());
    Path out = tmp.resolve("out");
    OutputWriter.write(out, all.files());

    // the value reaches Prometheus targets and Ansible host vars unchanged
    // every server's node targets (the every-field fixture splits its fleet between shards)
    StringBuilder nodeTargets = new StringBuilder();
    try (var files = Files.walk(out.resolve("prometheus"))) {
      for (Path p : files.filter(p -> p.endsWith("targets/node.json")).sorted().toList()) {
        nodeTargets.append(new ObjectMapper().readTree(Files.readString(p)));
      }
    }
    String targets = nodeTargets.toString();
    boolean labelled = accepted.stream().anyMatch(m -> m.field().kind().equals("Host") && m.field().pointer().startsWith("/labels"));
    // the JSON spelling of the value, up to its tag
    String needle = new ObjectMapper().writeValueAsString(hostile).substring(0, new ObjectMapper().writeValueAsString(hostile).length() - 1);
    assertTrue(!labelled || targets.contains(needle),
        "a hostile host label is a target label, intact");
    var inventory = TestSupport.exec(out.resolve("ansible"), "env", "ANSIBLE_INVENTORY_ENABLED=yaml",
        "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=True", "ANSIBLE_DUPLICATE_YAML_DICT_KEY=error",
        TestSupport.tool("ansible-inventory", "ansible-core"), "-i", "inventory.yml", "--list");
    assertEquals(0, inventory.exit(), inventory.output());
    assertFalse(inventory.output().contains("[WARNING]"), inventory.output());
    JsonNode inv = TestSupport.unwrapUnsafe(new ObjectMapper().readTree(inventory.output().substring(inventory.output().indexOf('{'))));
    assertTrue(inv.path("_meta").toString().contains(needle), "host vars hold the hostile value as plain text");

    // a dry run templates every task with those vars: nothing may run, nothing may fail. A few hosts
    // that together carry every tagged value are enough (a dry run of the whole fleet takes a minute)
    List<String> carriers = carriers(inv.path("_meta").path("hostvars"));
    assertFalse(carriers.isEmpty());
    var play = TestSupport.exec(out.resolve("ansible"), "env", "ANSIBLE_NOCOLOR=1", "ANSIBLE_LOCALHOST_WARNING=False",
        "ANSIBLE_HOME=" + tmp.resolve("ansible-home"), TestSupport.tool("ansible-playbook", "ansible-core"),
        "-i", "inventory.yml", "exporters.yml", "--check", "-c", "local", "--limit", String.join(",", carriers),
        "-e", "anvil_agent_dir=" + TestSupport.repoRoot().resolve("agent"));
    assertEquals(0, play.exit(), play.output());
    assertTrue(play.output().contains("TASK [Systemd unit of each exporter]"), play.output());
    assertFalse(Files.exists(sentinel), "a value from the inventory was executed");

    // the multi-line fields that accept line breaks: consumers still accept the output
    if (!acceptedMultiline.isEmpty()) {
      Compilation ml = Compiler.compile(sources(base, docsByFile, acceptedMultiline, broken, false));
      assertTrue(ml.ok(), print(ml));
      Diagnostics mlVerdict = new Diagnostics();
      Verifier.verify(ml.files(), ml.fleet(), Verifier.Mode.REQUIRED, mlVerdict);
      assertTrue(mlVerdict.all().isEmpty(), mlVerdict.all().toString());
    }
    assertFalse(Files.exists(sentinel));
    return String.format("%d inputs (2 values each), %d accepted one-line, %d accepted multi-line, slowest %.0f ms (%s)",
        mutations.size() * 2, accepted.size(), acceptedMultiline.size(), slowest / 1e6, slowestCase);
  }

  /** Hosts whose vars together hold every tagged value that reached Ansible, chosen greedily. */
  private static List<String> carriers(JsonNode hostvars) {
    java.util.regex.Pattern tag = java.util.regex.Pattern.compile(" #(\\d+)\"");
    Map<String, java.util.Set<String>> tagsByHost = new TreeMap<>();
    hostvars.fields().forEachRemaining(h -> {
      java.util.Set<String> tags = new java.util.TreeSet<>();
      var m = tag.matcher(h.getValue().toString());
      while (m.find()) tags.add(m.group(1));
      if (!tags.isEmpty()) tagsByHost.put(h.getKey(), tags);
    });
    java.util.Set<String> left = new java.util.TreeSet<>();
    tagsByHost.values().forEach(left::addAll);
    List<String> chosen = new ArrayList<>();
    while (!left.isEmpty()) {
      String best = null;
      int most = 0;
      for (var e : tagsByHost.entrySet()) {
        int n = (int) e.getValue().stream().filter(left::contains).count();
        if (n > most) {
          most = n;
          best = e.getKey();
        }
      }
      chosen.add(best);
      left.removeAll(tagsByHost.get(best));
    }
    return chosen;
  }

  /** Every string field of every kind, from the schemas. */
  static List<Field> fields() throws Exception {
    List<Field> out = new ArrayList<>();
    for (var e : new TreeMap<>(SchemaValidator.KINDS).entrySet()) {
      JsonNode schema = new ObjectMapper().readTree(TestSupport.repoRoot().resolve("schema/" + e.getValue() + ".schema.json").toFile());
      new SchemaWalker(schema).stringFields((pointer, multiline) -> {
        if (!pointer.equals("/apiVersion") && !pointer.equals("/kind")) out.add(new Field(e.getKey(), pointer, multiline));
      });
    }
    return out;
  }

  /**
   * The first document of the field's kind, and the first way through it, where the field's parent
   * exists: '*' tries each key or item in turn; a missing leaf is added; a '<key>' adds a hostile
   * key beside the first one.
   */
  static Mutation place(Field f, List<Doc> docs) {
    String[] parts = f.pointer().substring(1).split("/");
    boolean key = parts[parts.length - 1].equals("<key>");
    int last = key ? parts.length - 1 : parts.length;
    for (Doc d : docs) {
      List<String> path = walk(d.tree(), parts, 0, last, key, new ArrayList<>());
      if (path != null) return new Mutation(f, d, path, key);
    }
    return null;
  }

  private static List<String> walk(JsonNode node, String[] parts, int i, int last, boolean key, List<String> path) {
    if (i == last) {
      boolean fits = key ? node.isObject() && node.size() > 0 : node.isMissingNode() || node.isTextual();
      return fits ? path : null;
    }
    String p = parts[i];
    boolean leaf = i == last - 1 && !key;
    List<String> choices = new ArrayList<>();
    if (p.equals("*")) {
      if (node.isArray()) for (int k = 0; k < node.size(); k++) choices.add(String.valueOf(k));
      else if (node.isObject()) node.fieldNames().forEachRemaining(choices::add);
    } else if (node.isObject() && (node.has(p) || leaf)) {
      choices.add(p);
    }
    for (String c : choices) {
      JsonNode next = node.isArray() ? node.get(Integer.parseInt(c)) : node.path(c);
      List<String> longer = new ArrayList<>(path);
      longer.add(c);
      List<String> found = walk(next, parts, i + 1, last, key, longer);
      if (found != null) return found;
    }
    return null;
  }

  /** The base sources with the mutations applied: each mutated file re-rendered from its trees. */
  static List<SourceFile> sources(List<SourceFile> base, Map<String, List<Doc>> docsByFile, List<Mutation> mutations,
      String value, boolean tagged) throws Exception {
    Map<String, List<ObjectNode>> changed = new TreeMap<>();
    for (int i = 0; i < mutations.size(); i++) {
      Mutation m = mutations.get(i);
      List<ObjectNode> trees = changed.computeIfAbsent(m.doc().file(), f -> docsByFile.get(f).stream()
          .map(d -> d.tree().deepCopy()).toList());
      apply(trees.get(m.doc().index()), m, tagged ? value + " #" + i : value);
    }
    List<SourceFile> out = new ArrayList<>();
    for (SourceFile f : base) {
      List<ObjectNode> trees = changed.get(f.path());
      if (trees == null) {
        out.add(f);
        continue;
      }
      StringBuilder text = new StringBuilder();
      for (ObjectNode t : trees) text.append("---\n").append(WRITE.writeValueAsString(t));
      out.add(new SourceFile(f.path(), text.toString()));
    }
    return out;
  }

  private static void apply(ObjectNode root, Mutation m, String value) {
    List<String> parts = m.concrete();
    JsonNode node = root;
    for (int i = 0; i < parts.size() - (m.key() ? 0 : 1); i++) {
      node = node.isArray() ? node.get(Integer.parseInt(parts.get(i))) : node.get(parts.get(i));
    }
    if (m.key()) {
      ObjectNode map = (ObjectNode) node;
      map.set(value, map.elements().next().deepCopy());
      return;
    }
    String leaf = parts.get(parts.size() - 1);
    if (node.isArray()) ((ArrayNode) node).set(Integer.parseInt(leaf), TextNode.valueOf(value));
    else ((ObjectNode) node).put(leaf, value);
  }

  private static String print(Compilation c) {
    StringWriter s = new StringWriter();
    new DiagnosticPrinter(DiagnosticPrinter.Format.TEXT, c::lines).print(c.diagnostics().all(), new PrintWriter(s));
    return s.toString();
  }
}
