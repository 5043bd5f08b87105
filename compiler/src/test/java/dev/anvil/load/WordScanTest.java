package dev.anvil.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The scan must never miss a scalar YAML gives the word as: it decides which files explain leaves unread. */
class WordScanTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> WORD = Set.of("node-1");

  /** Every way of spelling the scalar: YAML reads "node-1" from each, and the scan says the text may hold it. */
  @Test
  void findsTheWordHoweverYamlSpellsIt() throws Exception {
    String[] spellings = {
        "name: node-1\n", "name: 'node-1'\n", "name: \"node-1\"\n", "name: !!str node-1\n", "name: &a node-1\nx: *a\n",
        "name: |-\n  node-1\n", "name: >-\n  node-1\n", "{name: node-1}\n", "{\"name\":node-1}\n", "name: [node-1]\n",
        "- node-1\n", "node-1: x\n", "name: node-1 # comment\n", "name:  node-1\r\n", "name: \"node\\x2d1\"\n",
        "name: \"no\\\n  de-1\"\n", "name: \"no\\\r\n  de-1\"\n", "name: \"\\u006eode-1\"\n",
        "name: \"\\U0000006eode-1\"\n", "name: \"node\\x2D1\"\n", "name: node-1\n...\n"};
    for (String yaml : spellings) {
      assertTrue(holds(YAML.readTree(yaml), "node-1"), "YAML does not read node-1 from: " + yaml);
      assertTrue(WordScan.of(WORD).mayHold(yaml), "missed in: " + yaml);
    }
  }

  /** A longer name that contains the word, or one that folds to a different value, is not the word. */
  @Test
  void aWordInsideALongerNameIsNotTheWord() throws Exception {
    String[] others = {"name: node-10\n", "name: anode-1\n", "name: node-1.x\n", "name: node_1\n", "name: node-1a\n",
        "name: \"node-\n  1\"\n", "name: node-\n  1\n", "name: [node-1-b, c-node-1]\n"};
    for (String yaml : others) {
      assertFalse(holds(YAML.readTree(yaml), "node-1"), yaml);
      assertFalse(WordScan.of(WORD).mayHold(yaml), "not the word, but found in: " + yaml);
    }
  }

  /**
   * An escape that stands for a character outside host names (a quote, a tab, a backslash, a line
   * break) makes no word: dashboards' queries are full of escaped quotes, and explain left them
   * unread only once the scan knew.
   */
  @Test
  void escapesThatSpellNoHostNameCharacterMakeNoWord() throws Exception {
    String[] others = {"expr: \"up{job=\\\"node\\\"}\"\n", "name: \"node\\t-1\"\n", "name: \"\\\\node-10\"\n",
        "name: \"a\\nb\\0\\a\\b\\e\\f\\r\\v\\N\\_\\L\\P\\ \\\"c\"\n", "path: C:\\node-10\n"};
    for (String yaml : others) {
      assertFalse(holds(YAML.readTree(yaml), "node-1"), yaml);
      assertFalse(WordScan.of(WORD).mayHold(yaml), "no word, but found in: " + yaml);
    }
    assertTrue(WordScan.of(WORD).mayHold("name: \"node-\\"), "a backslash at the end may be followed by anything");
  }

  @Test
  void anyOfSeveralWordsOfDifferentLengths() {
    WordScan scan = WordScan.of(Set.of("Group", "gpu-server-01", "a"));
    assertTrue(scan.mayHold("kind: Group"));
    assertTrue(scan.mayHold("x: [b, a]"));
    assertTrue(scan.mayHold("host: gpu-server-01"));
    assertFalse(scan.mayHold("kind: Host\nname: gpu-server-011\ngroups: [ab]"));
    assertFalse(scan.mayHold(""));
  }

  @Test
  void onlyWordsOfHostNameCharactersCanBeScanned() {
    assertTrue(WordScan.scannable("gpu-server-01.example_2"));
    assertFalse(WordScan.scannable("logical:inference/eks"));
    assertFalse(WordScan.scannable("two words"));
    assertFalse(WordScan.scannable(""));
    assertEquals(true, WordScan.scannable("Group"));
  }

  /** Whether the tree has a key or a string value equal to {@code word}: what YAML reads, to check the scans against. */
  static boolean holds(JsonNode n, String word) {
    if (n.isTextual()) return n.asText().equals(word);
    for (JsonNode child : n) if (holds(child, word)) return true;
    var names = n.fieldNames();
    while (names.hasNext()) if (names.next().equals(word)) return true;
    return false;
  }
}
