package dev.anvil.load;

import static dev.anvil.load.WordScanTest.holds;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scan must never miss a scalar YAML gives the group name as: it decides which policies explain reads. */
class NameScanTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String NAME = "logical:project-0/cluster-0";
  private static final NameScan SCAN = NameScan.of(List.of(NAME, "environment:production"));

  /** Every way of spelling the name: YAML reads it from each, and the scan says the text may hold it. */
  @Test
  void findsTheNameHoweverYamlSpellsIt() throws Exception {
    String[] spellings = {
        "group: logical:project-0/cluster-0\n", "group: 'logical:project-0/cluster-0'\n",
        "group: \"logical:project-0/cluster-0\"\n", "group: |-\n  logical:project-0/cluster-0\n",
        "group: >-\n  logical:project-0/cluster-0\n", "{group: logical:project-0/cluster-0}\n",
        "{\"group\":logical:project-0/cluster-0}\n", "groups: [logical:project-0/cluster-0, x:y]\n",
        "group: logical:project-0/cluster-0 # comment\n", "group: logical:project-0/cluster-0\r\n",
        "group: \"logical\\x3aproject-0/cluster-0\"\n", "group: \"logical:project-0\\u002fcluster-0\"\n",
        "group: \"logical:project-0/clus\\\n  ter-0\"\n", "logical:project-0/cluster-0: x\n"};
    for (String yaml : spellings) {
      assertTrue(holds(YAML.readTree(yaml), NAME), "YAML does not read the name from: " + yaml);
      assertTrue(SCAN.mayHold(yaml, 0, yaml.length()), "missed in: " + yaml);
      assertTrue(SCAN.mayHoldAnywhere(yaml), "missed anywhere in: " + yaml);
    }
  }

  /** A name inside a longer one (a child group, a longer segment) is not the name. */
  @Test
  void aNameInsideALongerOneIsNotTheName() throws Exception {
    String[] others = {"group: logical:project-0/cluster-01\n", "group: logical:project-0/cluster-0/gpu\n",
        "group: xlogical:project-0/cluster-0\n", "group: alogical:project-0/cluster-0.b\n",
        "group: logical:project-0\n", "expr: \"up{group=\\\"logical:project-0\\\"}\"\n",
        "group: logical:project-0/cluster-0_\n"};
    for (String yaml : others) {
      assertFalse(holds(YAML.readTree(yaml), NAME), yaml);
      assertFalse(SCAN.mayHold(yaml, 0, yaml.length()), "not the name, but found in: " + yaml);
    }
  }

  /** Only the part asked about counts: a name just outside it does not. */
  @Test
  void onlyThePartAskedAbout() {
    String text = "group: environment:production\n---\ngroup: logical:project-1\n";
    int second = text.indexOf("---");
    assertTrue(SCAN.mayHold(text, 0, second));
    assertFalse(SCAN.mayHold(text, second, text.length()));
    assertFalse(SCAN.mayHold(text, 0, text.indexOf("production") + 4), "the name is not all in the part");
    assertFalse(SCAN.mayHoldAnywhere("group: logical:project-1\n"));
  }
}
